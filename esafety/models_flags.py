"""Flags that a pupil may be more vulnerable online (KCSIE 2025: children with SEND,
looked after and previously looked after children, those with a social worker, young
carers). Seen only by those who may see them (`esafety.roles.flag_school_ids`: the school's
headteacher and DSL, and the trust's safeguarding lead): never by a teacher through
this product; a flag is a fact about a child that only those who need it hold."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models import School

User = settings.AUTH_USER_MODEL


class Vulnerability(models.TextChoices):
    SEND = "send", "SEND (special educational needs or disability)"
    LOOKED_AFTER = "looked_after", "Looked after"
    PREVIOUSLY_LOOKED_AFTER = "prev_looked_after", "Previously looked after"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    PROTECTION_PLAN = "cp_plan", "Child protection plan"
    YOUNG_CARER = "young_carer", "Young carer"


class FlagSource(models.TextChoices):
    BY_HAND = "by_hand", "Recorded here"
    MIS = "mis", "From the MIS"


class PupilFlagQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class PupilFlag(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupil_flags")
    pupil = models.ForeignKey(User, on_delete=models.PROTECT, related_name="vulnerability_flags")
    flag = models.CharField(max_length=20, choices=Vulnerability.choices)
    source = models.CharField(max_length=8, choices=FlagSource.choices, default=FlagSource.BY_HAND)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()
    objects = PupilFlagQuerySet.as_manager()

    class Meta:
        ordering = ["flag"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "flag"],
                condition=Q(ended_on__isnull=True),
                name="one_open_pupil_flag",
            )
        ]
        indexes = [models.Index(fields=["school", "pupil"])]

    def __str__(self):
        return self.get_flag_display()
