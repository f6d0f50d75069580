"""People, schools and roles; invitations, notifications and the deadline sweep's records."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    ESAFETY_OFFICER = "esafety_officer", "E-safety officer"
    TECHNICIAN = "technician", "Technician"
    STAFF = "staff", "Staff"
    PUPIL = "pupil", "Pupil"
    PARENT = "parent", "Parent or carer"


# Everyone who works at the school (the roles that are not pupils or parents).
STAFF_ROLES = frozenset({Role.HEADTEACHER, Role.ESAFETY_OFFICER, Role.TECHNICIAN, Role.STAFF})


class StaffType(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    OFFICE = "office", "Office"
    VOLUNTEER = "volunteer", "Volunteer"
    CONTRACTOR = "contractor", "Contractor"


# Year group 0 is Reception. Key stages as the National Curriculum defines them.
KEY_STAGE_BY_YEAR = {
    0: "EYFS",
    1: "KS1",
    2: "KS1",
    3: "KS2",
    4: "KS2",
    5: "KS2",
    6: "KS2",
}
KEY_STAGE_BY_YEAR.update({7: "KS3", 8: "KS3", 9: "KS3", 10: "KS4", 11: "KS4", 12: "KS5", 13: "KS5"})
YEAR_GROUP_CHOICES = [(0, "Reception")] + [(y, f"Year {y}") for y in range(1, 14)]


def key_stage_for(year_group: int | None) -> str:
    return KEY_STAGE_BY_YEAR.get(year_group, "") if year_group is not None else ""


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **extra):
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **extra):
        extra.update(is_staff=True, is_superuser=True)
        extra.setdefault("full_name", email)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; pupils without a school email have none and can't sign in."""

    email = models.EmailField("email address", unique=True, null=True, blank=True)
    full_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Technical administrators only."
    )
    is_active = models.BooleanField(default=True)
    # Reminders to sign come by email unless the person chose to see them only here.
    reminders_by_email = models.BooleanField("email me reminders to read and sign", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email or f"Person {self.pk}"

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else ""


class Trust(models.Model):
    name = models.CharField(max_length=200)
    # KCSIE keeps allegations about staff apart: a trust decides whether its safeguarding
    # lead sees them (the decision is recorded, with its history).
    lead_sees_staff_concerns = models.BooleanField(
        "trust safeguarding lead sees concerns about staff", default=False
    )
    history = HistoricalRecords()

    def __str__(self):
        return self.name


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .roles import visible_school_ids

        return self.filter(pk__in=visible_school_ids(user))


class School(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    urn = models.CharField("URN", max_length=12, blank=True, help_text="DfE unique reference.")
    code = models.CharField(
        max_length=6,
        blank=True,
        help_text="Short letters shown before record numbers where several schools appear "
        "(e.g. HIL). Blank: the first letters of the slug.",
    )
    school_day_ends = models.TimeField(default=datetime.time(17, 0))
    time_zone = models.CharField(max_length=64, default="Europe/London")
    academic_year_start_month = models.PositiveSmallIntegerField(default=9)
    academic_year_start_day = models.PositiveSmallIntegerField(default=1)
    contact_line = models.CharField(
        "how families contact the school",
        max_length=200,
        blank=True,
        help_text="Put at the end of reminder emails to parents, e.g. "
        "'Questions? Call the office on 01632 960000.'",
    )

    history = HistoricalRecords()
    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return (self.code or self.slug.replace("-", "")[:3]).upper()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def academic_year_start(self, on: datetime.date) -> datetime.date:
        """The first day of the academic year that `on` falls in."""
        start = datetime.date(on.year, self.academic_year_start_month, self.academic_year_start_day)
        return start if on >= start else start.replace(year=on.year - 1)


def _today():
    return timezone.localdate()


def in_force_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """A membership in force on a date: started, and not yet ended. `prefix` reaches it
    through a relation (e.g. "memberships__" from a school or a user)."""
    on = on or _today()
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
    )


class MembershipQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        """Memberships in force on a date: started, and not yet ended."""
        return self.filter(in_force_q(on))

    def visible_to(self, user):
        from .roles import managed_school_ids

        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(school_id__in=managed_school_ids(user)) | Q(user=user))


class Membership(models.Model):
    """A role a person holds in one school.

    Ending it (a date) keeps the record and the role grants nothing from that day.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    staff_type = models.CharField(max_length=20, choices=StaffType.choices, blank=True)
    year_group = models.PositiveSmallIntegerField(null=True, blank=True, choices=YEAR_GROUP_CHOICES)
    class_name = models.CharField("class or form", max_length=40, blank=True)
    external_id = models.CharField(
        "MIS reference",
        max_length=64,
        blank=True,
        help_text="UPN, staff code or contact ID.",
    )
    started_on = models.DateField(default=_today)
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "role", "user__full_name"]
        indexes = [models.Index(fields=["school", "role", "external_id"])]

    def __str__(self):
        return f"{self.user} – {self.description} at {self.school}"

    @property
    def key_stage(self) -> str:
        return key_stage_for(self.year_group)

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or _today()
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)

    @property
    def description(self) -> str:
        if self.role == Role.STAFF and self.staff_type:
            return self.get_staff_type_display()
        if self.role == Role.PUPIL and self.year_group is not None:
            return f"Pupil, {self.get_year_group_display()}"
        return self.get_role_display()


class TrusteeMembership(models.Model):
    """Trustees belong to the trust and see every school in it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="trusteeships")
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="trustees")
    is_chair = models.BooleanField("chair of trustees", default=False)
    started_on = models.DateField(default=_today)
    ended_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust"],
                condition=Q(is_chair=True, ended_on__isnull=True),
                name="one_open_chair_per_trust",
            )
        ]

    def __str__(self):
        title = "Chair of trustees" if self.is_chair else "Trustee"
        return f"{self.user} – {title}, {self.trust}"


class TrustLead(models.Model):
    """A trust-wide safeguarding lead: oversees the schools' designated leads. A trust role,
    not a school one; what it may see is each app's rule (incidents: `incidents/rules.py`)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="trust_leads")
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="leads")
    started_on = models.DateField(default=_today)
    ended_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            # Appointed once: a second click (or a second chair at once) makes no second row.
            models.UniqueConstraint(
                fields=["trust", "user"],
                condition=Q(ended_on__isnull=True),
                name="one_open_lead_role_per_person_and_trust",
            )
        ]

    def __str__(self):
        return f"{self.user} – trust safeguarding lead, {self.trust}"


class ClosureDay(models.Model):
    """A day the school is closed besides weekends and bank holidays (INSET, snow days):
    no working-day deadline falls on it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="one_closure_per_school_day")
        ]

    def __str__(self):
        return f"{self.school} closed on {self.date}"


class SchoolHoliday(models.Model):
    """A school holiday (half term, Christmas, summer): the days between term dates. Only
    deadlines counted in school days skip them (a child's file to the next school, "within
    5 school days or the first 5 days of the next term"); safeguarding deadlines counted in
    working days do not stop for a holiday."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(max_length=60, help_text="e.g. Autumn half term")
    starts_on = models.DateField("first day of the holiday")
    ends_on = models.DateField("last day of the holiday")

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="holiday_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.name}, {self.starts_on:%-d %b} to {self.ends_on:%-d %b %Y}"


class ParentLink(models.Model):
    """A parent or carer linked to one of their children."""

    parent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(User, on_delete=models.PROTECT, related_name="parent_links")
    relationship = models.CharField(max_length=40, blank=True, help_text="e.g. mother, carer")
    # Ended (a court order, a carer no longer caring, a mistake): the link gives nothing
    # from then on; the record stays, with why and by whom (and its history).
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField("why the link ended", max_length=200, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="one_link_per_parent_child")
        ]

    def __str__(self):
        return f"{self.parent} is a parent or carer of {self.child}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A one-time link for a new person to set their own password. Only the hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.user}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and now < self.expires_at


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message. The email that goes with it carries no detail, only a link."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notification-open", args=[self.pk])


class SweepRun(models.Model):
    """One pass of the deadline sweep, for /health/ and for an operator to look at."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    actions_taken = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Sweep at {self.started_at:%Y-%m-%d %H:%M}"


class SweepAction(models.Model):
    """A reminder or escalation that has been done. The unique key makes each happen once."""

    key = models.CharField(max_length=255, unique=True)
    job = models.CharField(max_length=100)
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_at"]

    def __str__(self):
        return self.key


class FigureSnapshot(models.Model):
    """The latest value of one figure for one school, as the background refresh computed
    it (esafety/figures_refresh.py): what readers are given, with its "as at" time, when
    the cache has lost its copy (a flush, a restart of Redis) until the refresh counts
    again. Counts and rates only, never names; pickled as the cache pickles them."""

    name = models.CharField(max_length=100)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    as_at = models.DateTimeField()
    value = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "school"], name="one_snapshot_per_figure")
        ]

    def __str__(self):
        return f"{self.name} for school {self.school_id} as at {self.as_at:%Y-%m-%d %H:%M}"


class ChartDrawing(models.Model):
    """A chart's SVG, kept under a hash of exactly what it shows (esafety/charts.py): the
    same numbers draw the same picture, so a copy is never out of date. The cache serves
    it; this serves it when the cache has lost it (a flush, a restart of Redis), so a
    dashboard of ten charts reads one row each rather than drawing them all again. Rows
    not used for charts.KEPT_DAYS are deleted by the housekeeping sweep."""

    key = models.CharField(max_length=100, primary_key=True)
    svg = models.TextField()
    used_on = models.DateField()

    def __str__(self):
        return f"chart {self.key[:12]} (used {self.used_on:%Y-%m-%d})"


from .models_api import ApiToken, ApiUse  # noqa: E402, F401  (models in their own module)
from .models_contacts import LocalContact  # noqa: E402, F401
from .models_flags import PupilFlag  # noqa: E402, F401
from .models_retention import DestructionBatch, LegalHold, RetentionPeriod, Tombstone  # noqa: E402, F401
from .models_sso import SignInDomain, SignInProvider, SignInRefusal, TrustSignIn  # noqa: E402, F401
from .models_subject_access import SubjectAccessItem, SubjectAccessRequest  # noqa: E402, F401
