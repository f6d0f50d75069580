"""Figures counted again in the background, so that readers rarely wait for them.

A change commits and asks for a refresh (`schedule_refresh`): the first ask in
FIGURES_COALESCE_SECONDS sends one task to the worker, due that long after, and the rest
of the burst ride on it (a campaign's 500 signatures are counted once). The task counts
every figure that is stale for a school (changed, expired, another day, or lost from the
cache), in one call per figure for just those schools, and keeps the values in the cache
and in the database (the snapshots served after a cache flush). The sweep runs the same
refresh every few minutes (warming.py: values that expire, the new day) and
`manage.py warm_figures` runs it after a deploy.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import figures_store as store
from .figures import registered_figures

logger = logging.getLogger(__name__)
REFRESH_DUE = f"{store.PREFIX}:refresh-due"


def schedule_refresh() -> None:
    """Ask the worker to count stale figures again, once for a burst of changes."""
    if not store.stale_seconds():
        return  # readers count for themselves (the embedded default, the tests)
    delay = settings.FIGURES_COALESCE_SECONDS
    if not cache.add(REFRESH_DUE, time.time(), timeout=int(delay) + 60):
        return  # one is due already: it will count this change too
    from .tasks import refresh_figures

    try:
        refresh_figures.apply_async(countdown=delay)
    except Exception:  # the broker is down: readers count once the bound has passed
        cache.delete(REFRESH_DUE)
        logger.exception("Could not ask the worker to count the figures again")


def refresh_stale(*, today=None, names=None) -> dict[str, int]:
    """Count again, for every school, each figure that is not fresh; keep the values in the
    cache and the database. Returns how many schools were counted for each figure."""
    from .models import School

    today = today or timezone.localdate()
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    counted = {}
    for name, entry in sorted(registered_figures().items()):
        if names is not None and name not in names:
            continue
        generations, kept = store.read(name, school_ids, today)
        stale = [
            s
            for s in school_ids
            if s not in kept or not kept[s].is_fresh(generations[s], today, entry.timeout)
        ]
        if not stale:
            continue
        began = time.time()
        values = entry.compute(stale, today)
        values = {s: values[s] for s in stale}
        store.keep(name, values, generations, today, began)
        if store.stale_seconds():  # snapshots are served only where stale values are
            store.save_snapshots(name, values, today, began)
        counted[name] = len(stale)
    return counted
