"""A leaver's open incident actions, for the leaver checklist: each handed over to
someone named. The technician works that checklist, so an item names the incident's
reference and the due date only, never what the action or the incident is about."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esafety.leaver_checklist import HAND_OVER, LeaverItem, register_leaver_item
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed

from .models import ActionKind, TimelineEntry


def _open_actions(person, school):
    return TimelineEntry.objects.filter(
        kind=ActionKind.ACTION, owner=person, done_at__isnull=True, incident__school=school
    )


def open_actions(person, school) -> list[LeaverItem]:
    entries = _open_actions(person, school).select_related("incident__school")
    return [
        LeaverItem(
            what=f"Action on incident {entry.incident.reference or 'draft'}"
            + (f", due {entry.due_on:%-d %B %Y}" if entry.due_on else ""),
            kind=HAND_OVER,
            pk=entry.pk,
        )
        for entry in entries
    ]


@transaction.atomic
def hand_over_action(*, entry_pk: int, person, school, to, by) -> TimelineEntry:
    """Give a leaver's open action to someone else: the new owner sees it (and is told),
    the incident's chronology says so. Once: a second click finds it handed over."""
    entry = (
        _open_actions(person, school)
        .select_for_update(of=("self",))
        .select_related("incident__school")
        .filter(pk=entry_pk)
        .first()
    )
    if entry is None:
        raise already_done("That action was already handed over or done.")
    entry.owner = to
    attributed(entry, by, "Handed over: the owner left").save()
    note = TimelineEntry(
        incident=entry.incident,
        kind=ActionKind.NOTE,
        text=f"An action of {person}, who has left, was handed over to {to}.",
        created_by=by,
        created_at=timezone.now(),
    )
    attributed(note, by).save()
    notify(
        to,
        title=f"You have an action on incident {entry.incident.named}",
        link=reverse("action-detail", args=[entry.pk]),
    )
    return entry


def _hand_over(pk, *, person, school, to, by) -> str:
    entry = hand_over_action(entry_pk=pk, person=person, school=school, to=to, by=by)
    return f"Action on incident {entry.incident.reference}"


register_leaver_item(
    "incidents.actions",
    open_actions,
    label="Incident actions",
    hand_over=_hand_over,
    order=30,
)
