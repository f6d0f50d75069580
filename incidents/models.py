"""The e-safety incident log (the seed's form, brought up to KCSIE 2025 and UKCIS advice)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School


class Status(models.TextChoices):
    """The steps of an incident; the moves between them are in states.py, nowhere else."""

    DRAFT = "draft", "Draft"
    REPORTED = "reported", "Reported, waiting to be acknowledged"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    OPEN = "open", "Being dealt with"
    REVIEW = "review", "Being reviewed"
    CLOSED = "closed", "Closed"


class Subject(models.TextChoices):
    """Who the concern is about: this decides who it goes to."""

    PUPIL = "pupil", "A pupil (their conduct or their safety)"
    STAFF = "staff", "A member of staff or volunteer"
    HEADTEACHER = "headteacher", "The headteacher"
    OUTSIDE = "outside", "Someone outside the school"


class Answer(models.TextChoices):
    """An answer to one of the log form's first questions: "not sure" counts as yes for
    urgency (if in doubt, the e-safety officer looks first)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class Source(models.TextChoices):
    """How the report reached the school: a member of staff logged it, a monitoring
    product sent an alert through the API (incidents/monitoring.py), or another product
    the school connected sent a report (incidents/api_reports.py)."""

    STAFF = "staff", "Logged by a member of staff"
    MONITORING = "monitoring", "From monitoring"
    INTEGRATION = "integration", "From an integration"
    PUPIL = "pupil", "Reported by a pupil"
    PARENT = "parent", "Reported by a parent"


class Location(models.TextChoices):
    ON_SITE = "on_site", "On the school site"
    TRIP = "trip", "On a school trip or visit"
    OFF_SITE = "off_site", "At home or elsewhere off site"
    ONLINE = "online", "Online only"


class RiskArea(models.TextChoices):
    CONTENT = "content", "Content (incl. misinformation, disinformation, conspiracy theories)"
    CONTACT = "contact", "Contact"
    CONDUCT = "conduct", "Conduct"
    COMMERCE = "commerce", "Commerce"


class DeviceOwner(models.TextChoices):
    NONE = "", "No device involved / not known"
    SCHOOL = "school", "School-owned"
    PERSONAL = "personal", "Personal"


class PersonKind(models.TextChoices):
    PUPIL = "pupil", "Pupil"
    STAFF = "staff", "Member of staff"
    VISITOR = "visitor", "Visitor"
    UNKNOWN = "unknown", "Unknown person"


class Part(models.TextChoices):
    TARGET = "target", "Target"
    ALLEGED = "alleged", "Alleged perpetrator"
    WITNESS = "witness", "Witness"
    OTHER = "other", "Other"


class AllegationOutcome(models.TextChoices):
    """KCSIE Part 4's outcomes of an allegation about an adult. A malicious one is removed
    from the person's records (the retention review lists it once the incident closes)."""

    SUBSTANTIATED = "substantiated", "Substantiated: enough evidence to prove it"
    MALICIOUS = "malicious", "Malicious: disproved, and made deliberately to deceive"
    FALSE = "false", "False: enough evidence to disprove it"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated: not enough evidence either way"
    UNFOUNDED = "unfounded", "Unfounded: nothing to support it"


class ParentsInformed(models.TextChoices):
    NOT_YET = "", "Not yet decided"
    YES = "yes", "Yes"
    NO = "no", "No (reason recorded)"


class IncidentTag(models.Model):
    """Kinds of incident, kept as data a school can extend (school=None: offered to all)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="incident_tags"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=80)
    # Imagery of children: the product must refuse image and video evidence (UKCIS 2024).
    forbids_images = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="unique_tag_per_school")
        ]

    def __str__(self):
        return self.name


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import incident_visibility_q

        return self.filter(incident_visibility_q(user))

    def submitted(self):
        return self.exclude(status=Status.DRAFT)


class Incident(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="incidents")
    # e.g. 2026-0042, given on submission; concerns about staff: 2026-A001 (their own series)
    number = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)

    # Empty only for a pupil's anonymous worry (incidents/worries.py): no account link.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_reported",
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    occurred_at = models.DateTimeField("when it happened", null=True, blank=True)
    location = models.CharField("where", max_length=10, choices=Location.choices)
    description = models.TextField("what happened")
    action_taken = models.TextField("action taken so far", blank=True)

    subject = models.CharField("who the concern is about", max_length=12, choices=Subject.choices)
    category = models.CharField(max_length=8, blank=True)
    risk_area = models.CharField(max_length=10, choices=RiskArea.choices, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.STAFF)
    # An integration's own id for the report, kept as "<key id>:<reference>" (two products
    # may use the same numbers): the same one sent again is the same report; the digest of
    # what was sent tells a retry from a different report under a reused reference.
    source_reference = models.CharField(max_length=120, blank=True, default="")
    source_digest = models.CharField(max_length=64, blank=True, default="")
    tags = models.ManyToManyField(IncidentTag, blank=True, related_name="incidents")
    platform = models.CharField("platform or app", max_length=100, blank=True)
    device_owner = models.CharField(
        "device", max_length=10, choices=DeviceOwner.choices, blank=True
    )
    device_description = models.CharField(max_length=100, blank=True)
    suspected_illegal_material = models.BooleanField(
        "suspected illegal material (child abuse images)", default=False
    )
    # The log form's first questions: what makes a report urgent (routing.urgency_reasons).
    # Blank on incidents logged before the form asked them.
    child_at_risk_now = models.CharField(
        "is a child at risk of harm now", max_length=8, choices=Answer.choices, blank=True
    )
    contact_from_older = models.CharField(
        "contact from an adult or an older child",
        max_length=8,
        choices=Answer.choices,
        blank=True,
    )
    image_of_child = models.CharField(
        "an image of a child involved", max_length=8, choices=Answer.choices, blank=True
    )

    # Routing and the acknowledgement timer.
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_routed",
        verbose_name="reported to",
    )
    acknowledge_by = models.DateTimeField(null=True, blank=True)
    acknowledge_by_reason = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_escalated",
    )
    # Second level: still not acknowledged a working day after the first escalation.
    trust_escalated_at = models.DateTimeField(null=True, blank=True)
    trust_escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_trust_escalated",
    )
    lado_referral_due = models.DateTimeField("LADO referral due", null=True, blank=True)

    # Parents and carers (the seed: parents are told about incidents involving their child).
    parents_informed = models.CharField(
        max_length=3, choices=ParentsInformed.choices, blank=True, default=""
    )
    parents_informed_at = models.DateTimeField(null=True, blank=True)
    parents_informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parents_not_informed_reason = models.TextField(blank=True)

    # Review and sign-off, as on the seed's log.
    review_date = models.DateField(null=True, blank=True)
    review_result = models.TextField("result of review", blank=True)
    allegation_outcome = models.CharField(
        "outcome of the allegation", max_length=16, choices=AllegationOutcome.choices, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    headteacher_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    headteacher_signed_at = models.DateTimeField(null=True, blank=True)
    trustee_sign_requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_to_sign",
    )
    trustee_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trustee_signed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    policy_review_needed = models.BooleanField(default=False)
    policy_review_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "number"], condition=~Q(number=""), name="unique_incident_number"
            ),
            models.UniqueConstraint(
                fields=["school", "source_reference"],
                condition=~Q(source_reference=""),
                name="one_incident_per_source_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "reported_at"]),
            models.Index(fields=["school", "-reported_at"], name="incident_school_newest"),
            # The trust-wide queue, newest first across schools (selectors.UrgentFirst).
            models.Index(fields=["-reported_at", "-id"], name="incident_newest"),
            # The urgent part of a queue is found among the open incidents, newest first.
            models.Index(
                fields=["-reported_at", "-id"],
                condition=~Q(status="closed") & ~Q(status="draft"),
                name="incident_open_newest",
            ),
            models.Index(
                fields=["school", "-reported_at", "-id"],
                condition=~Q(status="closed") & ~Q(status="draft"),
                name="incident_school_open_newest",
            ),
            models.Index(fields=["status", "acknowledge_by"]),
            models.Index(fields=["review_date"]),
        ]

    def __str__(self):
        return f"Incident {self.reference}" if self.number else "Draft incident"

    def get_absolute_url(self):
        return reverse("incident-detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == Status.DRAFT

    @property
    def reference(self) -> str:
        """The one way an incident's number is shown, on every page, email, PDF and CSV:
        with the school's letters (HIL-2026-0042), so it reads the same in a school's
        list and a trust's, and never as two numbers. Empty for a draft."""
        return f"{self.school.prefix}-{self.number}" if self.number else ""

    @property
    def named(self) -> str:
        """The reference with the school's name, for notifications."""
        return f"{self.reference} ({self.school.name})"

    @property
    def is_allegation(self) -> bool:
        """About a member of staff or the headteacher: numbered in their own series."""
        return self.subject in ALLEGATION_SUBJECTS

    @property
    def about_headteacher(self):
        return self.subject == Subject.HEADTEACHER

    @property
    def first_signer(self) -> str:
        """Who signs the log off before a trustee: the headteacher, or the chair of
        trustees when the concern is about the headteacher."""
        return "chair of trustees" if self.about_headteacher else "headteacher"

    @property
    def category_label(self) -> str:
        from .categories import category

        rule = category(self.category)
        return rule.label if rule else ""

    @property
    def forbids_images(self) -> bool:
        return self.suspected_illegal_material or any(t.forbids_images for t in self.tags.all())


ALLEGATION_SUBJECTS = frozenset({Subject.STAFF, Subject.HEADTEACHER})


class Series(models.TextChoices):
    """Concerns about staff are numbered apart (an allegations log, as KCSIE expects): a
    headteacher must not see a gap in the incident numbers where one about them sits."""

    INCIDENTS = "", "Incidents"
    ALLEGATIONS = "A", "Concerns about staff"


class IncidentCounter(models.Model):
    """The last number given in a school, series and year; locked while a number is taken."""

    school = models.ForeignKey(School, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=1, choices=Series.choices, default="", blank=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "series"], name="one_counter_per_school_year_series"
            )
        ]

    def __str__(self):
        return f"{self.school} {self.year}{self.series}: {self.last}"


class IncidentPerson(models.Model):
    """A person involved and their part. Held per person: a pupil's chronology shows only
    their own part, never another pupil's."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_parts",
    )
    name = models.CharField(
        max_length=150, blank=True, help_text="For visitors or people not in the system."
    )
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    part = models.CharField(max_length=10, choices=Part.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["part", "id"]

    def __str__(self):
        return f"{self.display_name} ({self.get_part_display()})"

    @property
    def display_name(self):
        return str(self.person) if self.person_id else (self.name or "Unknown person")


class ActionKind(models.TextChoices):
    NOTE = "note", "Note"
    ACTION = "action", "Action to do"
    ACKNOWLEDGED = "ack", "Acknowledged"
    ESCALATION = "escalation", "Escalation"
    REMINDER = "reminder", "Reminder"
    ROUTING = "routing", "Routed"
    CHANGE = "change", "Record changed"
    SIGN_OFF = "sign_off", "Signed off"


class TimelineEntryQuerySet(models.QuerySet):
    def actions_visible_to(self, user):
        """Actions given to this person, and the actions of incidents they may see."""
        from .rules import action_visibility_q

        visible = Incident.objects.visible_to(user).values("pk")
        return self.filter(kind=ActionKind.ACTION).filter(
            action_visibility_q(user) | Q(incident__in=visible)
        )


class TimelineEntry(models.Model):
    """The incident's chronology: append-only. An action can be marked done, once."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=12, choices=ActionKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_actions",
    )
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.TextField("what was done", blank=True)
    history = HistoricalRecords()
    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kind", "done_at", "due_on"])]
        constraints = [
            # The database's own guard behind the row lock in services.acknowledge().
            models.UniqueConstraint(
                fields=["incident"], condition=Q(kind="ack"), name="one_acknowledgement"
            )
        ]
        verbose_name_plural = "timeline entries"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:40]}"

    def get_absolute_url(self):
        return reverse("action-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        due = self.due_on
        return self.done_at is None and due is not None and due < timezone.localdate()


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    CEOP = "ceop", "CEOP"
    IWF = "iwf", "Internet Watch Foundation (IWF)"
    LADO = "lado", "LADO"
    PREVENT = "prevent", "Prevent / Channel"
    SOCIAL_CARE = "social_care", "Children's social care"
    ICO = "ico", "Information Commissioner's Office (ICO)"
    PROVIDER = "provider", "Service provider"


class Referral(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="referrals")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    referred_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["referred_on", "id"]

    def __str__(self):
        return f"{self.get_agency_display()} on {self.referred_on}"


class Sanction(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sanctions")
    person = models.ForeignKey(
        IncidentPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions"
    )
    description = models.CharField(max_length=300)
    applied_on = models.DateField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["applied_on", "id"]

    def __str__(self):
        return self.description


def evidence_path(instance, filename):
    return f"evidence/{instance.incident.school_id}/{instance.incident_id}/{filename}"


class Evidence(models.Model):
    """A document or log kept with the incident. Never an image or video of a child."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name


from .models_cover import Absence, DesignatedLead  # noqa: E402, F401
from .models_guides import Guide, GuideAnswer, GuideCompletion, GuideStep  # noqa: E402, F401
from .models_monitoring import MonitoringAlert  # noqa: E402, F401  (models in their module)
from .models_transfers import FileTransfer, Redaction, TransferItem  # noqa: E402, F401
