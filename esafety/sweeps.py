"""The deadline sweep: apps register jobs; each reminder or escalation happens once.

A job looks for due rows and calls `sweep.once(key, action)` for each thing to do.
`once` records a SweepAction with a unique key in the same transaction as the action:
a sweep that runs twice finds the key and skips it; a sweep that crashes half-way
rolls back the unfinished actions, and the next run does them.

Actions are committed in batches of BATCH: a commit waits for the disk (about 3 ms
here), so committing each of 2,400 reminders on its own took 8 s of a 10 s sweep. A
crash rolls back at most the batch it is in; the emails of a batch are queued when the
batch commits, never for a batch rolled back. Inside a caller's transaction (the tests)
the caller's commit decides, as before.

`once_each(keys, action)` is `once` for many keys in one statement: the keys not done
yet are claimed together (INSERT ... ON CONFLICT DO NOTHING RETURNING) and `action`
gets them, to do their reminders in bulk (`notify_many`). Same guarantees: each key once,
claimed in the transaction of its action.
"""

import logging
import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import SweepAction, SweepRun

logger = logging.getLogger(__name__)

_JOBS: dict[str, Callable[["Sweep"], None]] = {}
BATCH = 200  # actions per commit


_HOUSEKEEPING: set[str] = set()  # jobs run after the rest, whose errors stop nothing


def sweep_job(name: str, *, housekeeping: bool = False):
    """Register a function `job(sweep)` to run on every sweep. A `housekeeping` job (one
    that sends nothing, such as warming the figures) runs after every reminder of the run,
    and an error in it is logged and recorded without stopping the run."""

    def register(func):
        _JOBS[name] = func
        if housekeeping:
            _HOUSEKEEPING.add(name)
        return func

    return register


def registered_jobs() -> dict[str, Callable]:
    """Every job in the order a sweep runs them: reminders first, housekeeping last."""
    ordered = sorted(_JOBS.items(), key=lambda item: item[0] in _HOUSEKEEPING)
    return dict(ordered)


@dataclass
class Sweep:
    now: datetime
    job: str = ""
    actions_taken: int = 0  # committed (or, inside a caller's transaction, done)
    skipped: int = 0
    batching: bool = False
    uncommitted: int = 0

    def once(self, key: str, action: Callable[[], None]) -> bool:
        """Do `action` unless `key` was already done. Returns True if it ran now."""
        with transaction.atomic():
            try:
                with transaction.atomic():
                    SweepAction.objects.create(key=key, job=self.job, done_at=self.now)
            except IntegrityError:
                self.skipped += 1
                return False
            action()
        self.actions_taken += 1
        self.uncommitted += 1
        if self.uncommitted >= BATCH and not transaction.get_connection().in_atomic_block:
            self.commit()
        return True

    def once_each(self, keys: Iterable[str], action: Callable[[set[str]], None]) -> set[str]:
        """Claim every key not done yet in one statement and call `action(claimed)` with
        them (not at all when none is new). Returns the keys claimed now."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return set()
        with transaction.atomic():
            claimed = _claim(keys, self.job, self.now)
            self.skipped += len(keys) - len(claimed)
            if claimed:
                action(claimed)
        self.actions_taken += len(claimed)
        self.uncommitted += len(claimed)
        if self.uncommitted >= BATCH and not transaction.get_connection().in_atomic_block:
            self.commit()
        return claimed

    def commit(self) -> None:
        if self.batching:
            transaction.commit()
            _queue_what_committed()
        self.uncommitted = 0


def _claim(keys: list[str], job: str, now: datetime) -> set[str]:
    """Insert the keys not done yet (1,000 a statement); the ones inserted are returned."""
    q = connection.ops.quote_name
    table = q(SweepAction._meta.db_table)
    when = connection.ops.adapt_datetimefield_value(now)
    claimed = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            rows = ", ".join(["(%s, %s, %s)"] * len(batch))
            params = [value for key in batch for value in (key, job, when)]
            key = q("key")
            cursor.execute(
                f"INSERT INTO {table} ({key}, {q('job')}, {q('done_at')}) VALUES {rows} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}",
                params,
            )
            claimed.update(row[0] for row in cursor.fetchall())
    return claimed


def _queue_what_committed() -> None:
    """Run the committed batch's on-commit hooks (its emails) and go on in a new batch:
    Django runs them when autocommit is switched back on after a manual commit."""
    transaction.set_autocommit(True)
    transaction.set_autocommit(False)


@contextmanager
def _in_batches(sweep: Sweep):
    """Run a job in manual transactions, committed every BATCH actions and at the end."""
    if transaction.get_connection().in_atomic_block or not transaction.get_autocommit():
        yield  # the caller's transaction decides
        return
    transaction.set_autocommit(False)
    sweep.batching, sweep.uncommitted = True, 0
    try:
        yield
    except BaseException:
        transaction.rollback()
        sweep.actions_taken -= sweep.uncommitted
        raise
    else:
        transaction.commit()
    finally:
        sweep.batching, sweep.uncommitted = False, 0
        transaction.set_autocommit(True)  # after a commit, this queues the last emails


def sweep_key(*parts) -> str:
    """The key for `Sweep.once`; `pending` builds the same key in SQL."""
    return ":".join(str(p) for p in parts)


def pending(queryset, *parts):
    """Rows whose key (literal strings and field names wrapped in F()) was not done yet,
    so a sweep over a large table only touches what is new."""
    pieces = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(Value(":"))
        if isinstance(part, F):
            pieces.append(Cast(part, output_field=models.CharField()))
        else:
            pieces.append(Value(str(part)))
    done = SweepAction.objects.filter(key=OuterRef("_sweep_key"))
    return queryset.annotate(_sweep_key=Concat(*pieces, output_field=models.CharField())).exclude(
        Exists(done)
    )


def _run_housekeeping(run, sweep, job) -> None:
    try:
        with _in_batches(sweep):
            job(sweep)
    except Exception:
        run.error = traceback.format_exc()[-4000:]  # the health check shows it
        logger.exception("Sweep housekeeping failed in job %s", sweep.job)


def run_sweeps(now: datetime | None = None, jobs: dict | None = None) -> SweepRun:
    """Run every registered job. An error stops the run; what was done stays done."""
    now = now or timezone.now()
    run = SweepRun.objects.create(started_at=now)
    sweep = Sweep(now=now)
    try:
        for name, job in (jobs if jobs is not None else registered_jobs()).items():
            sweep.job = name
            if name in _HOUSEKEEPING:
                _run_housekeeping(run, sweep, job)
                continue
            with _in_batches(sweep):
                job(sweep)
    except Exception:
        run.error = traceback.format_exc()[-4000:]
        logger.exception("Deadline sweep failed in job %s", sweep.job)
        raise
    finally:
        run.finished_at = timezone.now()
        run.actions_taken = sweep.actions_taken
        run.save(update_fields=["finished_at", "actions_taken", "error"])
    return run
