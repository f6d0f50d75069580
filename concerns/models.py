"""Low-level concerns about adults (KCSIE 2025 Part 4, section 2): behaviour by an adult
working in or on behalf of the school that does not meet the harm threshold, but that
"does not sit right". Kept apart from the incident log and from pupils' records: its
own table, its own pages, never in an incident figure.

Who sees one is `concerns/rules.py`; whom it is sent to is `concerns/services.py`
(the incident app's head rule and routing, reused)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School
from incidents.models import Subject

User = settings.AUTH_USER_MODEL

# Who a low-level concern can be about: the same two subjects that route an incident to
# the headteacher or to the chair of trustees.
SUBJECT_CHOICES = [(Subject.STAFF, Subject.STAFF.label), (Subject.HEADTEACHER, "The headteacher")]


class Status(models.TextChoices):
    TO_REVIEW = "to_review", "To review"
    REVIEWED = "reviewed", "Reviewed"
    REFERRED = "referred", "Referred as an allegation"


class Response(models.TextChoices):
    """What the headteacher decided, in the words of KCSIE's guidance on responding."""

    NO_FURTHER_ACTION = "no_action", "Recorded; no further action needed"
    SPOKEN_TO = "spoken_to", "Spoken to the person; expected behaviour made clear"
    SUPPORT = "support", "Support or training arranged for the person"
    PRACTICE = "practice", "The school's practice or code of conduct clarified for everyone"
    REFERRED = "referred", "Meets the harm threshold: referred as an allegation"


class LowLevelConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import concern_visibility_q

        return self.filter(concern_visibility_q(user))

    def to_review(self):
        return self.filter(status=Status.TO_REVIEW)


class LowLevelConcern(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="low_level_concerns")
    # LLC-2026-0003: names nobody (it goes on notifications and on tombstones).
    number = models.CharField(max_length=16)
    about = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="low_level_concerns_about"
    )
    subject = models.CharField(max_length=12, choices=SUBJECT_CHOICES)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    happened_on = models.DateField("when it happened", null=True, blank=True)
    what_happened = models.TextField("what happened, or what you saw or heard")
    context = models.TextField("where it was, and who else was there", blank=True)
    routed_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_REVIEW)
    response = models.CharField(max_length=12, choices=Response.choices, blank=True)
    response_notes = models.TextField("what was done and why", blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The staff incident it was referred as (an allegation); the concern stays here.
    referred_incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()
    objects = LowLevelConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="one_concern_number")
        ]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["about", "school"]),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("concern-detail", args=[self.pk])

    @property
    def self_reported(self) -> bool:
        return self.about_id == self.reported_by_id
