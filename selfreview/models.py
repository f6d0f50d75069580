"""The yearly online-safety self-review: one per school per academic year, rated aspect
by aspect, with an action plan; the headteacher signs, then the chair of trustees. Signed
by the headteacher, it is frozen (the services refuse changes, the ratings refuse saves)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School

from .framework import ASPECT_CHOICES, BY_KEY


def year_label(start: datetime.date) -> str:
    """The academic year starting on `start`, as schools write it: "2026–27"."""
    return f"{start.year}–{str(start.year + 1)[2:]}"


FROZEN_MESSAGE = "This self-review is signed and can no longer change."


class Stage(models.TextChoices):
    DRAFT = "draft", "Draft"
    HEAD_SIGNED = "head_signed", "Signed by the headteacher; waiting for the chair"
    SIGNED = "signed", "Signed by the headteacher and the chair of trustees"


class SelfReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import review_visibility_q

        return self.filter(review_visibility_q(user))


class SelfReview(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="self_reviews")
    year_start = models.DateField(help_text="The first day of the academic year reviewed.")
    summary = models.TextField("overall summary", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    head_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    head_signed_at = models.DateTimeField(null=True, blank=True)
    chair_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chair_signed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    objects = SelfReviewQuerySet.as_manager()

    class Meta:
        ordering = ["school", "-year_start"]
        constraints = [
            # One review per school per academic year: a second "start" finds the first.
            models.UniqueConstraint(fields=["school", "year_start"], name="one_review_per_year"),
            # The chair signs only what the headteacher signed.
            models.CheckConstraint(
                condition=Q(chair_signed_at__isnull=True) | Q(head_signed_at__isnull=False),
                name="chair_signs_after_head",
            ),
        ]

    def __str__(self):
        return f"Online-safety self-review {self.year}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = (
                SelfReview.objects.filter(pk=self.pk)
                .values("summary", "year_start", "school_id", "head_signed_at")
                .first()
            )
            if (
                stored
                and stored["head_signed_at"]
                and any(
                    stored[name] != getattr(self, name)
                    for name in ("summary", "year_start", "school_id")
                )
            ):
                raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("selfreview-detail", args=[self.pk])

    @property
    def year(self) -> str:
        return year_label(self.year_start)

    @property
    def stage(self) -> str:
        if self.chair_signed_at:
            return Stage.SIGNED
        if self.head_signed_at:
            return Stage.HEAD_SIGNED
        return Stage.DRAFT

    def get_stage_display(self) -> str:
        return Stage(self.stage).label

    @property
    def is_frozen(self) -> bool:
        return self.head_signed_at is not None


class Rating(models.Model):
    """The school's level for one aspect, its own evidence in words, and (from the
    headteacher's signature) what the records said at the time."""

    review = models.ForeignKey(SelfReview, on_delete=models.PROTECT, related_name="ratings")
    aspect = models.CharField(max_length=20, choices=ASPECT_CHOICES)
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(
        "what the school found",
        blank=True,
        help_text="Strengths, gaps, and evidence beyond the product's records.",
    )
    # Frozen when the headteacher signs: the records' evidence lines, suggested level and
    # any flag, so the signed review always shows what was seen when it was signed.
    evidence_at_signing = models.JSONField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "aspect"], name="one_rating_per_aspect"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="level_1_to_5"),
        ]

    def __str__(self):
        return f"{self.aspect_title}: {self.level}"

    def save(self, *args, allow_frozen=False, **kwargs):
        frozen = SelfReview.objects.filter(pk=self.review_id, head_signed_at__isnull=False)
        if not allow_frozen and frozen.exists():
            raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    @property
    def aspect_title(self) -> str:
        return BY_KEY[self.aspect].title if self.aspect in BY_KEY else self.aspect


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import action_visibility_q

        return self.filter(action_visibility_q(user))

    def open(self):
        return self.filter(done_on__isnull=True)


class ActionItem(models.Model):
    """One step of the action plan: what, who (a member of staff), by when, and when it
    was done. Its text, owner and date are settled when the review is signed; marking it
    done goes on through the year."""

    review = models.ForeignKey(SelfReview, on_delete=models.PROTECT, related_name="actions")
    aspect = models.CharField(max_length=20, choices=ASPECT_CHOICES, blank=True)
    text = models.TextField("what will be done")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_review_actions"
    )
    due_on = models.DateField("due date")
    done_on = models.DateField(null=True, blank=True)
    done_note = models.TextField("what was done", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self):
        return f"Action due {self.due_on:%-d %b %Y}: {self.text[:40]}"

    def save(self, *args, **kwargs):
        """After the headteacher signs, the plan's text, owner and dates are settled; only
        marking an action done goes on."""
        if self.pk:
            stored = (
                ActionItem.objects.filter(pk=self.pk)
                .values("text", "owner_id", "due_on", "aspect", "review__head_signed_at")
                .first()
            )
            if (
                stored
                and stored["review__head_signed_at"]
                and any(
                    stored[name] != getattr(self, name)
                    for name in ("text", "owner_id", "due_on", "aspect")
                )
            ):
                raise ValidationError(FROZEN_MESSAGE)
        elif SelfReview.objects.filter(pk=self.review_id, head_signed_at__isnull=False).exists():
            raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("selfreview-action", args=[self.pk])

    @property
    def school_id(self):
        return self.review.school_id

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())
