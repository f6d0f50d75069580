"""The "What to do if..." guides: the 2018 policy's two flowcharts (inappropriate use,
illegal use) and its "What do we do if..." list as short walks of questions and advice,
ending in the incident form (or the low-level concern form) filled in with what the walk
learnt. Imported by models.py.

A guide with no school is the standard set (incidents/guides_standard.py, written from
the seed in current terms); a school's own copy of a guide (same slug) replaces it for
that school. Walking a guide to its end is recorded, once a day per person and guide:
training can require it (training's "walked through a guide" evidence)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class StepKind(models.TextChoices):
    QUESTION = "question", "A question"
    ADVICE = "advice", "Advice, then go on"
    END = "end", "The end of the guide"


class EndAction(models.TextChoices):
    NOTHING = "", "Nothing more to record"
    INCIDENT = "incident", "Open the incident form"
    CONCERN = "concern", "Open the low-level concern form"


class Guide(models.Model):
    school = models.ForeignKey(
        "esafety.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the standard guide; a school's copy replaces it there.",
    )
    slug = models.SlugField(max_length=50)
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["school", "slug"], name="one_guide_per_school_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(school__isnull=True), name="one_standard_guide_slug"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_standard(self) -> bool:
        return self.school_id is None


class GuideStep(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)  # the lowest is where a walk starts
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    text = models.TextField("the question, or what this step is about")
    do_now = models.TextField("what to do now", blank=True)
    do_not = models.TextField("what not to do", blank=True)
    tell = models.TextField("whom to tell in school", blank=True)
    # Kinds of local contact (esafety ContactKind values) shown with the school's numbers.
    contact_kinds = models.JSONField(default=list, blank=True)
    end_action = models.CharField(max_length=10, choices=EndAction.choices, blank=True)
    # What the incident form starts with (only the fields guides.PREFILL_FIELDS names).
    prefill = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["guide", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "key"], name="one_step_key_per_guide")
        ]

    def __str__(self):
        return f"{self.guide}: {self.key}"

    @property
    def is_end(self) -> bool:
        return self.kind == StepKind.END


class GuideAnswer(models.Model):
    step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="answers")
    label = models.CharField(max_length=200)
    next_step = models.ForeignKey(GuideStep, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    prefill = models.JSONField(default=dict, blank=True)  # what this answer tells the form
    history = HistoricalRecords()

    class Meta:
        ordering = ["step", "order", "pk"]

    def __str__(self):
        return self.label


class GuideCompletion(models.Model):
    """Someone walked a guide to one of its ends (the last walk of the day is kept)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="completions")
    school = models.ForeignKey("esafety.School", on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()
    completed_at = models.DateTimeField()
    path = models.JSONField(default=list)  # the answers' ids, in order
    end_step = models.ForeignKey(GuideStep, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "guide", "completed_on"], name="one_guide_completion_per_day"
            )
        ]

    def __str__(self):
        return f"{self.user} walked {self.guide} on {self.completed_on}"
