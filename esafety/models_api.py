"""Integrations' keys to the API: one per product a school connects (its monitoring, its
device management), scoped to the school and to named permissions, and each use logged.
Imported by models.py (Django finds models there)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ApiToken(models.Model):
    """A key for one integration. Only a hash of the key is kept: it is shown once, when
    made. It acts as the person who made it, in its school only and for its scopes only,
    so the pages' rules apply to it, and it stops working when that person no longer may
    manage integrations there (they leave, their role changes) or it is revoked."""

    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("what it is for", max_length=100)
    scopes = models.JSONField(default=list)
    key_prefix = models.CharField(max_length=12)  # the first characters, to tell keys apart
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}...)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiUse(models.Model):
    """One request made with a token: when, what, and the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["token", "-at"], name="api_use_token_at")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"
