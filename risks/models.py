"""The online-safety risk register (the seed's Appendix 5): numbered risks scored on a
likelihood x impact matrix held as data, owners, mitigations, actions, reviews, links to
incidents, and the headteacher's yearly sign-off of the register.

The filtering and monitoring review, its checks log and decision log are in
`models_filtering.py` (imported at the bottom so Django finds them).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School, Trust


class Category(models.TextChoices):
    # The 4 Cs, as on incidents (KCSIE 2025), then the kinds a register also needs.
    CONTENT = "content", "Content"
    CONTACT = "contact", "Contact"
    CONDUCT = "conduct", "Conduct"
    COMMERCE = "commerce", "Commerce"
    TECHNICAL = "technical", "Technical"
    DATA_PROTECTION = "data_protection", "Data protection"
    CYBER = "cyber", "Cyber security"
    REPUTATIONAL = "reputational", "Reputational"
    OTHER = "other", "Other"


class Setting(models.TextChoices):
    """Where a risk applies."""

    ON_SITE = "on_site", "On site"
    OFF_SITE = "off_site", "Off site"
    HOME = "home", "Home learning"
    TRIPS = "trips", "Trips and visits"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    TREATED = "treated", "Treated"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


# --- the scoring matrix, held as data -----------------------------------------------------


def score_label(band: str, score: int) -> str:
    """A score in words and number, as the seed writes it: HIGH (9). Every page, PDF and
    CSV shows a score through this (never the bare number)."""
    return f"{band} ({score})"


def score_working(likelihood: int, impact: int, band: str) -> str:
    """The sum as the seed writes it: 3 × 3 = HIGH (9)."""
    return f"{likelihood} × {impact} = {score_label(band, likelihood * impact)}"


# The policy's matrix (made by migration 0002): likelihood 1-3 x impact 1-3; LOW 1-2,
# MEDIUM 3-4, HIGH 6-9; only the headteacher accepts HIGH; HIGH is reviewed every term.
SEED_BANDS = [
    {"label": "LOW", "max": 2, "head_only": False, "review_months": 12},
    {"label": "MEDIUM", "max": 4, "head_only": False, "review_months": 12},
    {"label": "HIGH", "max": 9, "head_only": True, "review_months": 4},
]


class MatrixQuerySet(models.QuerySet):
    def current_for(self, trust) -> "Matrix":
        """The matrix new scores use in this trust: its own choice, else the seed's 3x3."""
        trust_id = getattr(trust, "pk", trust)
        chosen = self.filter(trust_id=trust_id, is_current=True).first()
        return chosen or self.get(trust__isnull=True, is_current=True)


class Matrix(models.Model):
    """A likelihood x impact grid and its bands. Bands are a list, lowest first, of
    {"label", "max" (highest score in the band), "head_only" (only the headteacher may
    accept a risk in it), "review_months"}. A matrix is never edited once used: a trust
    that changes its mind makes a new one, and risks move to it only when re-scored."""

    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_matrices"
    )
    name = models.CharField(max_length=80)
    size = models.PositiveSmallIntegerField(choices=[(3, "3 x 3"), (5, "5 x 5")])
    bands = models.JSONField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()
    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "matrices"
        constraints = [
            models.UniqueConstraint(
                fields=["trust"], condition=Q(is_current=True), name="one_current_matrix_per_trust"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def scale(self) -> range:
        return range(1, self.size + 1)

    def band(self, score: int) -> dict:
        for band in self.bands:
            if score <= band["max"]:
                return band
        return self.bands[-1]

    def band_rank(self, score: int) -> int:
        return self.bands.index(self.band(score))

    def label(self, likelihood: int, impact: int) -> str:
        """As the seed writes it: HIGH (9)."""
        score = likelihood * impact
        return score_label(self.band(score)["label"], score)

    def working(self, likelihood: int, impact: int) -> str:
        """3 × 3 = HIGH (9)."""
        return score_working(likelihood, impact, self.band(likelihood * impact)["label"])


# --- the register -------------------------------------------------------------------------


class RiskQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import risk_visibility_q

        return self.filter(risk_visibility_q(user))

    def live(self):
        return self.exclude(status=Status.CLOSED)


class Risk(models.Model):
    """A school's risk, or (school empty, trust set) a trust-wide risk that the trust
    keeps and every school in it sees."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="trust_risks"
    )
    number = models.PositiveIntegerField()  # per school or per trust (T-002)
    title = models.CharField(max_length=200)
    description = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices)
    applies_in = models.JSONField("where it applies", default=list)  # Setting values
    identified_on = models.DateField(default=datetime.date.today)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="risks_owned")
    mitigation_technical = models.TextField("technical mitigation", blank=True)
    mitigation_education = models.TextField("education mitigation", blank=True)
    starter_key = models.CharField(max_length=40, blank=True)  # adopted from the library

    # The latest assessment, copied here so the register and heat map are one query; the
    # Assessment rows keep every score over time.
    matrix = models.ForeignKey(Matrix, on_delete=models.PROTECT, related_name="+")
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    inherent_score = models.PositiveSmallIntegerField()
    likelihood = models.PositiveSmallIntegerField("current likelihood")
    impact = models.PositiveSmallIntegerField("current impact")
    score = models.PositiveSmallIntegerField("current score")
    band = models.CharField(max_length=20)
    band_rank = models.PositiveSmallIntegerField(default=0)
    # Above MEDIUM: only the headteacher may accept it (from the band, as data).
    head_only = models.BooleanField(default=False)
    likelihood_reason = models.TextField(blank=True)
    impact_reason = models.TextField(blank=True)
    inherent_reason = models.TextField("why, before mitigation", blank=True)
    assessed_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Devices: when the devices app exists, a risk links to devices or device groups
    # through a model of that app pointing here (the FK lives with the devices).

    history = HistoricalRecords(m2m_fields=[owners])
    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="unique_risk_number"),
            models.UniqueConstraint(
                fields=["trust", "number"],
                condition=Q(school__isnull=True),
                name="unique_trust_risk_number",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False, trust__isnull=True)
                | Q(school__isnull=True, trust__isnull=False),
                name="risk_of_a_school_or_its_trust",
            ),
            models.UniqueConstraint(
                fields=["school", "starter_key"],
                condition=~Q(starter_key=""),
                name="starter_risk_adopted_once",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "band_rank"]),
            models.Index(fields=["status", "review_due"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("risk-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{'T' if self.is_trust_wide else 'R'}-{self.number:03d}"

    @property
    def is_trust_wide(self) -> bool:
        return self.school_id is None

    @property
    def trust_of(self) -> int:
        """The trust whose matrix scores this risk."""
        return self.trust_id if self.is_trust_wide else self.school.trust_id

    @property
    def assessment_label(self) -> str:
        """MEDIUM (4): from the copied band, so a list needs no matrix for it."""
        return score_label(self.band, self.score)

    @property
    def assessment_working(self) -> str:
        """2 × 2 = MEDIUM (4)."""
        return score_working(self.likelihood, self.impact, self.band)

    @property
    def inherent_label(self) -> str:
        return self.matrix.label(self.inherent_likelihood, self.inherent_impact)

    @property
    def inherent_working(self) -> str:
        return self.matrix.working(self.inherent_likelihood, self.inherent_impact)

    def setting_labels(self) -> list[str]:
        labels = dict(Setting.choices)
        return [labels[s] for s in self.applies_in if s in labels]


class Assessment(models.Model):
    """One dated scoring of a risk: before mitigation (inherent) and after (current),
    each with the seed's two justifications. Never changed: re-scoring adds a row."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="assessments")
    matrix = models.ForeignKey(Matrix, on_delete=models.PROTECT, related_name="+")
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    likelihood_reason = models.TextField()
    impact_reason = models.TextField()
    # The reasons above are for the current score; this one for the score before
    # mitigation (empty when it is the same score, as in the policy's example).
    inherent_reason = models.TextField("why, before mitigation", blank=True)
    note = models.TextField("what changed", blank=True)
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_at", "pk"]
        indexes = [models.Index(fields=["risk", "assessed_at"])]

    def __str__(self):
        return f"{self.risk.reference} on {self.assessed_at:%Y-%m-%d}: {self.label}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def label(self) -> str:
        return self.matrix.label(self.likelihood, self.impact)

    @property
    def inherent_label(self) -> str:
        return self.matrix.label(self.inherent_likelihood, self.inherent_impact)

    @property
    def working(self) -> str:
        return self.matrix.working(self.likelihood, self.impact)

    @property
    def inherent_working(self) -> str:
        return self.matrix.working(self.inherent_likelihood, self.inherent_impact)


class Action(models.Model):
    """A control or action with an owner and a due date, on a risk or on a filtering and
    monitoring review (exactly one)."""

    risk = models.ForeignKey(
        Risk, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    review = models.ForeignKey(
        "FilteringReview", on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    text = models.TextField("what will be done")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_actions"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk__isnull=False, review__isnull=True)
                | Q(risk__isnull=True, review__isnull=False),
                name="action_on_a_risk_or_a_review",
            )
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self):
        return self.text[:60]

    @property
    def school_id(self):
        return self.risk.school_id if self.risk_id else self.review.school_id

    @property
    def parent(self):
        return self.risk if self.risk_id else self.review

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class RiskIncident(models.Model):
    """An incident that shows the risk happening. The link lives here, not on Incident."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="incident_links")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="risk_links"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["risk", "incident"], name="link_incident_once")
        ]

    def __str__(self):
        return f"{self.risk.reference} – incident {self.incident_id}"


def sign_off_year(school, on: datetime.date | None = None) -> int:
    """The school year a register signature made on `on` (today) is for: the year the
    school's academic year started in (2025 for 2025/26)."""
    return school.academic_year_start(on or timezone.localdate()).year


class RegisterSignOffQuerySet(models.QuerySet):
    def this_year(self, school) -> "RegisterSignOff | None":
        """The school's signature for the school year now, if the head has signed."""
        return self.filter(school=school, year=sign_off_year(school)).first()


class RegisterSignOff(models.Model):
    """The yearly "register reviewed": the headteacher signs, freezing the register PDF
    (its SHA-256 recorded, like a signed agreement); a trustee approves."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="risk_sign_offs")
    year = models.PositiveSmallIntegerField("academic year starting")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    risk_count = models.PositiveIntegerField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["pdf"])
    objects = RegisterSignOffQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_register_sign_off_a_year")
        ]

    def __str__(self):
        return f"Risk register {self.year}/{(self.year + 1) % 100:02d}"

    def get_absolute_url(self):
        return reverse("risk-signoffs", args=[self.school.slug])


from .models_filtering import FilterDecision, FilteringCheck, FilteringReview  # noqa: E402,F401
