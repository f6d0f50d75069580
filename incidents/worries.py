"""A pupil or a parent reports a worry: it becomes an incident on the e-safety officer's
queue, marked "Reported by a pupil" or "... a parent", routed as any other (a worry
about an adult at school goes to the headteacher).

KCSIE asks for systems children trust to report a worry. So:
- a pupil may send it without their name: then the incident keeps no link to their
  account, in the record or in its history, and nothing about the request (no address)
  is stored with it; the page itself works without signing in, for a link on the
  school's website;
- nothing is ever shown back but a thank-you and a helpline's number;
- no files (an image of a child must never be uploaded, UKCIS 2024);
- a few reports an hour from one place (`may_send`): the counter lives in the cache
  under a one-way hash of the address, for an hour, and is never written to the record.
"""

import hashlib
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from simple_history.models import HistoricalRecords

from esafety.services import attributed

from . import services
from .models import Answer, Incident, Location, Part, PersonKind, Source, Subject

SENDS_PER_HOUR = 5
HOUR = 60 * 60

# Who the worry is about, in a child's words -> who it is about for routing.
ABOUT = {
    "me": ("Me", Subject.PUPIL),
    "pupil": ("Another pupil or a friend", Subject.PUPIL),
    "adult": ("An adult at school", Subject.STAFF),
    "outside": ("Someone online or outside school", Subject.OUTSIDE),
}
PARENT_ABOUT = {
    "my_child": ("My child", Subject.PUPIL),
    "pupil": ("Another pupil at the school", Subject.PUPIL),
    "adult": ("An adult at the school", Subject.STAFF),
    "outside": ("Someone online or outside school", Subject.OUTSIDE),
}
WHERE = {
    "online": ("Online: an app, a game, a website or messages", Location.ONLINE),
    "school": ("At school", Location.ON_SITE),
    "elsewhere": ("Somewhere else", Location.OFF_SITE),
}


def _sender_key(request, school) -> str:
    """A one-way name for where the report came from, for the hour's counter only."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else "address:"
    who += request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{school.pk}|{who}".encode()).hexdigest()
    return f"worry-sends:{digest[:32]}"


def may_send(request, school) -> bool:
    """Counts this send; False once SENDS_PER_HOUR were sent from here this hour."""
    key = _sender_key(request, school)
    cache.add(key, 0, HOUR)
    try:
        sent = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, HOUR)
        sent = 1
    return sent <= SENDS_PER_HOUR


@contextmanager
def unattributed():
    """Saves inside are recorded in history with no user: the request's signed-in pupil
    is not picked up by simple-history's middleware (an anonymous report stays so)."""
    context = HistoricalRecords.context
    request = getattr(context, "request", None)
    if request is not None:
        del context.request
    try:
        yield
    finally:
        if request is not None:
            context.request = request


def _description(what: str, about_label: str, told: str) -> str:
    lines = [what.strip(), "", f"Who it is about: {about_label}."]
    if told.strip():
        lines.append(f"Who they have told already: {told.strip()}")
    return "\n".join(lines)


@transaction.atomic
def report_worry(*, school, source, reporter, about, where, what, told="", child=None) -> Incident:
    """Make the incident and route it. `reporter` None: an anonymous pupil's report,
    with no link to anyone's account. `child`: the parent's child it is about."""
    choices = PARENT_ABOUT if source == Source.PARENT else ABOUT
    about_label, subject = choices[about]
    incident = Incident(
        school=school,
        source=source,
        subject=subject,
        location=WHERE[where][1],
        occurred_at=None,
        description=_description(what, about_label, told),
        # Nobody trained has looked yet: "not sure" puts it first on the queue.
        child_at_risk_now=Answer.NOT_SURE,
    )
    people = []
    if source == Source.PUPIL and reporter is not None and about == "me":
        people.append({"person": reporter, "kind": PersonKind.PUPIL, "part": Part.TARGET})
    if child is not None:
        people.append({"person": child, "kind": PersonKind.PUPIL, "part": Part.TARGET})
    if reporter is None:
        with unattributed():
            return services.submit_incident(
                incident=attributed(incident, None), by=None, people=people, tags=[]
            )
    return services.submit_incident(incident=incident, by=reporter, people=people, tags=[])


def thanks_context(source) -> dict:
    if source == Source.PARENT:
        return {"helpline": "the NSPCC helpline", "number": "0808 800 5000", "parent": True}
    return {"helpline": "Childline", "number": "0800 1111", "parent": False}
