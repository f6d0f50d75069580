"""What the school holds about a person: a registry each app fills in from its
`AppConfig.ready`, searched as one for a subject access request (and, later, a file
transfer).

A finder is `finder(person, *, searcher, school) -> list[Held]`. It builds its list only
from the app's own scoped querysets (`Model.objects.visible_to(searcher)`), so the search
never shows the searcher a record they could not open in the app itself: an incident
about the headteacher stays hidden from the headteacher here too. One or two queries a
finder. The core names no app: it only knows the finders registered here.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..roles import allowed

SEARCH_RULE = "esafety.subject_access"


@dataclass(frozen=True)
class Held:
    """One record about the person. `ref` is the app's own name for it (kind:id), made
    unique across apps by the registry; `details` are the lines a disclosure PDF prints."""

    kind: str
    title: str
    date: datetime.date | None
    url: str
    ref: str
    details: tuple[tuple[str, str], ...] = ()
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Holding:
    name: str  # e.g. "incidents"
    label: str  # what the search page calls it, e.g. "Incidents"
    finder: Callable


_HOLDINGS: dict[str, Holding] = {}


def register_holding(name: str, finder: Callable, *, label: str = "") -> Holding:
    """Register what an app holds about a person. Returns the holding (handy in tests)."""
    holding = Holding(name, label or name.capitalize(), finder)
    _HOLDINGS[name] = holding
    return holding


def registered_holdings() -> list[Holding]:
    return sorted(_HOLDINGS.values(), key=lambda h: h.label)


@dataclass
class Found:
    """One holding's results."""

    holding: Holding
    records: list[Held]


def everything_about(person, *, searcher, school) -> list[Found]:
    """Every registered holding's records about `person` at `school` that `searcher` may
    see, one group per holding (empty groups too: they show what was searched). Nothing
    at all unless the searcher may use the school's subject access register."""
    if not allowed(searcher, SEARCH_RULE, school):
        return []
    found = []
    for holding in registered_holdings():
        records = holding.finder(person, searcher=searcher, school=school)
        records = [
            replace(r, ref=f"{holding.name}:{r.ref}", source=holding.name)
            for r in sorted(records, key=lambda r: (r.date or datetime.date.min, r.title))
        ]
        found.append(Found(holding, records))
    return found


def records_by_ref(found: list[Found]) -> dict[str, Held]:
    return {record.ref: record for group in found for record in group.records}
