"""Alerts a school's web filtering and monitoring product sends through the API
(incidents/monitoring.py): each kept as it came, linked to the incident it raised or was
folded into, or held for the officer to match to a pupil. Never an image."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from esafety.models import School


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class MonitoringAlert(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    token = models.ForeignKey(
        "esafety.ApiToken", on_delete=models.PROTECT, related_name="+", null=True
    )
    product = models.CharField(max_length=100)  # the key's name when it came
    received_at = models.DateTimeField()
    occurred_at = models.DateTimeField()
    pupil_ref = models.CharField(max_length=254)  # as sent: an email or an MIS id
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    device = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100)
    keywords = models.CharField(max_length=300, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    description = models.TextField()
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, related_name="alerts"
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            # Folding looks for the pupil's open incident raised by the same category.
            models.Index(fields=["school", "pupil", "category", "-received_at"], name="alert_fold"),
            models.Index(
                fields=["school", "-received_at"],
                condition=models.Q(incident__isnull=True),
                name="alert_unmatched",
            ),
        ]

    def __str__(self):
        return f"{self.product}: {self.category} ({self.get_severity_display()})"
