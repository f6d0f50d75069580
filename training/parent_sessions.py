"""Online-safety sessions for parents: plan one, invite the parents of the year groups
(an in-app notification), record who came (a head count, or by name)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esafety.models import Membership, ParentLink, Role, User
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed

from .models import ParentSession
from .services import EARLIEST_DATE


@transaction.atomic
def save_session(*, session: ParentSession, by) -> ParentSession:
    if not session.year_groups:
        raise ValidationError({"year_groups": "Choose the year groups whose parents are invited."})
    if session.starts_at.date() < EARLIEST_DATE:
        raise ValidationError({"starts_at": "Check the year: that date is too long ago."})
    if session.pk is None:
        session.created_by = by
    attributed(session, by).save()
    return session


def parents_of_year_groups(school, year_groups, on=None):
    """Parents in the school whose child in the school is in one of the year groups."""
    pupils = Membership.objects.active(on).filter(
        school=school, role=Role.PUPIL, year_group__in=year_groups
    )
    parents = Membership.objects.active(on).filter(school=school, role=Role.PARENT)
    children = ParentLink.objects.filter(
        ended_on__isnull=True, child__memberships__in=pupils
    ).values("parent_id")
    return User.objects.filter(pk__in=children, memberships__in=parents, is_active=True).distinct()


@transaction.atomic
def invite_parents(*, session: ParentSession, by) -> int:
    """Tell the parents of the year groups, once: a second click invites nobody again."""
    session = ParentSession.objects.select_for_update().get(pk=session.pk)
    if session.invited_at is not None:
        raise already_done("The parents were already invited.")
    if session.starts_at < timezone.now():
        raise ValidationError("This session has already happened.")
    parents = list(parents_of_year_groups(session.school, session.year_groups))
    session.invited_at = timezone.now()
    attributed(session, by, f"Invited {len(parents)} parents").save()
    session.invited.set(parents)
    when = timezone.localtime(session.starts_at).strftime("%-d %B at %-H:%M")
    for parent in parents:
        notify(
            parent,
            title=f"You are invited: {session.topic}, {when}",
            link="/training/parent-sessions/",
        )
    return len(parents)


@transaction.atomic
def record_attendance(*, session: ParentSession, by, count=None, attendees=()) -> ParentSession:
    """How many came: a head count, or the parents by name (the count is then theirs)."""
    session = ParentSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at > timezone.now():
        raise ValidationError("Record who came once the session has happened.")
    attendees = list(attendees)
    if count is None and not attendees:
        raise ValidationError({"attendance_count": "Give a head count or tick who came."})
    if attendees and count is not None and count < len(attendees):
        raise ValidationError(
            {"attendance_count": "The head count is smaller than the parents ticked."}
        )
    session.attendance_count = count if count is not None else len(attendees)
    attributed(session, by, "Attendance recorded").save()
    session.attendees.set(attendees)
    return session
