"""Training reminders, registered with the core sweep; each one happens once.

To the person: 30 days before their training expires (or an induction item falls due),
and on the day. A week overdue: the e-safety officer. A month overdue on a leadership
duty (the DSL's training, trustees'): the headteacher, or the chair of trustees for a
trustee or for the headteacher themselves.
"""

import datetime
from collections import defaultdict
from functools import cached_property

from django.urls import reverse
from django.utils import timezone

from esafety.models import Role, School, SweepAction, TrusteeMembership, User
from esafety.notifications import notify
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from .models import DUE_SOON
from .status import school_standings

WEEK, MONTH = datetime.timedelta(days=7), datetime.timedelta(days=30)


def stage_of(due_on, today) -> str:
    """Which reminder a date is at: each stage has a window, so a row that went overdue
    long before the app was installed sends one message, not four."""
    if due_on - DUE_SOON <= today < due_on:
        return "30-days"
    if due_on <= today < due_on + WEEK:
        return "due"
    if due_on + WEEK <= today < due_on + MONTH:
        return "week"
    return "month" if today >= due_on + MONTH else ""


@sweep_job("training.reminders")
def remind(sweep):
    today = timezone.localdate(sweep.now)
    schools = list(School.objects.all())
    found = school_standings([s.pk for s in schools], today)
    candidates = []  # (key, stage, school, requirement, person)
    for school in schools:
        standings = found[school.pk]
        for requirement in standings.requirements:
            for person, cell in standings.for_requirement(requirement):
                if cell.due_on is None or cell.status == "done":
                    continue
                stage = stage_of(cell.due_on, today)
                if stage == "month" and not requirement.escalate:
                    continue
                if stage:
                    key = sweep_key("training", requirement.pk, person.user_id, cell.due_on, stage)
                    candidates.append((key, stage, school, requirement, person, cell))
    done = _done_keys([c[0] for c in candidates])
    leads: dict[tuple, list] = defaultdict(list)
    contacts: dict[int, Contacts] = {}
    for key, stage, school, requirement, person, cell in candidates:
        if key in done:
            continue
        if stage in ("30-days", "due"):
            sweep.once(key, lambda p=person, r=requirement, c=cell, s=stage: _tell(p, r, c, s))
        else:
            if school.pk not in contacts:
                contacts[school.pk] = Contacts(school)
            for recipient in contacts[school.pk].escalate_to(stage, person):
                leads[(recipient.pk, school.pk, requirement.pk, stage)].append(key)
    _tell_leads(sweep, leads, today)


def _done_keys(keys) -> set[str]:
    done = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        done |= set(SweepAction.objects.filter(key__in=chunk).values_list("key", flat=True))
    return done


def _tell(person, requirement, cell, stage):
    when = f"{cell.due_on:%-d %B %Y}"
    title = (
        f"Training due by {when}: {requirement.title}"
        if stage == "30-days"
        else f"Training due now: {requirement.title}"
    )
    notify(User.objects.get(pk=person.user_id), title=title, link=reverse("training-mine"))


class Contacts:
    """Who a school's escalations go to, looked up once per sweep."""

    def __init__(self, school):
        self.school = school

    @cached_property
    def officers(self):
        return holders(self.school, Role.ESAFETY_OFFICER) or self.heads

    @cached_property
    def heads(self):
        return holders(self.school, Role.HEADTEACHER)

    @cached_property
    def chairs(self):
        chairs = TrusteeMembership.objects.active().filter(
            trust_id=self.school.trust_id, is_chair=True
        )
        return [t.user for t in chairs.select_related("user")]

    def escalate_to(self, stage, person) -> list:
        """A week overdue: the e-safety officer (else the head). A month overdue on a
        leadership duty: the head, or the chair for a trustee or the head themselves."""
        if stage == "week":
            return self.officers
        is_head = any(h.pk == person.user_id for h in self.heads)
        return self.chairs if (person.is_trustee and not person.roles) or is_head else self.heads


def _tell_leads(sweep, leads, today):
    """One message a day per lead and requirement, with how many people; each person's
    escalation is marked done so it is never counted again."""
    for (recipient_id, school_id, requirement_id, stage), keys in leads.items():

        def action(keys=keys, recipient_id=recipient_id, school_id=school_id, stage=stage):
            SweepAction.objects.bulk_create(
                [SweepAction(key=k, job=sweep.job, done_at=sweep.now) for k in keys],
                ignore_conflicts=True,
            )
            late = "a week" if stage == "week" else "a month"
            school = School.objects.get(pk=school_id)
            notify(
                User.objects.get(pk=recipient_id),
                title=f"{len(keys)} {'person is' if len(keys) == 1 else 'people are'} "
                f"{late} overdue with training",
                link=reverse("training-matrix", args=[school.slug]) + "?status=overdue",
            )

        sweep.once(sweep_key("training-leads", recipient_id, requirement_id, stage, today), action)
