"""The subject access register: requests for a copy of what the school holds about a
person (UK GDPR article 15), answered within one calendar month. Imported by models.py.

The rules (the deadline, an extension, each step done once) are in
esafety/subject_access/services.py; what the school holds about the person is found by
esafety/subject_access/holdings.py, never stored here beyond the officer's decisions.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RequesterKind(models.TextChoices):
    PUPIL = "pupil", "A pupil, about themselves"
    STAFF = "staff", "A member of staff, about themselves"
    PARENT = "parent", "A parent or carer, about their child"
    SELF = "self", "Someone else, about themselves (a parent, a former pupil or member of staff)"
    REPRESENTATIVE = "representative", "Someone acting for the person, with their written authority"


class ReceivedHow(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    SPOKEN = "spoken", "In person or by phone (a request need not be in writing)"
    OTHER = "other", "Another way (for example social media)"


class SarStatus(models.TextChoices):
    OPEN = "open", "Open"
    SENT = "sent", "Answered"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


CLOSED_STATUSES = (SarStatus.REFUSED, SarStatus.WITHDRAWN)


class SubjectAccessRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SarStatus.OPEN)


class SubjectAccessRequest(models.Model):
    """One request: who asked, about whom, when it came, the identity check, the deadline
    (and any extension, with its reason), the search, what was withheld and why, and
    when the answer was sent (or why the request was refused or withdrawn)."""

    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="about whom",
    )
    requester_kind = models.CharField("who asked", max_length=20, choices=RequesterKind.choices)
    requester_name = models.CharField("their name", max_length=150)
    requester_contact = models.CharField(
        "how to reach them", max_length=300, help_text="An email or postal address."
    )
    parent_authority = models.TextField(
        "why the parent may ask for the child",
        blank=True,
        help_text=(
            "A child's information is the child's own. From about 12 a child can usually "
            "decide for themselves: record whether they agreed, or why the parent may act."
        ),
    )
    received_on = models.DateField("received")
    received_how = models.CharField("how it came", max_length=10, choices=ReceivedHow.choices)
    asked_for = models.TextField("what they asked for", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    identity_checked_at = models.DateTimeField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_check_how = models.CharField("how identity was checked", max_length=300, blank=True)
    # When proof of identity (or a parent's authority) had to be asked for, the month runs
    # from the day it arrived (ICO).
    identity_received_on = models.DateField("proof of identity arrived", null=True, blank=True)

    due_on = models.DateField("respond by")
    extended_to = models.DateField("extended to", null=True, blank=True)
    extension_reason = models.TextField("why it was extended", blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    searched_at = models.DateTimeField(null=True, blank=True)
    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    searched_summary = models.TextField("what was searched", blank=True)
    withheld_summary = models.TextField(
        "what was withheld and why",
        blank=True,
        help_text="For example: other pupils' names redacted from two incident reports.",
    )

    status = models.CharField(max_length=10, choices=SarStatus.choices, default=SarStatus.OPEN)
    sent_on = models.DateField("sent", null=True, blank=True)
    sent_how = models.CharField("how it was sent", max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.TextField("reason", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()
    objects = SubjectAccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True) | ~Q(extension_reason=""),
                name="sar_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_on__isnull=False),
                name="sar_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"Subject access request {self.reference}"

    def get_absolute_url(self):
        return reverse("sar-detail", args=[self.school.slug, self.pk])

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk}"

    @property
    def deadline(self) -> datetime.date:
        """The date the answer is due: the extended date when there is one."""
        return self.extended_to or self.due_on

    @property
    def clock_starts_on(self) -> datetime.date:
        return max(self.received_on, self.identity_received_on or self.received_on)

    @property
    def is_open(self) -> bool:
        return self.status == SarStatus.OPEN

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days

    @property
    def clock(self) -> str:
        """'12 days left', 'Due today', '3 days overdue'; for a finished request, ''."""
        if not self.is_open:
            return ""
        left = self.days_left()
        if left > 0:
            return f"{left} day{'s' if left != 1 else ''} left"
        if left == 0:
            return "Due today"
        return f"{-left} day{'s' if left != -1 else ''} overdue"


class SubjectAccessItem(models.Model):
    """The officer's decision on one record the search found: disclosed, or withheld and
    why. The record itself stays in its app; `ref` names it (holding:kind:id)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="items"
    )
    ref = models.CharField(max_length=120)
    kind = models.CharField(max_length=100)
    title = models.CharField(max_length=300)
    disclose = models.BooleanField(default=True)
    withheld_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "ref"], name="one_decision_per_record"),
            models.CheckConstraint(
                condition=Q(disclose=True) | ~Q(withheld_reason=""),
                name="sar_withheld_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title}: {'disclosed' if self.disclose else 'withheld'}"
