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


PERSON_CACHE_SECONDS = 15 * 60


def cached_for_person(request, name: str, compute: Callable, *, follows, school_ids):
    """`compute()` for this person, kept in the cache until one of the figures it
    `follows` goes stale in one of `school_ids` (the schools whose rows it reads), the
    day ends, their roles change, or a quarter of an hour passes. Only for data computed
    from the same rows as those figures (then it is as fresh as they are) and depending
    on the date, not the time of day. The value must pickle."""
    from django.utils import timezone

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
        timeout=PERSON_CACHE_SECONDS,
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
    panels = [panel for func in _PANEL_FUNCTIONS if (panel := func(request)) is not None]
    return sorted(panels, key=lambda p: p.order)
