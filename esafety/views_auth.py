"""Sign-in, invitations and two-factor authentication."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import SetPasswordForm, SignInForm, TokenForm
from .models import TrustSignIn
from .roles import requires_two_factor
from .services import accept_invitation, find_invitation
from .sso.forms import SchoolAccountForm
from .sso.services import counts_as_two_factor

RECOVERY_CODE_COUNT = 10


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.GET.get("timed_out"):
            minutes = settings.IDLE_TIMEOUT_SECONDS // 60
            messages.info(request, f"You were signed out after {minutes} minutes without activity.")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The school-account box shows once any trust has a provider switched on.
        context["school_accounts"] = TrustSignIn.objects.filter(enabled=True).exists()
        context["school_account_form"] = SchoolAccountForm()
        return context


def safe_next(request, default="home"):
    """The `next` page asked for, if it is a path on this site; else `default`. Only a path
    (a leading "/"): `redirect()` would take anything else for a view's name."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_not_required
def invitation_accept(request, token):
    invitation = find_invitation(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=410)
    form = SetPasswordForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        user = accept_invitation(invitation=invitation, password=form.cleaned_data["password1"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set. Welcome.")
        return redirect("home")
    return render(
        request,
        "registration/invitation_accept.html",
        {"form": form, "invited": invitation.user},
    )


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_setup(request):
    """Add an authenticator app: scan the code, type a code back, get recovery codes.
    Someone who already has one must use it first: otherwise a password alone could
    swap in a new app and pass two-factor sign-in."""
    user = request.user
    has_device = any(devices_for_user(user, confirmed=True))
    if has_device and not (user.is_verified() or counts_as_two_factor(request)):
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': safe_next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None, setting_up=True)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save()
                codes = _new_recovery_codes(user)
            otp_login(request, device)
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": safe_next(request)},
            )
        form.add_error(
            "token",
            "That code didn't match. Check the time on your phone and try again.",
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, dark="#000", light="#fff"),
            "secret": b32encode(device.bin_key).decode(),
            "required": requires_two_factor(user),
            "next": request.GET.get("next", ""),
        },
    )


def two_factor_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"You used a recovery code. {left} are left.")
            return redirect(safe_next(request))
        form.add_error("token", "That code didn't match. Try the newest code from your app.")
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@require_POST
def recovery_codes_regenerate(request):
    if not request.user.is_verified():
        return redirect("two-factor-verify")
    codes = _new_recovery_codes(request.user)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": "account"})
