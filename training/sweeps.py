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
from esafety.notifications import notify_many
from esafety.services import holders
from esafety.sweeps import sweep_job, sweep_key

from .counting import late_cells
from .models import DUE_SOON

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
    """The due and overdue cells come from the database (training/counting.py), never
    the whole matrix; the keys already done are read in bulk; each person gets one
    message per run however many reminders they have."""
    today = timezone.localdate(sweep.now)
    schools = {s.pk: s for s in School.objects.all()}
    candidates = []  # (key, stage, late cell)
    for late in late_cells(list(schools), today):
        cell = late.standing  # due or overdue, with its date (late_cells selects them)
        if cell.due_on is None or cell.status == "done":
            continue  # the SQL and the matrix disagreeing skips one cell, not the sweep
        stage = stage_of(cell.due_on, today)
        if stage == "month" and not late.requirement.escalate:
            continue
        if stage:
            key = sweep_key("training", late.requirement.pk, late.user_id, cell.due_on, stage)
            candidates.append((key, stage, late))
    done = _done_keys([c[0] for c in candidates])
    mine: dict[int, list] = defaultdict(list)
    leads: dict[tuple, list] = defaultdict(list)
    contacts: dict[int, Contacts] = {}
    for key, stage, late in sorted(candidates, key=lambda c: (c[2].requirement.title, c[0])):
        if key in done:
            continue
        if stage in ("30-days", "due"):
            mine[late.user_id].append((key, stage, late))
            continue
        if late.school_id not in contacts:
            contacts[late.school_id] = Contacts(schools[late.school_id])
        for recipient in contacts[late.school_id].escalate_to(stage, late):
            leads[(recipient.pk, late.school_id, late.requirement.pk, stage)].append(key)
    _tell_people(sweep, mine, today)
    _tell_leads(sweep, leads, today, schools)


def _done_keys(keys) -> set[str]:
    done = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        done |= set(SweepAction.objects.filter(key__in=chunk).values_list("key", flat=True))
    return done


def _tell_people(sweep, mine, today):
    """One message per person and run: what falls due soon or now. The reminders' keys are
    claimed together (`once_each`) and their messages made in bulk (`notify_many`), in
    one transaction: each reminder is sent once and a crash loses none."""
    users = User.objects.in_bulk(list(mine))
    link = reverse("training-mine")
    whose = {key: user_id for user_id, reminders in mine.items() for key, _, _ in reminders}

    def action(claimed):
        notify_many(
            {
                "recipient": users[user_id],
                "title": _title([r for r in reminders if r[0] in claimed]),
                "link": link,
            }
            for user_id, reminders in mine.items()
            if any(key in claimed for key, _, _ in reminders)
        )

    sweep.once_each(list(whose), action)


def _title(reminders) -> str:
    if len(reminders) > 1:
        return f"{len(reminders)} trainings due: see My training"
    _, stage, late = reminders[0]
    if stage == "30-days":
        return f"Training due by {late.standing.due_on:%-d %B %Y}: {late.requirement.title}"
    return f"Training due now: {late.requirement.title}"


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

    def escalate_to(self, stage, late) -> list:
        """A week overdue: the e-safety officer (else the head). A month overdue on a
        leadership duty: the head, or the chair for a trustee or the head themselves."""
        if stage == "week":
            return self.officers
        is_head = any(h.pk == late.user_id for h in self.heads)
        return self.chairs if late.trustee_only or is_head else self.heads


def _tell_leads(sweep, leads, today, schools):
    """One message a day per lead and requirement, with how many people; each person's
    escalation is marked done so it is never counted again."""
    users = User.objects.in_bulk({recipient_id for recipient_id, *_ in leads})
    messages = {
        sweep_key("training-leads", recipient_id, requirement_id, stage, today): (
            recipient_id,
            school_id,
            stage,
            keys,
        )
        for (recipient_id, school_id, requirement_id, stage), keys in leads.items()
    }

    def action(claimed):
        SweepAction.objects.bulk_create(
            [
                SweepAction(key=k, job=sweep.job, done_at=sweep.now)
                for message in claimed
                for k in messages[message][3]
            ],
            ignore_conflicts=True,
        )
        found = []
        for message in claimed:
            recipient_id, school_id, stage, keys = messages[message]
            late = "a week" if stage == "week" else "a month"
            found.append(
                {
                    "recipient": users[recipient_id],
                    "title": f"{len(keys)} {'person is' if len(keys) == 1 else 'people are'} "
                    f"{late} overdue with training",
                    "link": reverse("training-matrix", args=[schools[school_id].slug])
                    + "?status=overdue",
                }
            )
        notify_many(found)

    sweep.once_each(list(messages), action)
