"""The sign-in page's school-account route, allauth's pages we don't show, and the
chair's page for the trust's providers."""

from allauth.socialaccount.providers.openid_connect import views as oidc
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esafety.forms import add_errors
from esafety.models import SignInDomain, SignInProvider, SignInRefusal, TrustSignIn
from esafety.models_sso import provider_id_for
from esafety.views_people import chaired_trusts

from . import services
from .forms import SchoolAccountForm, TrustSignInForm

REFUSALS_SHOWN = 20


@login_not_required
@require_POST
def sign_in_with_school_account(request):
    """From the sign-in page: send the person to their trust's provider, chosen by the
    domain of the address they typed."""
    form = SchoolAccountForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type your school email address, such as name@school.org.uk.")
        return redirect("login")
    sign_in = services.sign_in_for_email(form.cleaned_data["email"])
    if sign_in is None:
        messages.error(
            request,
            "Your school hasn't set up signing in with its Microsoft or Google accounts "
            "for that address. Sign in with your password.",
        )
        return redirect("login")
    # allauth's own view, with this (CSRF-checked) POST: it stores the state and `next`
    # in the session and redirects to the provider.
    return oidc.login(request, provider_id=sign_in.provider_id)


@login_not_required
def provider_start(request, provider_id):
    """allauth's start page: only a POST from our sign-in page starts a sign-in."""
    if request.method != "POST":
        return redirect("login")
    return oidc.login(request, provider_id=provider_id)


@login_not_required
def back_to_sign_in(request, *args, **kwargs):
    """allauth's account pages (sign-up, its own login, connections) are not used."""
    return redirect("login")


def _chaired(request):
    return chaired_trusts(request, "esafety.manage_trust_sign_in")


def trust_sign_in(request):
    """The chair: the trust's providers, the address to register with them, and recent
    refusals."""
    trusts = list(_chaired(request))
    found = {
        (s.trust_id, s.provider): s
        for s in TrustSignIn.objects.filter(trust__in=trusts)
        .select_related("trust")
        .prefetch_related("domains")
    }
    rows = [
        {
            "trust": trust,
            "provider": provider,
            "label": label,
            "sign_in": found.get((trust.pk, provider)),
        }
        for trust in trusts
        for provider, label in SignInProvider.choices
    ]
    refusals = (
        SignInRefusal.objects.filter(sign_in__trust__in=trusts)
        .select_related("sign_in__trust")
        .order_by("-at")[:REFUSALS_SHOWN]
    )
    domains = [d for s in found.values() for d in s.domains.all()]
    return render(
        request,
        "esafety/trust_sign_in.html",
        {
            "rows": rows,
            "domains": sorted(domains, key=lambda d: (d.verified_at is not None, d.domain)),
            "refusals": refusals,
            "several_trusts": len(trusts) > 1,
        },
    )


@require_POST
def trust_sign_in_domain_check(request, trust_pk, pk):
    """The chair (or IT support with them) added the TXT record: look for it now."""
    trust = get_object_or_404(_chaired(request), pk=trust_pk)
    domain = get_object_or_404(SignInDomain.objects.filter(sign_in__trust=trust), pk=pk)
    try:
        proved = services.verify_domain(domain=domain, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if proved:
            messages.success(request, f"{domain.domain} is proved: its people can sign in.")
        else:
            messages.error(
                request,
                f"The TXT record wasn't found on {domain.domain} yet. DNS changes can take "
                "an hour to reach everyone: try again later.",
            )
    return redirect("trust-sign-in")


def trust_sign_in_edit(request, trust_pk, provider):
    trust = get_object_or_404(_chaired(request), pk=trust_pk)
    if provider not in SignInProvider.values:
        raise Http404
    existing = (
        TrustSignIn.objects.filter(trust=trust, provider=provider)
        .prefetch_related("domains")
        .first()
    )
    initial = {"enabled": True}
    if existing is not None:
        initial = {
            "tenant": existing.tenant,
            "domains": "\n".join(d.domain for d in existing.domains.all()),
            "provider_enforces_mfa": existing.provider_enforces_mfa,
            "enabled": existing.enabled,
        }
    form = TrustSignInForm(
        request.POST or None, provider=provider, existing=existing, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_sign_in(
                trust=trust, provider=provider, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{SignInProvider(provider).label} sign-in is saved.")
            return redirect("trust-sign-in")
    provider_id = provider_id_for(trust.pk, provider)
    return render(
        request,
        "esafety/trust_sign_in_edit.html",
        {
            "form": form,
            "trust": trust,
            "provider": provider,
            "label": SignInProvider(provider).label,
            "existing": existing,
            "cancel_url": reverse("trust-sign-in"),
            "redirect_uri": request.build_absolute_uri(
                reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
            ),
        },
        status=400 if form.errors else 200,
    )
