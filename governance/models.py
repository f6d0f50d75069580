"""The trust's governance settings and the termly online-safety report."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School, Trust

# Counts under this number are small (0: off). At least 3, so a hidden count is always one
# of two or more numbers (1 or 2 at the least).
DEFAULT_SMALL_UNDER = 5
SMALL_COUNT_CHOICES = [
    (0, "Off: trustees see every number exactly"),
    (3, "Counts under 3 (1 and 2)"),
    (5, "Counts under 5 (1 to 4): recommended"),
    (10, "Counts under 10 (1 to 9): for very small schools"),
]


class GovernanceSettings(models.Model):
    """A trust's choices for its governance pages, changed by the chair with history."""

    trust = models.OneToOneField(Trust, on_delete=models.CASCADE, related_name="governance")
    small_counts_under = models.PositiveSmallIntegerField(
        "which counts are small",
        choices=SMALL_COUNT_CHOICES,
        default=DEFAULT_SMALL_UNDER,
        help_text="A small count in a breakdown (a month, a risk area, a category, a kind, "
        "an agency) can point to one child. Trustees' pages, their downloads and the termly "
        "reports show it as \u201cfewer than\u201d the number chosen here, and hide as many "
        "other numbers as it takes so that it cannot be worked out by subtraction.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "governance settings"

    def __str__(self):
        return f"Governance settings for {self.trust}"

    @property
    def small_label(self) -> str:
        return dict(SMALL_COUNT_CHOICES).get(self.small_counts_under, "")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed and sent to trustees"


class TermlyReport(models.Model):
    """The termly online-safety report for the governors' meeting: one per school (the
    headteacher writes and signs it) and one for the trust (the chair). Signing renders
    the PDF once and keeps it with its SHA-256: what was signed is what is served."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="termly_reports")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="termly_reports"
    )
    term = models.CharField(max_length=20)  # "2026-autumn": the academic year's start, term
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="draft")
    narrative = models.TextField(
        "what the governors should know this term",
        blank=True,
        help_text="A short account in your own words: what went well, what worries you, "
        "what you are doing about it. No names of pupils or staff.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The headline figures as signed, so next term's report can say what changed.
    snapshot = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        ordering = ["-term", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "term"],
                condition=Q(school__isnull=False),
                name="one_report_per_school_term",
            ),
            models.UniqueConstraint(
                fields=["trust", "term"],
                condition=Q(school__isnull=True),
                name="one_trust_report_per_term",
            ),
        ]

    def __str__(self):
        return f"Online-safety report, {self.term_label}, {self.school or self.trust}"

    def get_absolute_url(self):
        return reverse("governance-report", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.status == ReportStatus.SIGNED

    @property
    def term_label(self) -> str:
        from .terms import term_from_key

        return term_from_key(self.term).label

    @property
    def pdf_matches(self) -> bool:
        """The stored PDF is still exactly what was signed."""
        return bool(self.pdf) and hashlib.sha256(bytes(self.pdf)).hexdigest() == self.pdf_sha256


class ReportRead(models.Model):
    """A trustee marked a signed report read: once each (the database keeps it so)."""

    report = models.ForeignKey(TermlyReport, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "reader"], name="one_read_per_reader")
        ]

    def __str__(self):
        return f"Read on {self.read_at:%-d %b %Y}"
