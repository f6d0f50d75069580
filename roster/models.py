"""A school's MIS sync: where its roster comes from, and every run with what it did."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from esafety import secrets
from esafety.models import School, User


class Kind(models.TextChoices):
    BUNDLE = "bundle", "OneRoster CSV bundle (a zip file you upload)"
    REST = "rest", "OneRoster REST connection"


class AuthMethod(models.TextChoices):
    OAUTH2 = "oauth2", "OAuth 2 client credentials"
    OAUTH1 = "oauth1", "OAuth 1.0a (signed requests)"


class MatchOn(models.TextChoices):
    SOURCED_ID = "sourcedId", "The MIS's own id for each person (sourcedId), recommended"
    IDENTIFIER = "identifier", "Admission number or staff code (identifier), where given"


class Grades(models.TextChoices):
    ENGLAND = "england", "England's year groups: 07 is Year 7, KG is Reception"
    US = "us", "US grades, one lower: 06 is Year 7, KG is Year 1, PK is Reception"


class RosterSourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import sync_school_ids

        return self.filter(school_id__in=sync_school_ids(user))


class RosterSource(models.Model):
    """One school's MIS sync settings."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="roster_source")
    kind = models.CharField("where the roster comes from", max_length=10, choices=Kind.choices)
    version = models.CharField(
        "OneRoster version",
        max_length=3,
        choices=[("1.1", "1.1"), ("1.2", "1.2")],
        default="1.2",
    )
    base_url = models.URLField("REST address", blank=True)
    token_url = models.URLField("sign-in (token) address", blank=True)
    auth_method = models.CharField(
        "sign-in method", max_length=10, choices=AuthMethod.choices, default=AuthMethod.OAUTH2
    )
    client_id = models.CharField("client ID", max_length=200, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    scope = models.CharField(max_length=300, blank=True)
    org_sourced_id = models.CharField("this school's sourcedId", max_length=64, blank=True)
    match_on = models.CharField(
        "recognise people by", max_length=12, choices=MatchOn.choices, default=MatchOn.SOURCED_ID
    )
    grades = models.CharField(
        "year groups in the MIS's grades",
        max_length=10,
        choices=Grades.choices,
        default=Grades.ENGLAND,
    )
    max_leavers_percent = models.PositiveSmallIntegerField(
        "stop and ask if more than this percentage would leave",
        default=5,
        validators=[MaxValueValidator(100)],
    )
    nightly = models.BooleanField("sync every night", default=True)
    approved_first_run = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["client_secret_encrypted"])
    objects = RosterSourceQuerySet.as_manager()

    def __str__(self):
        return f"MIS sync for {self.school}"

    @property
    def client_secret(self) -> str:
        return secrets.decrypt(self.client_secret_encrypted)

    def set_client_secret(self, text: str) -> None:
        self.client_secret_encrypted = secrets.encrypt(text) if text else ""

    @property
    def is_rest(self) -> bool:
        return self.kind == Kind.REST


class Status(models.TextChoices):
    PREVIEW = "preview", "Waiting for approval (first sync)"
    HELD = "held", "Stopped: waiting for approval"
    APPLIED = "applied", "Applied"
    NOTHING = "nothing", "No changes"
    FAILED = "failed", "Failed: nothing changed"
    DISCARDED = "discarded", "Not applied"


WAITING = (Status.PREVIEW, Status.HELD)


class Trigger(models.TextChoices):
    UPLOAD = "upload", "Bundle uploaded"
    NIGHTLY = "nightly", "Nightly sync"
    MANUAL = "manual", "Sync now"


class RosterRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import sync_school_ids

        return self.filter(school_id__in=sync_school_ids(user))

    def waiting(self):
        return self.filter(status__in=WAITING)


class RosterRun(models.Model):
    """One sync: what it read, what it did (or would do), and who approved it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="roster_runs")
    source = models.ForeignKey(RosterSource, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True)  # why it stopped or failed
    filename = models.CharField(max_length=200, blank=True)
    joined = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    left = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    links_added = models.PositiveIntegerField(default=0)
    leaver_percent = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    warnings = models.JSONField(default=list, blank=True)
    # The records read, kept only while the run waits for approval (then emptied), so
    # what is approved is what was previewed.
    payload = models.JSONField(null=True, blank=True, editable=False)
    # A fingerprint of what a waiting run showed (who joins and how, what changes, whose
    # roles end): approving applies it only if the school's people still give the same.
    plan_digest = models.CharField(max_length=64, blank=True, editable=False)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["payload", "plan_digest"])
    objects = RosterRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["school", "-started_at"])]
        constraints = [
            # At most one run of a school waits for approval at a time.
            models.UniqueConstraint(
                fields=["school"], condition=Q(status__in=WAITING), name="one_waiting_run"
            )
        ]

    def __str__(self):
        return f"MIS sync of {self.started_at:%d/%m/%Y %H:%M} ({self.get_status_display()})"

    @property
    def is_waiting(self) -> bool:
        return self.status in WAITING


class Outcome(models.TextChoices):
    JOINED = "joined", "Joins"
    CHANGED = "changed", "Changes"
    LEFT = "left", "Leaves"
    REFUSED = "refused", "Refused"


class RosterRunRow(models.Model):
    """One person a run adds, changes, ends or refuses (unchanged people are only
    counted). Written once; never edited, so no history of its own."""

    run = models.ForeignKey(RosterRun, on_delete=models.CASCADE, related_name="rows")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    record_type = models.CharField(max_length=10, blank=True)
    reference = models.CharField("MIS reference", max_length=64, blank=True)
    name = models.CharField(max_length=150, blank=True)
    detail = models.TextField(blank=True)
    destination = models.CharField("moving to", max_length=200, blank=True)
    membership = models.ForeignKey(
        "esafety.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["outcome", "record_type", "name", "pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.name}"
