"""Safeguarding cover (KCSIE: a designated safeguarding lead, with deputies, always
available during school hours): which of the school's e-safety officers is its designated
lead (the others are its deputies), and who of those who take incidents is away when.
Imported by models.py; who an incident goes to on a day is incidents/cover.py."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class DesignatedLead(models.Model):
    """The school's designated safeguarding lead, named by its headteacher. With none
    named (or the one named no longer an e-safety officer), the longest-serving officer
    leads: the rule before schools could name one."""

    school = models.OneToOneField(
        "esafety.School", on_delete=models.CASCADE, related_name="designated_lead"
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    named_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.lead} leads safeguarding at {self.school}"


class AbsenceQuerySet(models.QuerySet):
    def on(self, day):
        """Absences covering `day`."""
        return self.filter(away_from__lte=day, away_to__gte=day)

    def from_day(self, day):
        """Absences not yet over on `day`: today's and those to come."""
        return self.filter(away_to__gte=day)


class Absence(models.Model):
    """Someone who takes incidents (the lead, a deputy, the headteacher) away from school
    on these days, both included: incidents go to those who are in, and escalation passes
    them by. Recorded by themselves, the headteacher or another e-safety officer."""

    school = models.ForeignKey(
        "esafety.School", on_delete=models.CASCADE, related_name="safeguarding_absences"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    away_from = models.DateField("away from")
    away_to = models.DateField("last day away")
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="For the other leads only; other staff don't see it.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["away_from", "pk"]
        indexes = [models.Index(fields=["school", "away_to"], name="absence_school_to_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(away_to__gte=F("away_from")), name="absence_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return f"{self.person} away {self.days}"

    @property
    def days(self) -> str:
        if self.away_from == self.away_to:
            return f"on {self.away_from:%a %-d %b %Y}"
        return f"from {self.away_from:%a %-d %b} to {self.away_to:%a %-d %b %Y}"
