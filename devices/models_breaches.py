"""Lost or stolen devices and the personal-data breach register (UK GDPR: the ICO told
within 72 hours unless the risk is unlikely, the people affected told when it is high).
Defined apart from the inventory models for size; imported by `devices.models`, so both
are `devices.models.<Name>` to the rest of the project.
"""

import datetime
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School

from .models import Device

User = settings.AUTH_USER_MODEL


class LossKind(models.TextChoices):
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"


class DeviceLoss(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="losses")
    kind = models.CharField(max_length=6, choices=LossKind.choices)
    happened_at = models.DateTimeField("when")
    where = models.CharField(max_length=200)
    held_personal_data = models.BooleanField()
    personal_data = models.TextField("what personal data it held", blank=True)
    was_encrypted = models.BooleanField("it was encrypted (full-disk)")
    police_reference = models.CharField(max_length=60, blank=True)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self):
        return f"{self.device} {self.get_kind_display().lower()}"


# UK GDPR article 33: tell the ICO within 72 hours of becoming aware.
ICO_DEADLINE = timedelta(hours=72)
DEADLINE_FORMAT = "%-d %b %Y at %H:%M"


def ico_deadline_for(became_aware_at: datetime.datetime) -> datetime.datetime:
    """The ICO deadline, worked out once when the breach is recorded and stored on it.

    72 hours, but never later than the same clock time three days on: across the spring
    clock change a school aware at 11:00 on Friday has until 11:00 BST on Monday (71 hours,
    the time a head would count on the clock), and across the autumn change 72 hours
    still holds (the same clock time would be 73 hours, later than the law allows)."""
    london = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    aware = became_aware_at.astimezone(datetime.UTC)  # in UTC, + 72 hours is 72 real hours
    local = aware.astimezone(london)
    same_clock = (local.replace(tzinfo=None) + timedelta(days=3)).replace(tzinfo=london)
    return min(aware + ICO_DEADLINE, same_clock.astimezone(datetime.UTC))


def deadline_text(moment: datetime.datetime) -> str:
    """The one way a deadline is written (the page, the notification, the PDF, the CSV):
    in the school's time zone, "30 Mar 2026 at 11:00"."""
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).strftime(DEADLINE_FORMAT)


class Risk(models.TextChoices):
    UNLIKELY = "unlikely", "Unlikely to result in a risk to people"
    RISK = "risk", "A risk to people"
    HIGH = "high", "A high risk to people"


class IcoDecision(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    REPORT = "report", "Reported to the ICO"
    NOT_REPORTED = "no", "Not reported (reason recorded)"


class PeopleTold(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    YES = "yes", "Yes"
    NO = "no", "No (reason recorded)"


class BreachQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import breach_visibility_q

        return self.filter(breach_visibility_q(user))

    def undecided(self):
        return self.filter(ico_decision=IcoDecision.UNDECIDED)


class Breach(models.Model):
    """A personal-data breach: any breach, not only devices (an email to the wrong parent
    is one). The ICO decision is the headteacher's, within 72 hours of becoming aware."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="breaches")
    # Numbered per school (1, 2, 3...), like incidents: a school never sees another's count.
    number = models.PositiveIntegerField(editable=False)
    became_aware_at = models.DateTimeField("when the school became aware")
    # Worked out once from became_aware_at (ico_deadline_for) and read by every text.
    ico_deadline = models.DateTimeField("ICO deadline", editable=False)
    what_happened = models.TextField()
    data_affected = models.TextField("what personal data")
    people_affected = models.TextField("whose data, and how many")
    likely_risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    containment = models.TextField("what was done to contain it", blank=True)
    ico_decision = models.CharField(
        "ICO decision", max_length=6, choices=IcoDecision.choices, blank=True, default=""
    )
    ico_reported_at = models.DateTimeField("reported to the ICO at", null=True, blank=True)
    ico_reference = models.CharField("ICO reference", max_length=60, blank=True)
    not_reported_reason = models.TextField("why it was not reported", blank=True)
    escalated_at = models.DateTimeField("sent to the chair of trustees", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_reason = models.TextField("why the decision took more than 72 hours", blank=True)
    people_told = models.CharField(
        "people affected told", max_length=3, choices=PeopleTold.choices, blank=True, default=""
    )
    people_told_on = models.DateField(null=True, blank=True)
    people_not_told_reason = models.TextField("why they were not told", blank=True)
    lessons = models.TextField("lessons learned", blank=True)
    loss = models.OneToOneField(
        DeviceLoss, on_delete=models.PROTECT, null=True, blank=True, related_name="breach"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-became_aware_at"]
        verbose_name_plural = "breaches"
        indexes = [models.Index(fields=["school", "ico_decision", "became_aware_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "number"], name="one_breach_number_per_school"
            )
        ]

    def __str__(self):
        return f"Breach {self.number} ({self.became_aware_at:%-d %b %Y})"

    def save(self, *args, **kwargs):
        """A record made outside `breaches.record_breach` (the admin, a test) still gets its
        deadline and the school's next number (record_breach takes it under a lock)."""
        if self.ico_deadline is None and self.became_aware_at is not None:
            self.ico_deadline = ico_deadline_for(self.became_aware_at)
        if self.number is None:
            last = Breach.objects.filter(school_id=self.school_id).aggregate(last=Max("number"))
            self.number = (last["last"] or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("breach-detail", args=[self.pk])

    @property
    def ico_deadline_text(self) -> str:
        return deadline_text(self.ico_deadline)

    @property
    def is_decided(self) -> bool:
        return self.ico_decision != IcoDecision.UNDECIDED

    def is_late(self, now=None) -> bool:
        """Decided after the deadline, or still undecided when it has passed."""
        when = self.decided_at if self.is_decided else (now or timezone.now())
        return when > self.ico_deadline

    def reported_on_time(self) -> bool:
        return (
            self.ico_decision == IcoDecision.REPORT
            and self.ico_reported_at is not None
            and self.ico_reported_at <= self.ico_deadline
        )

    def hours_left(self, now=None) -> int:
        left = self.ico_deadline - (now or timezone.now())
        return int(left.total_seconds() // 3600)
