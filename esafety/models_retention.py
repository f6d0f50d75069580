"""Retention and destruction: the school's own periods (lengthened, never shortened below
the legal minimum), legal holds, and the tombstones destroyed records leave behind.
Imported by models.py.

The rules themselves (what each app keeps, for how long, on what authority) are data in
each app's `retention.py`, collected by esafety/retention/registry.py; nothing here
names an app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RetentionPeriod(models.Model):
    """A school's period for one rule, in years, when it keeps records longer than the
    rule's minimum. Its history is the record of every change and its reason."""

    school = models.ForeignKey("esafety.School", on_delete=models.CASCADE, related_name="+")
    rule_key = models.CharField(max_length=80)
    years = models.PositiveSmallIntegerField()
    reason = models.TextField("why the school keeps them longer")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "rule_key"], name="one_period_per_rule")
        ]

    def __str__(self):
        return f"{self.rule_key}: {self.years} years"


class LegalHoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """Stops destruction: of everything about a person at the school, or of one record
    (`record`: "app_label.model:pk"), until lifted. Always with a reason."""

    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="about whom",
    )
    record = models.CharField(max_length=120, blank=True)
    record_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(
        help_text="For example: a police inquiry, an open LADO case or a claim."
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_reason = models.TextField(blank=True)
    history = HistoricalRecords()
    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["school", "lifted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, record="")
                | Q(person__isnull=True) & ~Q(record=""),
                name="hold_on_a_person_or_a_record",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
        ]

    def __str__(self):
        return f"Legal hold on {self.record_label or self.person}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class DestructionBatch(models.Model):
    """One approval: the records an officer ticked, destroyed together. `token` is the
    approving form's once token: a second submit of the same form finds it taken."""

    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)
    token = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-approved_at", "-pk"]

    def __str__(self):
        return f"Destruction batch {self.reference}"

    @property
    def reference(self) -> str:
        return f"DB-{self.pk}"


class Tombstone(models.Model):
    """What is left of a destroyed record: its kind, a reference that names nobody, its
    dates, who approved and under which rule. Never a name or a narrative."""

    batch = models.ForeignKey(DestructionBatch, on_delete=models.PROTECT, related_name="tombstones")
    school = models.ForeignKey("esafety.School", on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField(max_length=80)
    rule_source = models.TextField()
    kind = models.CharField(max_length=100)
    reference = models.CharField(max_length=40, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    keep_until = models.DateField()
    destroyed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        indexes = [models.Index(fields=["school", "rule_key", "-destroyed_at"])]

    def __str__(self):
        return f"{self.kind} {self.reference} destroyed {self.destroyed_at:%Y-%m-%d}"
