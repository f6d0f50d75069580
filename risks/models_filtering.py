"""The DfE filtering and monitoring standards: a yearly review with the senior leader,
the DSL, the IT provider and a trustee; a log of checks between reviews; and a decision
log of what is blocked or allowed and why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School


class ReviewReason(models.TextChoices):
    YEARLY = "yearly", "Yearly review"
    EARLY = "early", "Early review (after a filtering breach or a change)"


class Monitoring(models.TextChoices):
    IN_PERSON = "in_person", "In person (staff supervising screens)"
    NETWORK = "network", "Network monitoring"
    DEVICE = "device", "Device monitoring software"


class FilteringReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(head_signed_at__isnull=True)


class FilteringReview(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="filtering_reviews")
    reason = models.CharField(max_length=10, choices=ReviewReason.choices)
    reason_detail = models.TextField(blank=True)
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="filtering_reviews"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    held_on = models.DateField("date of the review", null=True, blank=True)

    # Who took part (the standards ask for all of them).
    senior_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="responsible senior leader",
    )
    dsl = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="designated safeguarding lead",
    )
    it_provider = models.CharField(
        "IT provider", max_length=150, blank=True, help_text="A named person or a company."
    )
    trustee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="trustee or governor",
    )

    filtering_provider = models.CharField(max_length=150, blank=True)
    monitoring_provider = models.CharField(max_length=150, blank=True)
    covers_school_devices = models.BooleanField("school devices on site", default=False)
    covers_guest_wifi = models.BooleanField("personal devices on guest wifi", default=False)
    covers_off_site = models.BooleanField("school devices used off site", default=False)
    categories_blocked = models.TextField("categories blocked", blank=True)
    monitoring = models.JSONField("how monitoring works", default=list)  # Monitoring values
    findings = models.TextField("what the review found", blank=True)

    head_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_signed_at = models.DateTimeField(null=True, blank=True)
    trustee_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trustee_signed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[incidents])
    objects = FilteringReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            # One review in progress per school: a second breach joins the open one.
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(head_signed_at__isnull=True),
                name="one_open_filtering_review",
            )
        ]

    def __str__(self):
        when = self.held_on or self.opened_at.date()
        return f"Filtering and monitoring review, {when:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("filtering-review", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.head_signed_at is not None

    def monitoring_labels(self) -> list[str]:
        labels = dict(Monitoring.choices)
        return [labels[m] for m in self.monitoring if m in labels]


class FilteringCheck(models.Model):
    """One test of the filter or monitoring between reviews (when, who, what, outcome)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="filtering_checks")
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    device = models.CharField(max_length=150)
    location = models.CharField(max_length=150)
    what_tested = models.CharField("what was tested", max_length=300)
    expected = models.CharField("expected result", max_length=300)
    actual = models.CharField("actual result", max_length=300)
    passed = models.BooleanField("worked as expected")
    action = models.TextField("action taken", blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filtering_checks",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        indexes = [models.Index(fields=["school", "-checked_on"])]

    def __str__(self):
        return f"Check on {self.checked_on}: {self.what_tested[:40]}"


class Change(models.TextChoices):
    BLOCK = "block", "Block"
    ALLOW = "allow", "Allow"


class FilterDecision(models.Model):
    """A change to what is blocked or allowed: who asked, what, why, who decided, when."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="filter_decisions")
    requested_by = models.CharField("who asked", max_length=150)
    change = models.CharField(max_length=5, choices=Change.choices)
    what = models.CharField("site, app or category", max_length=300)
    why = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The DSL or the responsible senior leader.",
    )
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.get_change_display()} {self.what[:40]}"
