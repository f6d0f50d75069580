"""The home page's "what needs me now" panels. Apps register panel functions here."""

from collections.abc import Callable
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


def panels_for(request) -> list[Panel]:
    panels = [panel for func in _PANEL_FUNCTIONS if (panel := func(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
