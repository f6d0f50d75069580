"""A trust's sign-in with its own Microsoft (Entra ID) or Google Workspace accounts.
Imported by models.py (Django finds models there)."""

import secrets

from django.db import models
from simple_history.models import HistoricalRecords


class SignInProvider(models.TextChoices):
    MICROSOFT = "microsoft", "Microsoft 365 (Entra ID)"
    GOOGLE = "google", "Google Workspace"


def provider_id_for(trust_id: int, provider: str) -> str:
    """The name allauth's URLs carry for a trust's provider, e.g. trust3-microsoft."""
    return f"trust{trust_id}-{provider}"


class TrustSignIn(models.Model):
    """One identity provider a trust's staff sign in with. The client id and secret are
    stored encrypted (esafety.secrets) and left out of the history, which records who
    changed what else and when the credentials were last replaced."""

    trust = models.ForeignKey("esafety.Trust", on_delete=models.PROTECT, related_name="sign_ins")
    provider = models.CharField(max_length=20, choices=SignInProvider.choices)
    tenant = models.CharField(
        max_length=100,
        help_text="Microsoft: the directory (tenant) ID. Google: the Workspace domain.",
    )
    client_id_encrypted = models.TextField()
    secret_encrypted = models.TextField()
    provider_enforces_mfa = models.BooleanField(
        "the provider makes everyone use a second factor",
        default=False,
        help_text=(
            "Tick only if a Conditional Access policy (Microsoft) or enforced 2-Step "
            "Verification (Google) makes every account here use a second factor. Then a "
            "sign-in through it counts as two-factor sign-in."
        ),
    )
    enabled = models.BooleanField("people may sign in with it", default=True)
    credentials_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["client_id_encrypted", "secret_encrypted", "updated_at"]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "provider"], name="one_sign_in_per_provider")
        ]
        ordering = ["trust", "provider"]

    def __str__(self):
        return f"{self.get_provider_display()} for {self.trust}"

    @property
    def provider_id(self) -> str:
        """The name allauth's URLs carry, e.g. trust3-microsoft."""
        return provider_id_for(self.trust_id, self.provider)


def _verification_token() -> str:
    return secrets.token_hex(16)


class SignInDomain(models.Model):
    """An email domain whose people are sent to one trust's provider, once the trust has
    proved it holds the domain (a DNS TXT record with the domain's token). Until then
    nobody is sent anywhere by it, so a trust can't take another's domain by typing it
    first; a domain has one verified owner at most (the database refuses a second)."""

    sign_in = models.ForeignKey(TrustSignIn, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253)
    verification_token = models.CharField(max_length=64, default=_verification_token)
    verified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=models.Q(verified_at__isnull=False),
                name="one_verified_owner_per_domain",
            ),
            models.UniqueConstraint(fields=["sign_in", "domain"], name="domain_once_per_sign_in"),
        ]

    def __str__(self):
        return self.domain

    @property
    def txt_record(self) -> str:
        return f"esafety-verification={self.verification_token}"


class SignInRefusal(models.Model):
    """A provider sign-in that was refused, kept for the chair and IT support to see why
    someone could not get in (no person is created). The email is kept as given."""

    sign_in = models.ForeignKey(TrustSignIn, on_delete=models.CASCADE, related_name="refusals")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    email = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.email or 'unknown'}: {self.reason}"
