"""The home page's "what needs me now" panels. Apps register panel functions here."""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_PANEL_FUNCTIONS: list[Callable] = []


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50  # lower comes first
    count: int | None = None  # shown as a badge when set


def dashboard_panel(func: Callable):
    """Register `func(request) -> Panel | None`; return None when it has nothing for this user."""
    _PANEL_FUNCTIONS.append(func)
    return func


def schools_by_name(request, ids: Iterable[int]) -> list:
    """The schools with these ids, by name, fetched once per request however many panels
    (and the navigation) ask: each gets its own copies to annotate."""
    from .models import School

    known = request.__dict__.setdefault("_schools_by_id", {})
    missing = set(ids) - set(known)
    if missing:
        known.update((school.pk, school) for school in School.objects.filter(pk__in=missing))
    found = [known[pk] for pk in set(ids) if pk in known]
    return [copy.copy(school) for school in sorted(found, key=lambda s: (s.name, s.pk))]


def panels_for(request) -> list[Panel]:
    panels = [panel for func in _PANEL_FUNCTIONS if (panel := func(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
