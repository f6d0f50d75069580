"""Server-side idle lock-out and the two-factor requirement."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import devices_for_user

from .roles import requires_two_factor
from .sso.services import counts_as_two_factor
from .validators import has_nul_byte

LAST_SEEN_KEY = "esafety_last_seen"
# Pages a person who still owes a second factor may use.
TWO_FACTOR_EXEMPT_URL_NAMES = {
    "two-factor-setup",
    "two-factor-verify",
    "logout",
    "session-status",
    "session-keep-alive",
    "health",
}


def _login_redirect(request, **extra):
    query = urlencode({"next": request.get_full_path(), **extra})
    url = f"{reverse(settings.LOGIN_URL)}?{query}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    """Sign a person out after IDLE_TIMEOUT_SECONDS without a request (the seed's 10 minutes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                return _login_redirect(request, timed_out="1")
            request.esafety_idle_seconds = 0 if last_seen is None else now - last_seen
            if not self._is_passive(request) and self._due(last_seen, now):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _due(last_seen, now) -> bool:
        # Each write is an UPDATE of the session: at most once in IDLE_WRITE_SECONDS, so a
        # page and the requests it makes at once write once. The lock-out then comes up to
        # that much before the full idle time, never after.
        return last_seen is None or now - last_seen >= settings.IDLE_WRITE_SECONDS

    @staticmethod
    def _is_passive(request):
        return request.path == reverse("session-status")


class TwoFactorRequiredMiddleware:
    """Send people whose roles require two-factor authentication to set it up or use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (settings.REQUIRE_2FA and user.is_authenticated) or user.is_verified():
            return None
        if counts_as_two_factor(request):  # a trust's provider that enforces MFA
            return None
        match = request.resolver_match
        if match is None or match.url_name in TWO_FACTOR_EXEMPT_URL_NAMES:
            return None
        if not requires_two_factor(user):
            return None
        has_device = any(devices_for_user(user, confirmed=True))
        target = "two-factor-verify" if has_device else "two-factor-setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class RefuseNulBytesMiddleware:
    """A NUL byte in the address, a parameter or a form field gets a 400 page with a clear
    message before any view sees it: PostgreSQL refuses NUL in text, so a view that looked
    the raw value up would fail with a 500. No form or person types one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul_byte(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul_byte(request) -> bool:
        if has_nul_byte(request.path):
            return True
        sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
        for params in sources:
            for key, values in params.lists():
                if has_nul_byte(key) or any(has_nul_byte(v) for v in values):
                    return True
        return False
