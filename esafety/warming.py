"""Figures recomputed between requests, so people rarely wait for them.

A figure goes stale when its rows change, and every value expires after its timeout and
at midnight. This sweep job recomputes, every few minutes, whatever is stale or expired
for every school (the rest is read from the cache and costs one round trip), so the
first trustee or headteacher to open a page after a change or at the top of the hour
does not pay for counting a whole trust. It sends nothing and records nothing, runs
after every reminder of the run (whose changes it then counts) and never stops one.
"""

from django.utils import timezone

from .figures import figures_for, registered_figures
from .models import School
from .sweeps import sweep_job


@sweep_job("esafety.warm_figures", housekeeping=True)
def warm_figures(sweep):
    school_ids = list(School.objects.values_list("pk", flat=True))
    today = timezone.localdate(sweep.now)
    for name in sorted(registered_figures()):
        figures_for(name, school_ids, today=today)
