"""Figures counted again between requests, so people rarely wait for them.

A change asks the worker to count its figures again at once (figures_refresh.py); this
sweep job catches the rest every few minutes: values that expired after their timeout,
the new day's figures at midnight, and everything after the cache lost its copies. Only
what is not fresh is counted (the rest costs one cache round trip per figure). It sends
nothing and records nothing, runs after every reminder of the run (whose changes it then
counts) and never stops one. The chart drawings kept for after a flush are pruned here too.
"""

from django.utils import timezone

from .api import sweeps as _api_sweeps  # noqa: F401  (registered first: warming runs last)
from .charts import forget_unused_drawings
from .figures_refresh import refresh_stale
from .sweeps import sweep_job


@sweep_job("esafety.forget_unused_drawings", housekeeping=True)
def forget_drawings(sweep):
    """Chart drawings kept in the database that nobody has needed for a month."""
    forget_unused_drawings(timezone.localdate(sweep.now))


# Last: it counts what the jobs before it changed.
@sweep_job("esafety.warm_figures", housekeeping=True)
def warm_figures(sweep):
    refresh_stale(today=timezone.localdate(sweep.now))
