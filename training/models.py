"""Training: what each role must have and how often, who did what when, CPD requests,
online-safety sessions for parents and the online-safety curriculum map.

Sources (the 2018 policy asks for training "suitable to the audience"; current duties):
KCSIE 2025 (staff at induction, then at least yearly; the DSL every two years with a
yearly refresh; governors and trustees at induction, then regularly), the DfE cyber
security standards (yearly cyber training for everyone with an account) and UKCIS
"Education for a Connected World" (the eight strands of the curriculum map).
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import YEAR_GROUP_CHOICES, Role, School

TRUSTEE = "trustee"
AUDIENCE_CHOICES = [
    (Role.HEADTEACHER.value, "Headteacher"),
    (Role.ESAFETY_OFFICER.value, "E-safety officer (DSL)"),
    (Role.TECHNICIAN.value, "Technicians"),
    (Role.STAFF.value, "Staff"),
    (TRUSTEE, "Trustees"),
]
ALL_STAFF = [Role.HEADTEACHER.value, Role.ESAFETY_OFFICER.value, Role.TECHNICIAN.value, "staff"]
DUE_SOON = datetime.timedelta(days=30)
# How long people have to sign a new version of a document a requirement rests on.
SIGN_WITHIN_DAYS = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks (31st, 29 February) becomes its
    last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= 28:  # every month has it (and this runs for every cell of the matrix)
        return day.replace(year=year, month=month)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class Evidence(models.TextChoices):
    ATTENDANCE = "attendance", "Attending a session or course"
    CERTIFICATE = "certificate", "An uploaded certificate"
    SIGNATURE = "signature", "Signing a document (read and understood)"
    GUIDE = "guide", "Walking through a 'What to do if...' guide to its end"


class RequirementQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import requirement_visibility_q

        return self.filter(requirement_visibility_q(user))


class Requirement(models.Model):
    """Training someone must have: who, when, and what counts as evidence."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(
        max_length=40,
        blank=True,
        help_text="Standard requirements share a code across the trust, so training done "
        "at one school of the trust counts at the others.",
    )
    title = models.CharField(max_length=200)
    covers = models.TextField("what it covers", blank=True)
    audience_roles = models.JSONField("who must have it", default=list)
    audience_staff_types = models.JSONField(default=list, blank=True)
    new_starters_only = models.BooleanField(
        default=False, help_text="Only people who join after the requirement was set up."
    )
    induction_days = models.PositiveSmallIntegerField(
        "due within (days of joining)",
        null=True,
        blank=True,
        help_text="Leave empty if it is not part of induction.",
    )
    renew_months = models.PositiveSmallIntegerField(
        "renew every (months)", null=True, blank=True, help_text="Leave empty for once only."
    )
    evidence = models.CharField(
        max_length=12, choices=Evidence.choices, default=Evidence.ATTENDANCE
    )
    document = models.ForeignKey(
        "agreements.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For evidence by signing: met while the person's signature of the "
        "current version stands.",
    )
    guide_slug = models.SlugField(
        "guide",
        max_length=50,
        blank=True,
        help_text="For evidence by a guide: the guide's short name (e.g. illegal-use); "
        "walking it to its end records the training.",
    )
    escalate = models.BooleanField(
        "a leadership duty",
        default=False,
        help_text="A month overdue, the headteacher (for trustees, the chair) is told.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["school", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"], condition=~Q(code=""), name="one_code_per_school"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training-requirement", args=[self.school.slug, self.pk])

    @property
    def starts_on(self) -> datetime.date:
        return timezone.localdate(self.created_at)

    def when_description(self) -> str:
        parts = []
        if self.induction_days is not None:
            parts.append(f"within {self.induction_days} days of joining")
        if self.evidence == Evidence.SIGNATURE:
            parts.append("again whenever a new version is published")
        elif self.renew_months:
            years, months = divmod(self.renew_months, 12)
            parts.append(
                ("every year" if years == 1 else f"every {years} years")
                if not months
                else f"every {self.renew_months} months"
            )
        else:
            parts.append("once")
        return ", then ".join(parts) if len(parts) > 1 else parts[0]

    def audience_description(self) -> str:
        from esafety.models import StaffType

        labels = dict(AUDIENCE_CHOICES)
        parts = []
        for role in self.audience_roles:
            part = labels.get(role, role)
            if role == Role.STAFF and self.audience_staff_types:
                part += f" ({', '.join(StaffType(t).label for t in self.audience_staff_types)})"
            parts.append(part)
        text = ", ".join(parts) or "Nobody yet"
        return text + (": new starters only" if self.new_starters_only else "")


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import own_or_managed_q

        return self.filter(own_or_managed_q(user, "person"))


class TrainingRecord(models.Model):
    """Training someone did (or, from an approved CPD request, is planned to do)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    title = models.CharField("training", max_length=200)
    completed_on = models.DateField("date", null=True, blank=True)
    due_on = models.DateField("planned by", null=True, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    notes = models.TextField(blank=True)
    certificate = models.FileField(upload_to="training/certificates/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            # A double submit (or the same session recorded twice) makes no second record.
            models.UniqueConstraint(
                fields=["person", "requirement", "completed_on"],
                condition=Q(requirement__isnull=False, completed_on__isnull=False),
                name="one_record_per_person_requirement_day",
            )
        ]
        indexes = [
            models.Index(fields=["person", "requirement", "completed_on"]),
            # The officer's "waiting to be verified" count, for every school in the figures.
            models.Index(
                fields=["school"],
                condition=Q(completed_on__isnull=False, verified_at__isnull=True),
                name="training_record_unverified",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.title}"

    def get_absolute_url(self):
        return reverse("training-record", args=[self.pk])

    @property
    def is_planned(self) -> bool:
        return self.completed_on is None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CPDStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    APPROVED = "approved", "Approved: planned"
    DECLINED = "declined", "Declined"


class CPDRequest(models.Model):
    """Someone asks for training ("I don't feel equipped to deal with ...")."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cpd_requests"
    )
    topic = models.CharField("what training", max_length=200)
    reason = models.TextField("why you need it", blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=CPDStatus.choices, default=CPDStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    planned_record = models.OneToOneField(
        TrainingRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="cpd_request"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.requested_by}: {self.topic}"

    def get_absolute_url(self):
        return reverse("training-cpd-decide", args=[self.school.slug, self.pk])


class ParentSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import parent_session_visibility_q

        return self.filter(parent_session_visibility_q(user))


class ParentSession(models.Model):
    """An online-safety session for parents: who was invited and how many came."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=200)
    starts_at = models.DateTimeField("date and time")
    place = models.CharField(max_length=200, blank=True, help_text="Room, or 'online'.")
    year_groups = models.JSONField("year groups invited", default=list)
    materials = models.TextField(blank=True, help_text="What parents take away, with links.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invited = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    attendance_count = models.PositiveIntegerField(
        "parents who came", null=True, blank=True, help_text="If you only counted heads."
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="parent_sessions_attended"
    )
    history = HistoricalRecords(m2m_fields=[attendees])
    objects = ParentSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("training-parent-session", args=[self.school.slug, self.pk])

    def year_groups_description(self) -> str:
        names = dict(YEAR_GROUP_CHOICES)
        return ", ".join(names.get(y, str(y)) for y in sorted(self.year_groups)) or "None"


class Strand(models.TextChoices):
    """UKCIS "Education for a Connected World" (2020), its eight strands."""

    SELF_IMAGE = "self_image", "Self-image and identity"
    RELATIONSHIPS = "relationships", "Online relationships"
    REPUTATION = "reputation", "Online reputation"
    BULLYING = "bullying", "Online bullying"
    INFORMATION = "information", "Managing online information"
    WELLBEING = "wellbeing", "Health, wellbeing and lifestyle"
    PRIVACY = "privacy", "Privacy and security"
    COPYRIGHT = "copyright", "Copyright and ownership"


class LessonQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import own_or_managed_q

        return self.filter(own_or_managed_q(user, "teacher"))


class Lesson(models.Model):
    """An online-safety lesson taught, for the curriculum map."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    taught_on = models.DateField()
    year_group = models.PositiveSmallIntegerField(choices=YEAR_GROUP_CHOICES)
    class_name = models.CharField("class", max_length=40, blank=True)
    strand = models.CharField(max_length=16, choices=Strand.choices)
    topic = models.CharField(max_length=200)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="An incident this lesson was the education response to.",
    )
    incident_action = models.ForeignKey(
        "incidents.TimelineEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The incident's education action this lesson carried out (marked done).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-taught_on", "-pk"]
        indexes = [models.Index(fields=["school", "taught_on"])]

    def __str__(self):
        return f"{self.get_year_group_display()}: {self.topic}"
