"""Policies and acceptable-use agreements: versions, signatures and consent.

A published version's text never changes (its SHA-256 is stored); a signature can never
be edited or deleted; withdrawing consent adds a new record.
"""

import datetime
import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Kind(models.TextChoices):
    POLICY = "policy", "E-safety policy"
    STAFF_AUP = "staff_aup", "Staff acceptable use policy"
    PUPIL_KS1 = "pupil_ks1", "Pupil agreement: KS1 SMART rules"
    PUPIL_KS2 = "pupil_ks2", "Pupil agreement: KS2 online behaviour"
    PUPIL_SECONDARY = "pupil_secondary", "Pupil agreement: secondary"
    PARENT = "parent", "Parent agreement and consent"
    TRUSTEE_AUP = "trustee_aup", "Trustee acceptable use policy"
    VOLUNTEER_AUP = "volunteer_aup", "Volunteer acceptable use policy"
    VISITOR_AUP = "visitor_aup", "Visitor acceptable use policy"
    OTHER = "other", "Other (the school's own)"


class Document(models.Model):
    """Something people sign, and who must sign it when."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    # Audience: membership roles ("staff", "pupil", "parent", ...) plus "trustee";
    # staff types narrow "staff" (e.g. volunteers); key stages narrow "pupil".
    audience_roles = models.JSONField(default=list)
    audience_staff_types = models.JSONField(default=list, blank=True)
    audience_key_stages = models.JSONField(default=list, blank=True)
    parents_sign_for_each_child = models.BooleanField(default=False)
    sign_on_induction = models.BooleanField(default=True)
    renew_every_year = models.BooleanField(default=False)
    asks_consent = models.BooleanField(default=False)
    grants_internet_access = models.BooleanField(default=False)
    reminder_limit = models.PositiveSmallIntegerField(
        default=4, help_text="Weekly reminders before the e-safety officer is told."
    )
    review_due = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "kind", "title"]

    def __str__(self):
        return self.title

    def current_version(self):
        return self.versions.filter(status=VersionStatus.PUBLISHED).first()

    def audience_description(self) -> str:
        """Who must sign, in words: "Staff (Teacher, Office), Pupil (KS2)"."""
        from esafety.models import Role, StaffType

        labels = {**dict(Role.choices), "trustee": "Trustees"}
        parts = []
        for role in self.audience_roles:
            part = labels.get(role, role)
            if role == Role.STAFF and self.audience_staff_types:
                types = ", ".join(StaffType(t).label for t in self.audience_staff_types)
                part += f" ({types})"
            if role == Role.PUPIL and self.audience_key_stages:
                part += f" ({', '.join(self.audience_key_stages)})"
            parts.append(part)
        if self.parents_sign_for_each_child:
            parts.append("one signature for each child")
        return "; ".join(parts) or "Nobody yet"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    HEAD_SIGNED_OFF = "head_signed_off", "Signed off by the headteacher"
    TRUSTEES_APPROVED = "trustees_approved", "Approved by trustees"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


FROZEN_STATUSES = {VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED}


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown. Headings with #, lists with -.")
    change_summary = models.TextField("what changed and why", blank=True)
    effective_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    head_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_signed_off_at = models.DateTimeField(null=True, blank=True)
    trustees_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trustees_approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_number_per_doc"),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status="published"),
                name="one_published_version_per_document",
            ),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Version.objects.filter(pk=self.pk).values("text", "status").first()
            if stored and stored["status"] in FROZEN_STATUSES and stored["text"] != self.text:
                raise ValidationError("A published version's text can't be changed.")
        if self.status in FROZEN_STATUSES and not self.content_hash:
            self.content_hash = content_hash(self.text)
        super().save(*args, **kwargs)

    @property
    def next_step(self) -> str:
        return {
            VersionStatus.DRAFT: "Next: the headteacher signs it off",
            VersionStatus.HEAD_SIGNED_OFF: "Next: the trustees approve it",
            VersionStatus.TRUSTEES_APPROVED: "Next: published on its effective date",
        }.get(self.status, "")

    def text_matches_hash(self) -> bool:
        return bool(self.content_hash) and content_hash(self.text) == self.content_hash


class Method(models.TextChoices):
    ONLINE = "online", "Signed online"
    IN_CLASS = "in_class", "Agreed in class (recorded by the teacher)"
    PAPER = "paper", "Paper form (recorded by the office)"


class SignatureQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import signature_visibility_q

        return self.filter(signature_visibility_q(user))

    def update(self, **kwargs):
        raise ValidationError("Signatures can't be changed.")

    def delete(self):
        raise ValidationError("Signatures can't be deleted.")


class Signature(models.Model):
    """Who signed which exact text, for whom, when and how. Never edited or deleted."""

    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures_given"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures_for",
        help_text="The person it is for: the signer, or their child.",
    )
    content_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10, choices=Method.choices)
    typed_name = models.CharField(max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scan = models.FileField(upload_to="signatures/scans/%Y/", blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    is_withdrawal = models.BooleanField(default=False)
    # What makes this signature the only one of its kind (see services.sign): the
    # version, the person it is for, the cycle and the signature it follows. A double
    # submit computes the same key, so the database keeps one.
    once_key = models.CharField(max_length=100, null=True, blank=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["subject", "version", "signed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["once_key"], name="one_signature_per_once_key")
        ]

    def __str__(self):
        return f"{self.signer} for {self.subject}: {self.version}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Signatures can't be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Signatures can't be deleted.")

    def matches_version(self) -> bool:
        """False when the text signed no longer hashes to what was recorded."""
        return self.content_hash == content_hash(self.version.text)


class Channel(models.TextChoices):
    INTERNET = "internet", "Use of the internet at school"
    WEBSITE = "website", "Photos and videos on the school website"
    NEWSPAPER = "newspaper", "Photos and videos in newspapers"
    PROSPECTUS = "prospectus", "Photos and videos in the prospectus"
    SOCIAL_MEDIA = "social_media", "Photos and videos on the school's social media accounts"


# The seed policy's rule for any published photograph, shown wherever consent is used.
PUBLISHING_RULE = (
    "When we publish a photograph of your child we never give their name with it: "
    "we use a first name OR a photograph, never both, and no names in image file names."
)


class ConsentAnswer(models.Model):
    """One yes or no, given with a signature. Never pre-ticked; no answer is never a yes."""

    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="answers")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    given = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signature", "channel"], name="one_answer_per_channel")
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {'yes' if self.given else 'no'}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Consent answers can't be changed: record a new signature.")
        super().save(*args, **kwargs)


REMINDER_EVERY = timedelta(days=7)
# The e-safety policy is reviewed a year after it is published, with a reminder before.
REVIEW_WARNING = timedelta(days=30)


def review_due_after(published_on: datetime.date) -> datetime.date:
    """A year on (29 February falls back to 28 February)."""
    try:
        return published_on.replace(year=published_on.year + 1)
    except ValueError:
        return published_on.replace(year=published_on.year + 1, day=28)


class Reason(models.TextChoices):
    # Only for people who joined in this academic year: a teacher who started last
    # September and has never signed is "not signed yet", not new.
    INDUCTION = "induction", "New to the school"
    NOT_SIGNED = "not_signed", "Not signed yet"
    NEW_VERSION = "new_version", "A new version was published"
    NEW_YEAR = "new_year", "New academic year"


class SignRequest(models.Model):
    """A "to sign" item on someone's home page until they sign."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="requests")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="requests")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_requests"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    cycle = models.CharField(
        max_length=20, help_text="The academic year (e.g. 2026-27) or version it belongs to."
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Weekly reminders: how many were sent and when the next one is due (None: no more).
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    next_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "person", "subject", "cycle"], name="one_request_per_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["person", "completed_at"]),
            models.Index(fields=["completed_at", "next_reminder_at"]),
        ]

    def __str__(self):
        return f"{self.person} to sign {self.version} for {self.subject}"

    def save(self, *args, **kwargs):
        if self.next_reminder_at is None and self.reminders_sent == 0 and not self.pk:
            self.next_reminder_at = self.created_at + REMINDER_EVERY
        super().save(*args, **kwargs)


class ReviewReason(models.TextChoices):
    SCHEDULED = "scheduled", "Annual review"
    INCIDENT = "incident", "An incident asked for a review"
    OTHER = "other", "Other"


class PolicyReview(models.Model):
    """A review of the e-safety policy: yearly, or early when an incident asks for one.

    Who reviewed and what changed and why are recorded here; the new version it produces
    carries the headteacher's sign-off and the trustees' approval. The review closes
    when that version is published (which starts the staff re-sign campaign)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="reviews")
    reason = models.CharField(max_length=10, choices=ReviewReason.choices)
    incidents = models.ManyToManyField("incidents.Incident", blank=True, related_name="+")
    reason_detail = models.TextField("why the review was asked for", blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    what_changed = models.TextField("what changed and why", blank=True)
    version = models.OneToOneField(
        Version, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[incidents])

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_review_per_document",
            )
        ]

    def __str__(self):
        return f"Review of {self.document} opened {self.opened_at:%-d %b %Y}"

    def get_absolute_url(self):
        return reverse("agreements-review", args=[self.pk])

    @property
    def stage(self) -> str:
        """Where the review has got to, in plain words."""
        if self.closed_at:
            return "Closed: the new version is published"
        if self.version is None:
            return "Waiting for the review to be recorded"
        return self.version.get_status_display()
