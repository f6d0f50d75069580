"""The home page's "what needs me now" panels. Apps register panel functions here."""

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

_PANEL_FUNCTIONS: list[Callable] = []
_FOLLOWS: dict[Callable, tuple[str, ...]] = {}  # kept panel -> the figures it follows
# Every kept panel also follows the schools' memberships: whose panels, and who is in them.
ALWAYS_FOLLOWED = ("esafety.people",)
# A bound on how long kept panels may lag anything their figures don't follow (a person's
# new name on a list); short, as a figure's own time-based recompute shows only after it.
KEPT_PANELS_SECONDS = 5 * 60


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50  # lower comes first
    count: int | None = None  # shown as a badge when set


def dashboard_panel(func: Callable | None = None, *, follows: Iterable[str] | None = None):
    """Register `func(request) -> Panel | None`; return None when it has nothing for this user.

    A live panel (no `follows`) runs on every visit. A kept panel names the figures whose
    rows it reads (`follows`, figure names): the home page keeps each of a person's kept
    panels until one of its figures (or esafety.people) goes stale in one of the person's
    schools, their roles change, the day ends or
    KEPT_PANELS_SECONDS pass. Keep a panel only when everything it reads is in those
    figures' `stale_on` (esafety/tests/test_kept_panels.py checks the SQL it runs) and it
    depends on the date, not the time of day; its context must pickle. A context's `now`
    is replaced by the time of each visit."""

    def register(panel_function):
        _PANEL_FUNCTIONS.append(panel_function)
        if follows is not None:
            _FOLLOWS[panel_function] = tuple(follows)
        return panel_function

    return register(func) if func is not None else register


def kept_panel_follows() -> dict[Callable, tuple[str, ...]]:
    """Each kept panel and the figures it follows (ALWAYS_FOLLOWED included)."""
    return {func: (*ALWAYS_FOLLOWED, *names) for func, names in _FOLLOWS.items()}


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


PERSON_CACHE_SECONDS = 15 * 60


def cached_for_person(
    request, name: str, compute: Callable, *, follows, school_ids, timeout=PERSON_CACHE_SECONDS
):
    """`compute()` for this person, kept in the cache until one of the figures it
    `follows` goes stale in one of `school_ids` (the schools whose rows it reads), the
    day ends, their roles change, or a quarter of an hour passes. Only for data computed
    from the same rows as those figures (then it is as fresh as they are) and depending
    on the date, not the time of day. The value must pickle."""

    from .figures import cached_while_fresh
    from .roles import access_for

    school_ids = sorted(set(school_ids))
    access = access_for(request.user)
    held = f"{access.signature()}:{school_ids}"
    return cached_while_fresh(
        f"panel:{name}:{request.user.pk}:{timezone.localdate().isoformat()}:{held}",
        compute,
        follows=follows,
        school_ids=school_ids,
        timeout=timeout,
    )


def first_with_count(queryset, size: int) -> tuple[list, int]:
    """The first `size` rows of a panel's list and how many there are in all, in one
    query (`COUNT(*) OVER ()` on each row): the same number of queries however many."""
    from django.db.models import Count, Window

    rows = list(queryset.annotate(panel_total=Window(Count("pk")))[:size])
    return rows, (rows[0].panel_total if rows else 0)


def unread_count(request, *, known: int | None = None) -> int:
    """The person's unread notifications, counted once per request: the home panel (which
    may already know it, `known`) and the navigation's badge share it."""
    if known is not None:
        request._unread_count = known
    if getattr(request, "_unread_count", None) is None:
        from .models import Notification

        request._unread_count = Notification.objects.visible_to(request.user).unread().count()
    return request._unread_count


def panels_for(request) -> list[Panel]:
    live = [func for func in _PANEL_FUNCTIONS if func not in _FOLLOWS]
    panels = _kept_panels(request) + [p for func in live if (p := func(request)) is not None]
    now = timezone.now()
    for panel in panels:
        if "now" in panel.context:
            panel.context["now"] = now
    return sorted(panels, key=lambda p: p.order)


def _kept_panels(request) -> list[Panel]:
    """The person's kept panels, each kept on its own: a change recomputes the panels that
    follow its figures and no others. Two cache round trips when nothing has changed."""
    import hashlib

    from django.core.cache import cache

    from .figures import generation_tokens, kept_seconds
    from .figures_store import PREFIX, note_served, noted_so_far, served_since
    from .roles import access_for, visible_school_ids

    follows = {func: names for func, names in kept_panel_follows().items() if func in _FOLLOWS}
    kept = [func for func in _PANEL_FUNCTIONS if func in follows]
    if not kept:
        return []
    school_ids = sorted(set(visible_school_ids(request.user)))
    tokens = generation_tokens({func: follows[func] for func in kept}, school_ids)
    whose = (
        f"{request.user.pk}:{timezone.localdate().isoformat()}:"
        f"{access_for(request.user).signature()}:{school_ids}"
    )
    keys = {
        func: f"{PREFIX}:kept-panel:"
        + hashlib.sha256(
            f"{func.__module__}.{func.__qualname__}|{whose}|{tokens[func]}".encode()
        ).hexdigest()
        for func in kept
    }
    found = cache.get_many(list(keys.values()))
    panels, counted = [], {}
    for func in kept:
        if keys[func] in found:
            panel, served = found[keys[func]]
            for as_at in served:
                note_served(as_at)
        else:
            mark = noted_so_far()
            panel = func(request)
            served = served_since(mark)
            seconds = kept_seconds(served, KEPT_PANELS_SECONDS)
            counted.setdefault(seconds, {})[keys[func]] = (panel, served)
        if panel is not None:
            panels.append(panel)
    for seconds, values in counted.items():
        cache.set_many(values, seconds)
    return panels
