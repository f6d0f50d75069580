"""A leaver's open incident actions, for the leaver checklist: each handed over to
someone named. The technician works that checklist, so an item names the incident's
reference and the due date only, never what the action or the incident is about."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esafety.leaver_checklist import HAND_OVER, LeaverItem, register_leaver_item
from esafety.notifications import notify
from esafety.once import already_done
from esafety.services import attributed

from .models import ActionKind, TimelineEntry
from .rules import HIDDEN_SUBJECT, hidden_from_headteacher


def _open_actions(person, school):
    return TimelineEntry.objects.filter(
        kind=ActionKind.ACTION, owner=person, done_at__isnull=True, incident__school=school
    )


def _what(entry) -> str:
    # An action on a concern about the headteacher is named to nobody here: the head may
    # work this checklist. The e-safety officer hands it over.
    if entry.incident.subject == HIDDEN_SUBJECT:
        return "A confidential action: the e-safety officer hands it over"
    due = f", due {entry.due_on:%-d %B %Y}" if entry.due_on else ""
    return f"Action on incident {entry.incident.reference or 'draft'}{due}"


def open_actions(person, school) -> list[LeaverItem]:
    entries = _open_actions(person, school).select_related("incident__school")
    return [LeaverItem(what=_what(entry), kind=HAND_OVER, pk=entry.pk) for entry in entries]


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
    # The headteacher rule: neither handed over by, nor handed to, a headteacher the
    # incident is hidden from.
    if hidden_from_headteacher(by, entry.incident):
        raise ValidationError("The e-safety officer hands this action over.")
    if hidden_from_headteacher(to, entry.incident):
        raise ValidationError({"to": "Choose someone other than the headteacher for this one."})
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
    return _what(entry)


register_leaver_item(
    "incidents.actions",
    open_actions,
    label="Incident actions",
    hand_over=_hand_over,
    order=30,
)
