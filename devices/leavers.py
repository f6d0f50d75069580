"""Leaver checklists: made when a staff role ends, worked by IT support, done once.

Both ways a role ends send `esafety.signals.people_left` on commit (the MIS sync, and
`esafety.services.end_membership` by hand); the receiver here makes the checklist, once
per person and school, however often the signal comes.

Also here: ending a leaver's sessions. Roles are read from the database on every
request, so a leaver's open session already grants nothing from the end date; the
sweep below (every few minutes, on the beat) deletes the session itself, so an old
cookie is dead whichever web node it reaches, without a check on every request.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from esafety.leaver_checklist import items_for, outstanding, source
from esafety.models import STAFF_ROLES, Membership, TrusteeMembership, TrustLead, User
from esafety.once import already_done
from esafety.roles import has_left
from esafety.services import attributed
from esafety.signals import people_left
from esafety.workdays import next_working_day

from .models_leavers import OTHER_ACCOUNTS, LeaverChecklist, LeaverHandOver

logger = logging.getLogger(__name__)
ESCALATE_AFTER_WORKING_DAYS = 3  # not complete this long after the end date: the head


def escalation_date(school, ended_on: datetime.date) -> datetime.date:
    day = ended_on
    for _ in range(ESCALATE_AFTER_WORKING_DAYS):
        day, _skipped = next_working_day(school, day)
    return day


def is_staff_leaver(membership: Membership) -> bool:
    """A staff role that has an end date, and no other staff role at the school going on
    past it (a teacher who stays on as a volunteer has not left)."""
    if membership.role not in STAFF_ROLES or membership.ended_on is None:
        return False
    staying = (
        Membership.objects.filter(
            user=membership.user_id, school=membership.school_id, role__in=STAFF_ROLES
        )
        .exclude(pk=membership.pk)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=membership.ended_on))
    )
    return not staying.exists()


@transaction.atomic
def open_checklist(*, membership: Membership, destination: str = "") -> LeaverChecklist | None:
    """The leaver's checklist at the school: made once (a constraint and get_or_create);
    a later leaving after a return opens the completed one again."""
    if not is_staff_leaver(membership):
        return None
    ended_on, school = membership.ended_on, membership.school
    checklist, created = LeaverChecklist.objects.get_or_create(
        school=school,
        person=membership.user,
        defaults={
            "ended_on": ended_on,
            "destination": destination,
            "escalate_on": escalation_date(school, ended_on),
        },
    )
    if created:
        return checklist
    checklist = LeaverChecklist.objects.select_for_update().get(pk=checklist.pk)
    if ended_on != checklist.ended_on and (
        checklist.completed_at is None or ended_on > checklist.ended_on
    ):
        # A new end date (moved by hand, or they came back and left again).
        checklist.ended_on = ended_on
        checklist.escalate_on = escalation_date(school, ended_on)
        checklist.completed_at = checklist.completed_by = None
        checklist.destination = destination or checklist.destination
        attributed(checklist, None, "The end date changed").save()
    return checklist


@receiver(people_left, dispatch_uid="devices.leaver_checklists")
def checklists_for_leavers(sender, school, memberships, ended_on, **kwargs):
    ended = Membership.objects.filter(
        pk__in=list(memberships), role__in=STAFF_ROLES, ended_on__isnull=False
    ).select_related("school", "user")
    for membership in ended:
        open_checklist(membership=membership, destination=memberships.get(membership.pk, ""))


# --- working the checklist ---------------------------------------------------------------


def recipients(checklist: LeaverChecklist):
    """Who an item can be handed to: staff in post at the school, not the leaver."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.active().filter(
                school=checklist.school_id, role__in=STAFF_ROLES
            ),
        )
        .exclude(pk=checklist.person_id)
        .distinct()
        .order_by("full_name", "pk")
    )


def _locked(checklist: LeaverChecklist) -> LeaverChecklist:
    return (
        LeaverChecklist.objects.select_for_update()
        .select_related("school", "person")
        .get(pk=checklist.pk)
    )


@transaction.atomic
def hand_over(*, checklist: LeaverChecklist, source_name: str, item_pk: int, to, by):
    """Hand one item to someone named: once (the checklist's row lock, then a unique
    row per item); the app that owns the item does the change."""
    checklist = _locked(checklist)
    entry = source(source_name)
    if entry is None or entry.hand_over is None:
        raise ValidationError("That can't be handed over here.")
    if LeaverHandOver.objects.filter(
        checklist=checklist, source=source_name, item_pk=item_pk
    ).exists():
        raise already_done("That was already handed over.")
    if not recipients(checklist).filter(pk=to.pk).exists():
        raise ValidationError({"to": "Choose a member of staff in post at this school."})
    what = entry.hand_over(item_pk, person=checklist.person, school=checklist.school, to=to, by=by)
    record = LeaverHandOver(
        checklist=checklist, source=source_name, item_pk=item_pk, what=what[:300], to=to, by=by
    )
    attributed(record, by).save()
    return record


@transaction.atomic
def record_accounts(*, checklist: LeaverChecklist, by, notes: str = "", **closed_on):
    checklist = _locked(checklist)
    today = timezone.localdate()
    for field, _label in OTHER_ACCOUNTS:
        day = closed_on.get(field)
        if day is not None and day > today:
            raise ValidationError({field: "The date closed can't be in the future."})
        setattr(checklist, field, day)
    checklist.notes = notes.strip()
    attributed(checklist, by, "Accounts recorded").save()
    return checklist


@transaction.atomic
def complete(*, checklist: LeaverChecklist, by) -> LeaverChecklist:
    """Done once: everything returned or handed over, every other account closed."""
    checklist = _locked(checklist)
    if checklist.completed_at is not None:
        raise already_done("This checklist is already complete.")
    left = outstanding(items_for(checklist.person, checklist.school))
    problems = []
    if left:
        problems.append(f"{left} item(s) still to return or hand over.")
    if not checklist.accounts_closed:
        problems.append("Record the date each of the other accounts was closed.")
    if problems:
        raise ValidationError(" ".join(problems))
    checklist.completed_at, checklist.completed_by = timezone.now(), by
    attributed(checklist, by, "Checklist complete").save()
    return checklist


# --- ending a leaver's sessions --------------------------------------------------------------


def leaver_ids(user_ids, today: datetime.date) -> set[int]:
    """Of these people, the ones who have left (`esafety.roles.has_left`): only those
    with something ended are checked one by one (few, on any day)."""
    ended = set()
    for model in (Membership, TrusteeMembership, TrustLead):
        ended |= set(
            model.objects.filter(user_id__in=user_ids, ended_on__lte=today).values_list(
                "user_id", flat=True
            )
        )
    return {user.pk for user in User.objects.filter(pk__in=ended) if has_left(user)}


def end_leavers_sessions(now: datetime.datetime) -> int:
    """Delete every live session of someone who has left (through the session engine,
    so a cached copy goes too). Returns how many were ended."""
    sessions = Session.objects.filter(expire_date__gt=now)
    by_user: dict[int, list[str]] = {}
    for session in sessions.iterator():
        user_id = session.get_decoded().get(SESSION_KEY)
        if user_id is not None:
            by_user.setdefault(int(user_id), []).append(session.session_key)
    if not by_user:
        return 0
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    ended = 0
    for user_id in leaver_ids(list(by_user), timezone.localdate(now)):
        for key in by_user[user_id]:
            store(session_key=key).delete()
            ended += 1
    if ended:
        logger.info("Ended %s session(s) of people who have left", ended)
    return ended
