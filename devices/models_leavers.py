"""The leaver checklist: what IT support works through when a member of staff leaves.

One per person and school (a constraint), made when a staff role ends (the MIS sync or
by hand, through `people_left`). The things to return or hand over are not copied here:
they are read live from each app (`esafety.leaver_checklist`), so a loan returned or a
risk handed over elsewhere ticks itself. What only this checklist knows is kept here:
the other accounts closed (and when), each hand-over made from it, and completion.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from esafety.models import School

User = settings.AUTH_USER_MODEL

# The school's own accounts outside this product, closed by hand (field, label).
OTHER_ACCOUNTS = (
    ("email_closed_on", "School email"),
    ("mis_closed_on", "MIS (management information system)"),
    ("filtering_closed_on", "Filtering and monitoring"),
)


class LeaverChecklistQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .rules import managed_by_q

        return self.filter(managed_by_q(user))

    def open(self):
        return self.filter(completed_at__isnull=True)


class LeaverChecklist(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="leaver_checklists")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="leaver_checklists")
    # The day the role ended: it grants nothing, and the account signs in no more, from it.
    ended_on = models.DateField("role ended on")
    destination = models.CharField(max_length=200, blank=True)
    # Not complete by then: the headteacher is told (a few working days after ended_on).
    escalate_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    email_closed_on = models.DateField("school email closed on", null=True, blank=True)
    mis_closed_on = models.DateField("MIS account closed on", null=True, blank=True)
    filtering_closed_on = models.DateField(
        "filtering and monitoring account closed on", null=True, blank=True
    )
    notes = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()
    objects = LeaverChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["ended_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "person"], name="one_leaver_checklist")
        ]
        indexes = [models.Index(fields=["completed_at", "ended_on"])]

    def __str__(self):
        return f"Leaver checklist for {self.person} at {self.school}"

    def get_absolute_url(self):
        return reverse("leaver-checklist", args=[self.pk])

    @property
    def last_day(self):
        return self.ended_on - datetime.timedelta(days=1)

    def other_accounts(self) -> list[tuple[str, object]]:
        return [(label, getattr(self, field)) for field, label in OTHER_ACCOUNTS]

    @property
    def accounts_closed(self) -> bool:
        return all(getattr(self, field) for field, _ in OTHER_ACCOUNTS)


class LeaverHandOver(models.Model):
    """One thing handed over from a checklist: once (a constraint), to someone named."""

    checklist = models.ForeignKey(
        LeaverChecklist, on_delete=models.PROTECT, related_name="hand_overs"
    )
    source = models.CharField(max_length=40)  # the registry entry's name
    item_pk = models.PositiveBigIntegerField()
    what = models.CharField(max_length=300)
    to = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "source", "item_pk"], name="one_hand_over_per_item"
            )
        ]

    def __str__(self):
        return f"{self.what} handed over to {self.to}"
