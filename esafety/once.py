"""A form sent twice makes one record: a one-time token in the form, claimed in the cache.

Do-once steps on an existing record (sign, acknowledge, approve) are guarded by database
constraints and row locks. A form that *creates* a record has nothing to lock yet, so a
double click, or a reload after a slow answer, would make two. The form carries a random
token (`once_token(request)`, rendered as a hidden field named FIELD); the view wraps the
work that follows a valid submit in `first_time(request, do, ...)`:

- the first request with that token claims it (`cache.add`: atomic in Redis, and in the
  local-memory cache the embedded default's one process shares) and does the work;
- a repeat waits for the first to finish and is sent where the first was sent, with a
  message that it was sent once;
- a submit that fails (an exception, or the page shown again) gives the token back, so
  the corrected form can be sent.

A request without a token (an old page still open) is handled as before.

On an existing record, a service that finds its step done already (after taking the
row's lock, or when a unique constraint refuses the second row) raises
`already_done(message)`; the view asks `was_already_done(error)` and, if so, answers
`redirect_as_done(...)`: where the first click went, with the message as a note. Never an
error page, never a second record.
"""

import re
import secrets
import time
from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

FIELD = "once"
PENDING = "pending"
KEEP_SECONDS = 60 * 60  # a repeat an hour later is a new submission
WAIT_SECONDS = 10  # how long a repeat waits for the first request to finish
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def once_token(request) -> str:
    """The token for the form on this page: the one it was sent with, or a new one."""
    sent = request.POST.get(FIELD, "")
    return sent if _TOKEN.fullmatch(sent) else secrets.token_urlsafe(16)


def first_time(
    request, do: Callable[[], HttpResponse], *, while_saving: str, repeated: str
) -> HttpResponse:
    """`do()` once per token. A repeat goes where the first went (or to `while_saving`
    if the first is still being saved after WAIT_SECONDS), with the message `repeated`."""
    token = request.POST.get(FIELD, "")
    if not _TOKEN.fullmatch(token):
        return do()
    key = f"once:{request.user.pk}:{token}"
    if not cache.add(key, PENDING, KEEP_SECONDS):
        messages.info(request, repeated)
        return redirect(_where_the_first_went(key) or while_saving)
    try:
        response = do()
    except BaseException:
        cache.delete(key)
        raise
    if response.status_code in (301, 302, 303) and response.has_header("Location"):
        cache.set(key, response["Location"], KEEP_SECONDS)
    else:
        cache.delete(key)  # nothing was made (the form shown again): the token is free
    return response


def _where_the_first_went(key: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = cache.get(key)
        if value != PENDING:
            return value or ""
        time.sleep(0.05)
    return ""


ALREADY_DONE = "already_done"


def already_done(message: str) -> ValidationError:
    return ValidationError(message, code=ALREADY_DONE)


def was_already_done(error: ValidationError) -> bool:
    return getattr(error, "code", None) == ALREADY_DONE


def redirect_as_done(request, message: str, to, *args, **kwargs) -> HttpResponse:
    """A do-once step's second click: a note, and where the first click went."""
    messages.info(request, message)
    return redirect(to, *args, **kwargs)
