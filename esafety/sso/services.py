"""The rules of signing in with a trust's provider, in one place."""

from __future__ import annotations

import re
import uuid

import dns.exception
import dns.resolver
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from esafety.models import (
    School,
    SignInDomain,
    SignInProvider,
    SignInRefusal,
    Trust,
    TrustSignIn,
    User,
)
from esafety.roles import access_for
from esafety.secrets import decrypt, encrypt
from esafety.services import attributed, people_known_at

# The session remembers which provider signed the person in, and whether it counts as
# their second factor (TwoFactorRequiredMiddleware asks `counts_as_two_factor`).
SESSION_PROVIDER = "sign_in_provider"
SESSION_MFA = "sign_in_mfa"
DNS_SECONDS = 5

_PROVIDER_ID = re.compile(r"^trust(?P<trust>\d+)-(?P<provider>microsoft|google)$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class Refused(Exception):
    """A provider sign-in this trust does not accept: `message` is for the person,
    `reason` for the log the chair reads."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def sign_in_for_email(email: str) -> TrustSignIn | None:
    """The enabled provider that people with this address sign in with, if any."""
    domain = domain_of(email)
    if not domain:
        return None
    found = (
        SignInDomain.objects.filter(domain=domain, verified_at__isnull=False, sign_in__enabled=True)
        .select_related("sign_in")
        .first()
    )
    return found.sign_in if found else None


def sign_ins_for_provider_id(provider_id: str | None) -> list[TrustSignIn]:
    """The enabled sign-in allauth asks for by name (trust3-microsoft), or all of them."""
    found = TrustSignIn.objects.filter(enabled=True).prefetch_related("domains")
    if provider_id and provider_id != "openid_connect":
        match = _PROVIDER_ID.match(provider_id)
        if match is None:
            return []
        found = found.filter(trust_id=match["trust"], provider=match["provider"])
    return list(found)


def provider_settings(sign_in: TrustSignIn, login_hint: str = "") -> dict:
    """allauth's OpenID Connect settings for this trust's provider. The issuer is the
    trust's own tenant (never `common`), so allauth checks the token came from it."""
    auth_params = {"prompt": "select_account"}
    if login_hint:
        auth_params["login_hint"] = login_hint
    common = {"fetch_userinfo": False, "oauth_pkce_enabled": True, "auth_params": auth_params}
    if sign_in.provider == SignInProvider.MICROSOFT:
        return {
            **common,
            "server_url": f"https://login.microsoftonline.com/{sign_in.tenant}/v2.0",
            "uid_field": "oid",
        }
    auth_params["hd"] = sign_in.tenant
    return {**common, "server_url": "https://accounts.google.com"}


def credentials(sign_in: TrustSignIn) -> tuple[str, str]:
    return decrypt(sign_in.client_id_encrypted), decrypt(sign_in.secret_encrypted)


# --- the provider's answer ----------------------------------------------------------------


def email_from_claims(sign_in: TrustSignIn, claims: dict) -> str:
    """The address the provider vouches for, or Refused. The token must come from the
    trust's own tenant or Workspace domain, for a member (not a guest), and the address
    must be in one of the domains the trust gave for this provider."""
    if sign_in.provider == SignInProvider.MICROSOFT:
        if str(claims.get("tid", "")).lower() != sign_in.tenant.lower():
            raise Refused(
                "That account belongs to a different organisation. Sign in with your "
                "school's Microsoft account.",
                "account from another Microsoft organisation",
            )
        if claims.get("idp") and claims.get("idp") != claims.get("iss"):
            raise Refused(
                "Guest accounts can't sign in here. Sign in with your own school account.",
                "guest account",
            )
        # Entra's `email` is whatever the tenant's admins typed: only an address whose
        # domain the tenant has proved it owns (the optional claim xms_edov) is trusted.
        if claims.get("xms_edov") not in (True, 1, "1", "true", "True"):
            raise Refused(
                "Your school's Microsoft account didn't confirm that its email domain "
                "belongs to the school, so it can't be matched to a person here. Ask IT "
                "support to add the optional claims email and xms_edov to the app, or "
                "sign in with your password.",
                "email domain not verified by Microsoft (no xms_edov)",
            )
        email = claims.get("email") or ""
    else:
        if str(claims.get("hd", "")).lower() != sign_in.tenant.lower():
            raise Refused(
                "That Google account isn't one of your school's. Sign in with your school "
                "Google account.",
                "Google account outside the Workspace domain",
            )
        if claims.get("email_verified") is not True:
            raise Refused(
                "Google didn't confirm that email address, so it can't be matched to a "
                "person here. Sign in with your password, or ask IT support.",
                "email not verified by Google",
            )
        email = claims.get("email") or ""
    email = email.strip()
    domains = {d.domain for d in sign_in.domains.all() if d.verified_at is not None}
    if domain_of(email) not in domains:
        raise Refused(
            "Your school's account service didn't give an email address at your school, "
            "so it can't be matched to a person here. Sign in with your password, or ask "
            "IT support.",
            f"address outside the trust's domains ({domain_of(email) or 'none'})",
        )
    return email


def trust_ids_of(user: User) -> set[int]:
    """The trusts where this person holds a role today (any school role, trustee, lead)."""
    access = access_for(user)
    trusts = set(access.trust_ids) | set(access.lead_trust_ids)
    if access.roles_by_school:
        trusts |= set(
            School.objects.filter(pk__in=access.roles_by_school).values_list("trust_id", flat=True)
        )
    return trusts


def person_for(sign_in: TrustSignIn, email: str) -> User:
    """The existing person this address is, who holds a role in the trust today; or
    Refused. Nobody is created, and an account known only to another trust is treated
    as unknown (saying otherwise would reveal it)."""
    person = people_known_at(sign_in.trust).filter(email__iexact=email).first()
    if person is None:
        raise Refused(
            f"Nobody here uses the email address {email}. Ask your school's office to "
            "check the address they hold for you, or sign in with your password.",
            "no person with that email",
        )
    if not person.is_active or sign_in.trust_id not in trust_ids_of(person):
        raise Refused(
            "Your account here has ended or is switched off. Ask your school's office if "
            "that is a mistake.",
            "account switched off or every role ended",
        )
    return person


def refuse(sign_in: TrustSignIn, email: str, refused: Refused) -> None:
    SignInRefusal.objects.create(sign_in=sign_in, email=email[:254], reason=refused.reason)


def remember_sign_in(session, sign_in: TrustSignIn) -> None:
    """After the provider signed a person in: which provider, and whether it counts as
    their second factor (only where the trust records that the provider enforces it)."""
    session[SESSION_PROVIDER] = sign_in.provider_id
    session[SESSION_MFA] = bool(sign_in.provider_enforces_mfa)


def counts_as_two_factor(request) -> bool:
    session = getattr(request, "session", None)
    if not session or not session.get(SESSION_MFA):
        return False
    # Re-read: a chair who unticks "enforces MFA" or turns the provider off is obeyed at
    # the next request, not the next sign-in; so is a role in the trust that ended.
    match = _PROVIDER_ID.match(session.get(SESSION_PROVIDER, ""))
    if match is None or int(match["trust"]) not in trust_ids_of(request.user):
        return False
    return TrustSignIn.objects.filter(
        trust_id=match["trust"],
        provider=match["provider"],
        enabled=True,
        provider_enforces_mfa=True,
    ).exists()


# --- the chair's settings -----------------------------------------------------------------


def parse_domains(text: str) -> list[str]:
    """Domains typed one per line or separated by commas; ValidationError if one isn't."""
    found = []
    for word in re.split(r"[\s,;]+", text.lower()):
        word = word.strip().lstrip("@").rstrip(".")
        if not word:
            continue
        if not _DOMAIN.match(word):
            raise ValidationError(f"“{word}” is not a domain (it should look like school.org.uk).")
        if word not in found:
            found.append(word)
    if not found:
        raise ValidationError("Give at least one email domain, such as school.org.uk.")
    return found


def check_tenant(provider: str, tenant: str) -> str:
    tenant = tenant.strip().lower()
    if provider == SignInProvider.MICROSOFT:
        try:
            return str(uuid.UUID(tenant))
        except ValueError:
            raise ValidationError(
                "The directory (tenant) ID is a code like "
                "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d: copy it from Microsoft Entra's "
                "Overview page."
            ) from None
    if not _DOMAIN.match(tenant):
        raise ValidationError("Give the Google Workspace domain, such as school.org.uk.")
    return tenant


@transaction.atomic
def save_sign_in(
    *,
    trust: Trust,
    provider: str,
    by: User,
    tenant: str,
    domains: list[str],
    client_id: str = "",
    secret: str = "",
    provider_enforces_mfa: bool = False,
    enabled: bool = True,
) -> TrustSignIn:
    """Create or change a trust's provider. A blank client id or secret keeps the one
    stored. Its domains are replaced; a domain another provider has is refused."""
    sign_in = TrustSignIn.objects.select_for_update().filter(trust=trust, provider=provider).first()
    if sign_in is None:
        if not (client_id and secret):
            raise ValidationError("Give the client ID and the client secret.")
        sign_in = TrustSignIn(trust=trust, provider=provider)
    sign_in.tenant = check_tenant(provider, tenant)
    sign_in.provider_enforces_mfa = provider_enforces_mfa
    sign_in.enabled = enabled
    if client_id or secret:
        if client_id:
            sign_in.client_id_encrypted = encrypt(client_id.strip())
        if secret:
            sign_in.secret_encrypted = encrypt(secret.strip())
        sign_in.credentials_changed_at = timezone.now()
    try:
        with transaction.atomic():
            attributed(sign_in, by).save()
    except IntegrityError:  # the same provider saved twice at once
        raise ValidationError(f"{sign_in.get_provider_display()} was set up just now.") from None
    _replace_domains(sign_in, domains, by)
    return sign_in


def _replace_domains(sign_in: TrustSignIn, domains: list[str], by: User) -> None:
    """The provider's domains become `domains`: new ones wait for their DNS proof; one
    another trust has proved is refused."""
    taken = (
        SignInDomain.objects.filter(domain__in=domains, verified_at__isnull=False)
        .exclude(sign_in=sign_in)
        .values_list("domain", flat=True)
    )
    if taken:
        raise ValidationError(
            f"{', '.join(sorted(taken))} is already proved to belong to another "
            "organisation's sign-in. A domain can go to one provider only."
        )
    for old in sign_in.domains.exclude(domain__in=domains):
        attributed(old, by).delete()
    kept = set(sign_in.domains.values_list("domain", flat=True))
    for domain in domains:
        if domain not in kept:
            attributed(SignInDomain(sign_in=sign_in, domain=domain), by).save()


def _txt_records(domain: str) -> set[str]:
    """The domain's TXT records as text; empty if it has none or DNS doesn't answer."""
    try:
        answer = dns.resolver.resolve(domain, "TXT", lifetime=DNS_SECONDS)
    except dns.exception.DNSException:
        return set()
    return {b"".join(record.strings).decode(errors="replace") for record in answer}


@transaction.atomic
def verify_domain(*, domain: SignInDomain, by: User) -> bool:
    """Look for the domain's TXT record; if it is there, the domain is proved (once)."""
    domain = SignInDomain.objects.select_for_update().get(pk=domain.pk)
    if domain.verified_at is not None:
        return True
    if domain.txt_record not in _txt_records(domain.domain):
        return False
    if SignInDomain.objects.filter(domain=domain.domain, verified_at__isnull=False).exists():
        raise ValidationError(
            f"{domain.domain} was proved by another organisation's sign-in first."
        )
    domain.verified_at = timezone.now()
    try:
        with transaction.atomic():
            attributed(domain, by).save(update_fields=["verified_at"])
    except IntegrityError:
        raise ValidationError(
            f"{domain.domain} was proved by another organisation's sign-in first."
        ) from None
    return True
