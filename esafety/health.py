"""What /health/ says about the deadline sweep. No personal data: times and a word.

Beat sends the first sweep one interval after it starts, so a fresh start has no finished
sweep for its first minutes, and a restart after a night off has only an old one. Until
the grace period after this process started has passed, that is "starting", not a failure.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import SweepRun

# When this process started serving (the module is loaded with the URLs).
STARTED_AT = timezone.now()

OK = "ok"
STARTING = "starting"  # no recent sweep yet, within the grace period after start
FAILED = "failed"  # the last sweep raised an error
LATE = "late"  # no sweep finished for longer than the grace period (beat or worker down)
NEVER = "never"  # no sweep has ever finished, and the grace period is over


def grace_period() -> timedelta:
    """Two intervals: beat's first sweep comes one interval after it starts, and a sweep
    may wait its turn in the queue."""
    return timedelta(seconds=2 * settings.SWEEP_INTERVAL_SECONDS)


def last_sweep_status(now=None) -> dict:
    now = now or timezone.now()
    last_run = SweepRun.objects.filter(finished_at__isnull=False).first()
    starting = now - STARTED_AT < grace_period()
    if last_run is None:
        state = STARTING if starting else NEVER
    elif last_run.error:
        state = FAILED
    elif now - last_run.finished_at > grace_period():
        state = STARTING if starting else LATE
    else:
        state = OK
    return {
        "finished_at": last_run.finished_at.isoformat() if last_run else None,
        "ok": state in {OK, STARTING},
        "state": state,
    }
