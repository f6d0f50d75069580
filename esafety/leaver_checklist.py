"""What a member of staff who leaves has to hand back or hand over: a registry apps fill.

Each app registers, from its own `leaver_items.py` module (found the first time the
registry is used, so the core names no app), a finder `finder(person, school)` that
returns `LeaverItem`s: a device to return, an action or a risk to hand over to someone
named, records kept under the school's schedule. An item that can be handed over names
the registry entry's `hand_over(pk, person=, school=, to=, by=)`, which does it once
and returns what was done, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

RETURN = "return"
HAND_OVER = "hand over"
KEPT = "kept"
KINDS = (RETURN, HAND_OVER, KEPT)


@dataclass(frozen=True)
class LeaverItem:
    what: str  # no safeguarding detail: the technician reads it
    kind: str  # RETURN, HAND_OVER or KEPT
    link: str = ""
    done: bool = False
    pk: int | None = None  # what `hand_over` is given (HAND_OVER items)
    note: str = ""


@dataclass(frozen=True)
class LeaverSource:
    name: str
    label: str
    finder: Callable
    hand_over: Callable | None = None
    order: int = 50


_SOURCES: dict[str, LeaverSource] = {}
_discovered = False


def register_leaver_item(
    name: str,
    finder: Callable,
    *,
    label: str,
    hand_over: Callable | None = None,
    order: int = 50,
) -> None:
    """Register (or, on a second import, replace) one kind of thing a leaver leaves."""
    _SOURCES[name] = LeaverSource(name, label, finder, hand_over, order)


def leaver_sources() -> list[LeaverSource]:
    global _discovered
    if not _discovered:
        autodiscover_modules("leaver_items")
        _discovered = True
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.name))


def source(name: str) -> LeaverSource | None:
    return next((s for s in leaver_sources() if s.name == name), None)


def items_for(person, school) -> list[tuple[LeaverSource, list[LeaverItem]]]:
    """Each source with what it finds for this person at this school (sources with
    nothing to say are left out)."""
    found = []
    for entry in leaver_sources():
        items = list(entry.finder(person, school))
        if items:
            found.append((entry, items))
    return found


def outstanding(found) -> int:
    """How many items still need something done (kept records need nothing)."""
    return sum(1 for _, items in found for item in items if item.kind != KEPT and not item.done)
