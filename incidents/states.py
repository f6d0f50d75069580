"""The incident's status flow: every move between statuses is here, with what it needs.
Closing needs it acknowledged, classified (category, risk area and kind), its actions done,
the parents' contact and the review recorded.

    draft -> reported -> acknowledged -> being dealt with -> being reviewed -> closed
                              |                                 ^             |
                              +---------------------------------+   reopen: back to
                                                                     "being dealt with"

Services call `move()`; nothing else writes `Incident.status`. A refused move raises a
ValidationError listing every reason, in words the officer can act on.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ActionKind, ParentsInformed, Status, TimelineEntry


def open_actions(incident):
    return TimelineEntry.objects.filter(
        incident=incident, kind=ActionKind.ACTION, done_at__isnull=True
    )


# Each check returns the reason the move is refused, or "" when it is fine.
def _acknowledged(incident, **_) -> str:
    return "" if incident.acknowledged_at else "It has not been acknowledged."


def _no_open_actions(incident, *, close_actions_reason="", **_) -> str:
    count = open_actions(incident).count()
    if not count or close_actions_reason.strip():
        return ""
    return (
        f"{count} action{'s are' if count > 1 else ' is'} still open: mark "
        f"{'them' if count > 1 else 'it'} done, or give a reason to close "
        f"{'them' if count > 1 else 'it'} with the incident."
    )


def _parents_recorded(incident, **_) -> str:
    if incident.parents_informed in (ParentsInformed.YES, ParentsInformed.NO):
        return ""
    return "Contact with parents or carers is not recorded (or the reason they were not told)."


def _reviewed(incident, **_) -> str:
    return "" if incident.review_result.strip() else "The result of the review is not recorded."


def _classified(incident, **_) -> str:
    """Category, risk area and kind: what the trustees' figures (the 4 Cs) are counted by."""
    missing = [
        name
        for name, is_set in (
            ("category", incident.category),
            ("risk area", incident.risk_area),
            ("kind of incident", incident.pk and incident.tags.exists()),
        )
        if not is_set
    ]
    if not missing:
        return ""
    named = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    return f"The {named} {'is' if len(missing) == 1 else 'are'} not set."


def _reason_given(incident, *, reason="", **_) -> str:
    return "" if reason.strip() else "Give a reason for reopening it."


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset
    target: str
    checks: tuple[Callable, ...] = ()


MOVES = {
    m.name: m
    for m in (
        Move("submit", "Submit", frozenset({Status.DRAFT}), Status.REPORTED),
        Move("acknowledge", "Acknowledge", frozenset({Status.REPORTED}), Status.ACKNOWLEDGED),
        Move("begin", "Start dealing with it", frozenset({Status.ACKNOWLEDGED}), Status.OPEN),
        Move(
            "review",
            "Record the review",
            frozenset({Status.ACKNOWLEDGED, Status.OPEN}),
            Status.REVIEW,
            (_acknowledged,),
        ),
        Move(
            "close",
            "Close the incident",
            frozenset({Status.REVIEW}),
            Status.CLOSED,
            (_acknowledged, _classified, _no_open_actions, _parents_recorded, _reviewed),
        ),
        Move("reopen", "Reopen", frozenset({Status.CLOSED}), Status.OPEN, (_reason_given,)),
    )
}


def refusals(incident, name: str, **context) -> list[str]:
    """Every reason `name` cannot happen now (empty: it can)."""
    move = MOVES[name]
    if incident.status not in move.sources:
        return [
            f"{move.label} is not possible while it is “{Status(incident.status).label.lower()}”."
        ]
    return [reason for check in move.checks if (reason := check(incident, **context))]


def still_needed(incident, name: str) -> list[str]:
    """What `name` still needs, whatever the status now (for the officer's checklist)."""
    return [reason for check in MOVES[name].checks if (reason := check(incident))]


# Where each missing thing is put right: (the incident step, its link's words). An open
# action is marked done (or closed with a reason) on the close form itself.
FIXES = {
    _acknowledged: ("acknowledge", "Acknowledge it"),
    _classified: ("classify", "Set the category, risk area and kind"),
    _parents_recorded: ("parents", "Record contact with parents or carers"),
    _reviewed: ("review", "Record the review"),
}


@dataclass(frozen=True)
class Need:
    reason: str
    step: str = ""  # the incident step that puts it right ("" for none)
    link_text: str = ""


def needs(incident, name: str, **context) -> list[Need]:
    """`still_needed`, each with the step that puts it right."""
    found = []
    for check in MOVES[name].checks:
        if reason := check(incident, **context):
            step, link_text = FIXES.get(check, ("", ""))
            found.append(Need(reason, step, link_text))
    return found


def can(incident, name: str, **context) -> bool:
    return not refusals(incident, name, **context)


def move(incident, name: str, *, by, **context) -> None:
    """Change the status (the caller saves it), or raise with every reason it can't."""
    if reasons := refusals(incident, name, **context):
        raise ValidationError(reasons)
    incident.status = MOVES[name].target
    if name == "close":
        incident.closed_at, incident.closed_by = timezone.now(), by
    elif name == "reopen":
        incident.closed_at, incident.closed_by = None, None


def begin_if_acknowledged(incident, *, by) -> bool:
    """The first thing done after acknowledging moves it to "being dealt with"."""
    if incident.status == Status.ACKNOWLEDGED:
        move(incident, "begin", by=by)
        return True
    return False
