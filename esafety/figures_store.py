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
from dataclasses import dataclass

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


def snapshots(name: str, school_ids: list[int]) -> dict[int, Kept]:
    """The database's last counted values for these schools (one query), as stale `Kept`s."""
    from .models import FigureSnapshot

    young = timezone.now() - OLDEST_SERVED
    rows = FigureSnapshot.objects.filter(name=name, school_id__in=school_ids, as_at__gte=young)
    found = {}
    for row in rows.only("school_id", "day", "as_at", "value"):
        try:
            value = pickle.loads(row.value)
        except Exception:  # written by an older release whose classes have changed: lost
            continue
        found[row.school_id] = Kept("", row.day.isoformat(), row.as_at.timestamp(), value)
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

_served: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "figures_served", default=None
)


def start_recording() -> None:
    """Called as each request starts: from here on, stale values served are noted."""
    _served.set([])


def note_served(as_at: float) -> None:
    noted = _served.get()
    if noted is not None:
        noted.append(as_at)


def served_since(mark: int) -> list[float]:
    """The "as at" times noted after `mark` (a length of `noted_so_far()`)."""
    noted = _served.get()
    return list(noted[mark:]) if noted is not None else []


def noted_so_far() -> int:
    noted = _served.get()
    return len(noted) if noted is not None else 0


def served_as_at() -> datetime.datetime | None:
    """The oldest "as at" of the stale figures this request was given, if any."""
    noted = _served.get()
    if not noted:
        return None
    return datetime.datetime.fromtimestamp(min(noted), tz=datetime.UTC)
