"""Where the figures layer (figures.py) keeps each figure's latest value for each school.

- In the cache, one `Kept(generation, day, as_at, value)` per figure and school. It is
  fresh while its generation is the school's current one (a change bumps it), its day is
  today and it is younger than the figure's timeout. A stale one may still be served for
  FIGURES_STALE_SECONDS after a reader first found it stale (the "stale since" mark),
  while the worker counts again (figures_refresh.py).
- In the database (FigureSnapshot), what the background refresh counted last: served, as
  stale, when the cache has lost its copy (a flush, Redis restarted) until the refresh has
  counted again.
- What a request was given: `served_as_at()` is the oldest "as at" of the stale values a
  page showed, for its note ("figures as at 10:42; newer changes are being counted").
"""

import contextvars
import datetime
import pickle
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

PREFIX = "figures:v2"
KEPT_SECONDS = 2 * 24 * 60 * 60  # a kept value outlives its day: served stale after midnight
# Never serve a value counted longer ago than this, however it was kept: count it instead.
OLDEST_SERVED = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Kept:
    generation: str  # the school's generation when the counting began ("" from a snapshot)
    day: str  # the date it counted for, ISO
    as_at: float  # when it was counted (epoch seconds)
    value: object

    def is_fresh(self, generation: str, day: datetime.date, timeout: int) -> bool:
        return (
            self.generation == generation
            and self.day == day.isoformat()
            and time.time() - self.as_at < timeout
        )

    def may_be_served(self) -> bool:
        return time.time() - self.as_at < OLDEST_SERVED.total_seconds()


def stale_seconds() -> int:
    """How long a stale value may be served while the worker counts again; 0: never."""
    return settings.FIGURES_STALE_SECONDS


def kept_key(name: str, school_id: int, day: datetime.date | None = None) -> str:
    """Today's value has one slot per figure and school; another day's (a test's, a sweep
    that began before midnight) a slot of its own, so it never takes today's place."""
    if day is None or day == timezone.localdate():
        return f"{PREFIX}:kept:{name}:{school_id}"
    return f"{PREFIX}:kept:{name}:{school_id}:{day.isoformat()}"


def generation_keys(name: str, school_ids) -> tuple[str, dict[int, str]]:
    """The figure-wide generation key (bumped when every school changes) and each school's."""
    return f"{PREFIX}:gen:{name}", {s: f"{PREFIX}:gen:{name}:{s}" for s in school_ids}


def read(name: str, school_ids: list[int], day=None) -> tuple[dict[int, str], dict[int, Kept]]:
    """Each school's current generation and its kept value (if any): one cache round trip."""
    return read_many([name], school_ids, day)[name]


def read_many(
    names, school_ids: list[int], day=None
) -> dict[str, tuple[dict[int, str], dict[int, Kept]]]:
    """`read` for each of these figures, in one cache round trip for them all."""
    keys = {}
    for name in names:
        whole, per_school = generation_keys(name, school_ids)
        keys[name] = (whole, per_school, {s: kept_key(name, s, day) for s in school_ids})
    found = cache.get_many(
        [k for whole, gens, kept in keys.values() for k in (whole, *gens.values(), *kept.values())]
    )
    result = {}
    for name, (whole, per_school, kept_keys) in keys.items():
        generations = {s: f"{found.get(whole, 0)}.{found.get(k, 0)}" for s, k in per_school.items()}
        kept = {s: found[k] for s, k in kept_keys.items() if isinstance(found.get(k), Kept)}
        result[name] = generations, kept
    return result


def keep(
    name: str, values: dict, generations: dict[int, str], today: datetime.date, began: float
) -> None:
    """Keep freshly counted values (counted from the rows at `generations`, read before the
    counting `began`: a change committed meanwhile bumped them, so these are stale
    already; and "as at" is when the counting began, never later than the rows read)."""
    cache.set_many(
        {
            kept_key(name, s, today): Kept(generations[s], today.isoformat(), began, value)
            for s, value in values.items()
        },
        KEPT_SECONDS,
    )


# --- serving stale values, for a bounded time ----------------------------------------------


def _stale_since_key(name: str, school_id: int) -> str:
    return f"{PREFIX}:stale-since:{name}:{school_id}"


def servable(name: str, kept: dict[int, Kept]) -> tuple[set[int], bool]:
    """Of these schools' kept values (all stale), those that may still be served: stale
    for less than FIGURES_STALE_SECONDS since a reader first found that value so. A worker
    that has not counted again by then has fallen behind: the reader counts. Also whether
    this reader was the first to find one of them stale (two round trips). A mark belongs
    to the value it was set for (its "as at"): a newer value starts a new mark."""
    if not kept:
        return set(), False
    now = time.time()
    keys = {s: _stale_since_key(name, s) for s in kept}
    found = cache.get_many(list(keys.values()))
    since, first_found = {}, {}
    for school_id, key in keys.items():
        mark = found.get(key)
        if isinstance(mark, tuple) and mark[0] == kept[school_id].as_at:
            since[school_id] = mark[1]
        else:
            first_found[key] = (kept[school_id].as_at, now)
            since[school_id] = now
    if first_found:
        cache.set_many(first_found, KEPT_SECONDS)
    allowed = {s for s in kept if now - since[s] <= stale_seconds()}
    return allowed, bool(first_found)


# --- snapshots in the database ---------------------------------------------------------------


def snapshots(name: str, school_ids: list[int], *, every_name=()) -> dict[int, Kept]:
    """The database's last counted values for these schools (one query), as stale `Kept`s.
    In a request, the first miss reads the snapshots of `every_name` for these schools in
    that one query and keeps them for the request: after a flush, a page that shows ten
    figures reads the database once, not ten times."""
    request = _request.get()
    if request is None:
        return _unpickled(_snapshot_rows([name], school_ids)).get(name, {})
    wanted = [s for s in school_ids if (name, s) not in request.snapshots]
    if wanted:
        names = sorted({name, *every_name})
        rows = _snapshot_rows(names, wanted)
        for other in names:
            for school_id in wanted:
                request.snapshots.setdefault((other, school_id), rows.get((other, school_id)))
    found = {}
    for school_id in school_ids:
        row = request.snapshots.get((name, school_id))
        if row is not None and (kept := _unpickle(row)) is not None:
            found[school_id] = kept
    return found


def _snapshot_rows(names, school_ids) -> dict[tuple[str, int], tuple]:
    """(name, school id) -> (day, as_at, pickled value), for snapshots young enough."""
    from .models import FigureSnapshot

    young = timezone.now() - OLDEST_SERVED
    rows = FigureSnapshot.objects.filter(
        name__in=names, school_id__in=school_ids, as_at__gte=young
    ).values_list("name", "school_id", "day", "as_at", "value")
    return {(n, s): (day, as_at, bytes(value)) for n, s, day, as_at, value in rows}


def _unpickle(row) -> Kept | None:
    day, as_at, value = row
    try:
        value = pickle.loads(value)
    except Exception:  # written by an older release whose classes have changed: lost
        return None
    return Kept("", day.isoformat(), as_at.timestamp(), value)


def _unpickled(rows) -> dict[str, dict[int, Kept]]:
    found: dict[str, dict[int, Kept]] = {}
    for (name, school_id), row in rows.items():
        if (kept := _unpickle(row)) is not None:
            found.setdefault(name, {})[school_id] = kept
    return found


def save_snapshots(name: str, values: dict, today: datetime.date, began: float) -> None:
    """Keep what the refresh counted in the database too: one statement, whatever the size.
    Today's only: a snapshot stands in for today's value after a flush."""
    from .models import FigureSnapshot

    if today != timezone.localdate():
        return
    now = datetime.datetime.fromtimestamp(began, tz=datetime.UTC)
    FigureSnapshot.objects.bulk_create(
        [
            FigureSnapshot(name=name, school_id=s, day=today, as_at=now, value=pickle.dumps(v))
            for s, v in values.items()
        ],
        update_conflicts=True,
        unique_fields=["name", "school"],
        update_fields=["day", "as_at", "value"],
    )


# --- what a request was given ------------------------------------------------------------------


@dataclass
class _RequestFigures:
    served: list = field(default_factory=list)  # "as at" of each stale value given
    snapshots: dict = field(default_factory=dict)  # (name, school id) -> row or None
    refresh_asked: bool = False


_request: contextvars.ContextVar[_RequestFigures | None] = contextvars.ContextVar(
    "figures_request", default=None
)


def start_recording() -> None:
    """Called as each request starts: from here on, stale values served are noted (and
    the database's snapshots read, and the worker asked, once for the request)."""
    _request.set(_RequestFigures())


def first_ask_in_request() -> bool:
    """True the first time in a request (always outside one): the worker, once asked,
    counts every stale figure, so a page need not ask for each figure it shows."""
    request = _request.get()
    if request is None:
        return True
    first, request.refresh_asked = not request.refresh_asked, True
    return first


def note_served(as_at: float) -> None:
    request = _request.get()
    if request is not None:
        request.served.append(as_at)


def served_since(mark: int) -> list[float]:
    """The "as at" times noted after `mark` (a length of `noted_so_far()`)."""
    request = _request.get()
    return list(request.served[mark:]) if request is not None else []


def noted_so_far() -> int:
    request = _request.get()
    return len(request.served) if request is not None else 0


def served_as_at() -> datetime.datetime | None:
    """The oldest "as at" of the stale figures this request was given, if any."""
    request = _request.get()
    if request is None or not request.served:
        return None
    return datetime.datetime.fromtimestamp(min(request.served), tz=datetime.UTC)
