"""django-allauth, told about trusts: one OpenID Connect app per trust and provider,
built from TrustSignIn rows (never allauth's own SocialApp table), and the refusals."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib import messages
from django.shortcuts import redirect

from esafety.secrets import SecretUnreadable

from . import services
from .services import Refused

logger = logging.getLogger(__name__)

# Set on the request once the provider's answer is accepted; read after Django's
# login(), which may start a new session.
_ACCEPTED = "_esafety_sign_in"


def social_app(sign_in, login_hint: str = "") -> SocialApp | None:
    """An unsaved allauth app for this trust's provider (the supported pattern for apps
    that don't live in allauth's table), or None if its secret can't be read."""
    try:
        client_id, secret = services.credentials(sign_in)
    except SecretUnreadable:
        logger.error("sign-in %s: its secret was encrypted with another key", sign_in.pk)
        return None
    return SocialApp(
        provider="openid_connect",
        provider_id=sign_in.provider_id,
        name=sign_in.get_provider_display(),
        client_id=client_id,
        secret=secret,
        settings=services.provider_settings(sign_in, login_hint),
    )


def _back_to_sign_in(request, message: str):
    messages.error(request, message)
    raise ImmediateHttpResponse(redirect("login"))


class TrustSignInAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        # The sign-in page's form posts the person's address: the provider fills it in.
        hint = request.POST.get("email", "") if request is not None else ""
        if provider in (None, "openid_connect") and client_id is None:
            # Only by name (trust3-microsoft), or by client id when allauth reads back a
            # stored login: never "all of them" (two would be a MultipleObjectsReturned).
            return []
        apps = []
        for sign_in in services.sign_ins_for_provider_id(provider):
            app = social_app(sign_in, hint)
            if app is not None and (client_id is None or app.client_id == client_id):
                apps.append(app)
        return apps

    def pre_social_login(self, request, sociallogin):
        found = services.sign_ins_for_provider_id(sociallogin.account.provider)
        if not found:
            _back_to_sign_in(request, "Sign-in with that account service is switched off.")
        sign_in = found[0]
        claims = sociallogin.account.extra_data.get("id_token") or {}
        email = ""
        try:
            email = services.email_from_claims(sign_in, claims)
            person = services.person_for(sign_in, email)
            if sociallogin.is_existing and sociallogin.user.pk != person.pk:
                raise Refused(
                    "That account is linked to someone else here. Ask IT support.",
                    "account linked to another person",
                )
        except Refused as refused:
            services.refuse(sign_in, email, refused)
            _back_to_sign_in(request, refused.message)
        if not sociallogin.is_existing:
            sociallogin.connect(request, person)
        setattr(request, _ACCEPTED, sign_in)

    def is_open_for_signup(self, request, sociallogin):
        return False  # pre_social_login refuses first; this is the backstop

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        if error == "cancelled":
            _back_to_sign_in(request, "Signing in with your school account was cancelled.")
        logger.warning("provider sign-in failed: %s %s", error, exception)
        _back_to_sign_in(
            request,
            "Signing in with your school account didn't work. Try again, or sign in with "
            "your password.",
        )


class QuietAccountAdapter(DefaultAccountAdapter):
    """Our pages say what happened; allauth's own messages ("Successfully signed in as")
    are not shown. No one signs up through allauth."""

    def add_message(self, *args, **kwargs):
        return None

    def is_open_for_signup(self, request):
        return False

    def login(self, request, user):
        super().login(request, user)
        sign_in = getattr(request, _ACCEPTED, None)
        if sign_in is not None:
            services.remember_sign_in(request.session, sign_in)
