"""Figures: counts and rates per school, computed by the apps, cached by the core.

An app registers each figure it offers from its `figures.py` (imported in its
`AppConfig.ready`, like panels, menu, rules and sweeps):

    @figure("incidents.last_12_months", stale_on={Incident: "school_id"})
    def last_12_months(school_ids, today):
        return {school_id: {...counts...} for school_id in school_ids}

- `compute(school_ids, today)` returns one value per school id, for every id asked (a
  school with nothing to count gets its zeros, not a missing key). Values are counts
  and rates, never names: they are shared by everyone allowed to see the school's
  figures, and they must pickle (ints, dicts, lists, small dataclasses).
- `stale_on` maps each model whose saves and deletes change the figure to how to find
  the school of a changed instance: a field path ("school_id", "version__document__
  school_id"), a function `instance -> school id | iterable of ids`, or ALL_SCHOOLS.
- Services that write in bulk (`update()`, `bulk_create()`: no signals) call
  `invalidate(model=..., schools=[...])` after their writes.

Readers call `figures_for(name, school_ids)` and get `{school_id: value}`. The core keeps
each school's latest value in Django's cache (Redis in production, local memory in the
embedded default; figures_store.py) with the generation number it was counted at; a
change bumps the school's generation (now, and again when the transaction commits, so a
reader that counted from the old rows meanwhile cannot keep a fresh-looking value).
Values also go stale after `timeout` seconds and at midnight, so period figures ("the last
12 months") roll over by themselves.

What happens to a stale value depends on FIGURES_STALE_SECONDS. Where the worker shares
the cache (production), the change asks the worker to count the school again
(figures_refresh.py, coalesced), and readers are given the last value meanwhile, with its
"as at" time on the page, for at most that many seconds; after a cache flush, the last
values the worker kept in the database. Otherwise (0: the embedded default and the
tests) the next reader counts it.
"""

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import figures_store as store

ALL_SCHOOLS = "__all__"
DEFAULT_TIMEOUT = 60 * 60  # seconds: a bound on staleness if an invalidation is ever missed

_FIGURES: dict[str, "Figure"] = {}
_STALE_ON: dict[type, list[tuple[str, object]]] = {}  # model -> [(figure name, school_of)]


@dataclass(frozen=True)
class Figure:
    name: str  # "<app>.<what>", e.g. "agreements.coverage"
    compute: Callable[[list[int], datetime.date], dict]
    stale_on: dict = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT


def figure(name: str, *, stale_on: dict, timeout: int = DEFAULT_TIMEOUT):
    """Register `compute(school_ids, today) -> {school_id: value}` under `name`."""

    def register(compute):
        register_figure(Figure(name, compute, dict(stale_on), timeout))
        return compute

    return register


def register_figure(entry: Figure) -> Figure:
    if entry.name in _FIGURES:
        raise ValueError(f"Figure {entry.name!r} is registered twice")
    _FIGURES[entry.name] = entry
    for model, school_of in entry.stale_on.items():
        model = apps.get_model(model) if isinstance(model, str) else model
        if model not in _STALE_ON:
            _STALE_ON[model] = []
            post_save.connect(_changed, sender=model, dispatch_uid=f"figures-save-{model}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"figures-delete-{model}")
        _STALE_ON[model].append((entry.name, school_of))
    return entry


def registered_figures() -> dict[str, Figure]:
    return dict(_FIGURES)


# --- reading --------------------------------------------------------------------------


def figures_for(name: str, school_ids: Iterable[int], *, today=None, exact=False) -> dict:
    """`{school_id: value}` for each school: its kept value while fresh (one cache round
    trip for all of them), else counted again. With FIGURES_STALE_SECONDS set (a cache
    the worker shares), a stale value is served for that long while the worker counts
    again in the background, and a reader that must count counts one school at a time.
    `exact`: never the last value, for counts shown beside the records they count (a
    register's list and its heat map) and what is signed (a PDF)."""
    entry = _FIGURES[name]
    school_ids = sorted(set(school_ids))
    if not school_ids:
        return {}
    today = today or timezone.localdate()
    generations, kept = store.read(name, school_ids, today)
    values = {}
    for school_id, value in kept.items():
        if value.is_fresh(generations[school_id], today, entry.timeout):
            values[school_id] = value.value
    missing = [s for s in school_ids if s not in values]
    if not missing:
        return values
    if store.stale_seconds() and today == timezone.localdate() and not exact:
        missing = _serve_stale(name, missing, kept, values)
        for school_id in missing:
            _count_and_keep(entry, [school_id], generations, today, values)
    else:
        _count_and_keep(entry, missing, generations, today, values)
    return values


def _serve_stale(name, missing, kept, values) -> list[int]:
    """Serve the last values of the schools that have one young enough (from the cache,
    else the database's snapshot) and ask the worker to count them again; the rest (none
    kept, or stale too long) are returned for the reader to count."""
    lost = [s for s in missing if s not in kept]
    if lost:
        kept = {**kept, **store.snapshots(name, lost, every_name=_FIGURES)}
    candidates = {s: kept[s] for s in missing if s in kept and kept[s].may_be_served()}
    allowed, first_to_find = store.servable(name, candidates)
    for school_id in allowed:
        values[school_id] = kept[school_id].value
        store.note_served(kept[school_id].as_at)
    # A change asked already; a flush or a new day asks here (once a request).
    if (first_to_find or lost) and store.first_ask_in_request():
        from .figures_refresh import schedule_refresh

        schedule_refresh()
    return [s for s in missing if s not in allowed]


def _count_and_keep(entry, school_ids, generations, today, values) -> None:
    began = time.time()
    counted = entry.compute(school_ids, today)
    counted = {s: counted[s] for s in school_ids}
    store.keep(entry.name, counted, generations, today, began)
    values.update(counted)


def figure_for(name: str, school_id: int, *, today=None, exact=False):
    """One school's value."""
    return figures_for(name, [school_id], today=today, exact=exact)[school_id]


def generation_token(names: Iterable[str], school_ids: Iterable[int]) -> str:
    """A token that changes whenever one of these figures goes stale for one of these
    schools: what a cache of something computed from the same rows keys on (e.g. one
    person's home panel), so it is exactly as fresh as the figures. One cache round trip."""
    return generation_tokens({"": names}, school_ids)[""]


def generation_tokens(groups: dict, school_ids: Iterable[int]) -> dict:
    """`generation_token` for each group of figure names (`{group: names}`), in one cache
    round trip for them all."""
    school_ids = sorted(set(school_ids))
    keys_of = {}
    for name in _known(n for names in groups.values() for n in names):
        whole, per_school = store.generation_keys(name, school_ids)
        keys_of[name] = [whole, *per_school.values()]
    found = cache.get_many([key for keys in keys_of.values() for key in keys])
    return {
        group: ".".join(str(found.get(key, 0)) for n in _known(names) for key in keys_of[n])
        for group, names in groups.items()
    }


def kept_token(names: Iterable[str], school_ids: Iterable[int], *, today=None) -> str:
    """A token that changes whenever a new value of one of these figures is kept for one of
    these schools: what a value built from the figures alone keys on, so that it shows
    what they show (stale while they are, and new once the worker has counted again).
    The stale ones among them are noted for the page's "as at" note."""
    if not store.stale_seconds():
        return generation_token(names, school_ids)
    school_ids = sorted(set(school_ids))
    today = today or timezone.localdate()
    parts = []
    for name, (generations, kept) in store.read_many(_known(names), school_ids, today).items():
        timeout = _FIGURES[name].timeout
        for school_id in school_ids:
            value = kept.get(school_id)
            parts.append(f"{value.as_at:.6f}" if value else "-")
            if value and not value.is_fresh(generations[school_id], today, timeout):
                store.note_served(value.as_at)
    return ".".join(parts)


def _known(names) -> list[str]:
    names = sorted(set(names))
    for name in names:
        if name not in _FIGURES:
            raise KeyError(f"No figure {name!r}")
    return names


def cached_while_fresh(
    what: str, compute: Callable, *, follows, school_ids, timeout=None, from_figures_only=False
):
    """`compute()` once, then from the cache until one of the figures it `follows` goes
    stale in one of `school_ids` (or `timeout` seconds pass): for a value computed from
    the same rows as those figures, so it is exactly as fresh as they are. A value built
    from the figures alone (`from_figures_only`) is kept until new figures are kept
    instead, so it is served stale exactly when they are. `what` names the value fully
    (whose it is, filters, the date if it depends on it); it must pickle."""
    import hashlib

    def key():
        token = (kept_token if from_figures_only else generation_token)(follows, school_ids)
        return f"{store.PREFIX}:fresh:" + hashlib.sha256(f"{what}|{token}".encode()).hexdigest()

    found = cache.get(before := key())
    if found is not None:
        value, served = found
        for as_at in served:  # the stale figures it was built from, for the page's note
            store.note_served(as_at)
        return value
    mark = store.noted_so_far()
    value = compute()
    served = store.served_since(mark)
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if not from_figures_only:
        timeout = kept_seconds(served, timeout)
    # Under the key read before building: values kept meanwhile make a new key, not this.
    cache.set(before, (value, served), timeout)
    return value


# How long something built from stale figures (and kept on generations) is kept.
BUILT_FROM_STALE_SECONDS = 10


def kept_seconds(served: list, timeout: int) -> int:
    """How long to keep something keyed on generations and built with these stale figures
    `served`: briefly if any, since the worker's new values do not change the generations
    (the next build after them shows them); else `timeout`."""
    return min(timeout, BUILT_FROM_STALE_SECONDS) if served else timeout


# --- invalidating ---------------------------------------------------------------------


def invalidate(*, model=None, figure: str | None = None, schools=ALL_SCHOOLS) -> None:
    """Mark figures stale: those that depend on `model`, or the one named `figure` (or
    every figure when neither is given), for `schools` (ids or School objects; default
    all). Call it after bulk writes that send no signals; saves and deletes call it.
    Once the change commits, the worker is asked to count them again (figures_refresh)."""
    if figure is not None:
        names = [figure]
    elif model is not None:
        model = apps.get_model(model) if isinstance(model, str) else model
        names = sorted({name for name, _ in _STALE_ON.get(model, [])})
    else:
        names = list(_FIGURES)
    school_ids = ALL_SCHOOLS if schools == ALL_SCHOOLS else {getattr(s, "pk", s) for s in schools}
    if not names or not school_ids:
        return
    _bump(names, school_ids)
    # Again after commit: a reader that recomputed from the old rows before the commit
    # stored its value under the generation bumped above; this makes it stale.
    transaction.on_commit(lambda: _bump(names, school_ids, then_refresh=True))


def _bump(names, school_ids, *, then_refresh=False) -> None:
    for name in names:
        ids = [] if school_ids == ALL_SCHOOLS else school_ids
        whole, per_school = store.generation_keys(name, ids)
        for key in [whole] if school_ids == ALL_SCHOOLS else per_school.values():
            _increment(key)
    if then_refresh:
        from .figures_refresh import schedule_refresh

        schedule_refresh()


def _increment(key: str) -> None:
    # add() then incr(): atomic in Redis and local memory; a generation never goes back.
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between the two calls
        cache.set(key, 1, timeout=None)


def _changed(sender, instance, **kwargs) -> None:
    by_figure: dict[str, object] = {}
    for name, school_of in _STALE_ON.get(sender, []):
        schools = _schools_of(instance, school_of)
        if schools == ALL_SCHOOLS or by_figure.get(name) == ALL_SCHOOLS:
            by_figure[name] = ALL_SCHOOLS
        else:
            by_figure[name] = set(by_figure.get(name, set())) | schools
    for name, schools in by_figure.items():
        invalidate(figure=name, schools=schools)


def _schools_of(instance, school_of):
    if school_of == ALL_SCHOOLS:
        return ALL_SCHOOLS
    if callable(school_of):
        found = school_of(instance)
    else:
        found = instance
        for part in school_of.split("__"):
            found = getattr(found, part, None) if found is not None else None
    if found is None:
        return set()
    if found == ALL_SCHOOLS:
        return ALL_SCHOOLS
    if isinstance(found, int):
        return {found}
    return {getattr(s, "pk", s) for s in found}


# --- calendar months, for figures kept per month (appended for the governance dashboard) ---

MONTHS_KEPT = 37  # this month and the 36 before it: this year, last year and the one before


def month_key(day) -> str:
    """ "2026-11" for any date or datetime in November 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def months_back(today, count: int = MONTHS_KEPT) -> list[str]:
    """The month keys from `count - 1` months before `today` to its month, oldest first.
    Figures kept per month answer for these; readers sum the months of a period."""
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def first_of(key: str) -> datetime.date:
    return datetime.date(int(key[:4]), int(key[5:7]), 1)
