"""What every benchmark shares: a PostgreSQL database of its own, migrated, and medians.

Imported by the scripts in bench/ (run as `python bench/<name>.py`, which puts bench/ on
the path); it puts the repository on the path and picks the test settings."""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esafety.settings_test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
        # As docker-compose runs PostgreSQL in production (SSD storage; see the README).
        cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
        cursor.execute(f'ALTER DATABASE "{name}" SET jit = off')
    conn.close()


def set_up(example_name: str) -> None:
    """Create the database named in DATABASE_URL if needed, start Django and migrate."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(f"Set DATABASE_URL to a PostgreSQL database, e.g. .../{example_name}")
    ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def median_ms(func, repeat: int) -> float:
    func()  # warm up
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def median_cpu_ms(func, repeat: int) -> float:
    """This process's CPU time per call, median, after one warm-up call: the server's own
    work for a request (the test client serves it in process), which sets throughput on a
    busy machine more than the wall time does. The database's CPU is not in it."""
    func()
    timings = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def paired_ms(func, reference, repeat: int, clock=time.perf_counter) -> tuple[float, float]:
    """Medians of `func` and `reference` timed in turn, one of each per round (by `clock`:
    wall time, or `time.process_time` for this process's CPU): the machine's speed drifts
    over a run (by a third between minutes on a shared host), and a page timed minutes
    after its reference gives a ratio of the drift, not of the page."""
    func(), reference()  # warm up
    timings, references = [], []
    for _ in range(repeat):
        start = clock()
        reference()
        middle = clock()
        func()
        timings.append((clock() - middle) * 1000)
        references.append((middle - start) * 1000)
    return statistics.median(timings), statistics.median(references)


def like_a_worker() -> None:
    """Run what follows as the Celery worker runs the sweep: the URL map loaded once (a
    worker loads it for its first task, not for each), the emails handed to the broker in
    CELERY_BROKER_URL (not sent in process, as the test settings do) and real commits (call
    outside any transaction). Purge the queue afterwards with `purge_broker()`."""
    from django.conf import settings
    from django.urls import get_resolver, reverse

    from esafety.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database of your own, e.g. redis://.../5")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    get_resolver()
    reverse("home")  # loads and caches the URL map, as the worker's first task does


def purge_broker() -> int:
    """Drop the emails the bench queued (no worker reads this broker database)."""
    from esafety.celery import app

    return app.control.purge()


@contextmanager
def celery_worker(**env):
    """A real Celery worker in its own process, on the broker in CELERY_BROKER_URL and with
    this process's database and cache, as production runs one beside the site: what the
    pages hand to the background (figures counted again, emails) is done there, not in the
    request. This process stops running tasks in process for the duration."""
    import subprocess
    import tempfile

    from django.conf import settings

    from esafety.celery import app

    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        sys.exit("Set CELERY_BROKER_URL to a Redis database of your own, e.g. redis://.../5")
    command = [Path(sys.executable).parent / "celery", "-A", "esafety", "worker"]
    command += ["--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=warning"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
        **env,
    }
    eager = settings.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager
    with tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="bench-worker-") as log:
        process = subprocess.Popen(
            command, cwd=Path(__file__).resolve().parent.parent, env=env, stdout=log, stderr=log
        )
        settings.CELERY_TASK_ALWAYS_EAGER = app.conf.task_always_eager = False
        try:
            for _ in range(60):
                if process.poll() is not None:
                    log.seek(0)
                    sys.exit(f"The Celery worker did not start:\n{log.read()[-3000:]}")
                if app.control.ping(timeout=0.5):
                    break
            yield process
        finally:
            settings.CELERY_TASK_ALWAYS_EAGER, app.conf.task_always_eager = eager
            process.terminate()
            process.wait(timeout=30)
            app.control.purge()
