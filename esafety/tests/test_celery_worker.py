"""A real Celery worker, in its own process, takes tasks from Redis and works on the
same PostgreSQL database as the test (and, for the figures, the same Redis cache).

Needs CELERY_BROKER_URL=redis://... and DATABASE_URL=postgres://...: skipped on a laptop
without them, a failure in CI (ESAFETY_REQUIRE_SERVICES=1).
"""

import os
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from esafety import figures, figures_store
from esafety.celery import app as celery_app
from esafety.models import FigureSnapshot, Notification, Role, SweepRun
from esafety.notifications import notify, notify_many
from esafety.pytest_plugin import database_url_for_another_process
from esafety.tasks import run_sweeps_task
from esafety.testing import SchoolFactory, UserFactory, person

BASE_DIR = Path(settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
WAIT_SECONDS = 60

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url(require_service_fn) -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        require_service_fn("a real worker needs CELERY_BROKER_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        require_service_fn(f"Redis at {url} does not answer: {error}")
    return url


@pytest.fixture
def test_database_url(require_service_fn) -> str:
    """The URL of the test database, for the worker process (SQLite in memory can't be
    shared with another process)."""
    if connection.vendor != "postgresql":
        require_service_fn("a real worker needs PostgreSQL (DATABASE_URL=postgres://...)")
    return database_url_for_another_process()


@contextmanager
def celery_conf(**values):
    """Set Celery options on the app for the test only."""
    missing = object()
    saved = {key: celery_app.conf.changes.get(key, missing) for key in values}
    celery_app.conf.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is missing:
                celery_app.conf.changes.pop(key, None)
            else:
                celery_app.conf.changes[key] = value


@pytest.fixture
def worker(redis_url, test_database_url, tmp_path):
    """Start `celery worker` on a queue of its own; always stop it afterwards."""
    with running_worker(redis_url, test_database_url, tmp_path) as process:
        yield process


@contextmanager
def running_worker(redis_url, test_database_url, tmp_path, **more_env):
    """A `celery worker` process on a queue of its own, with `more_env` in its environment."""
    queue = f"esafety-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "esafety.settings",
        "DATABASE_URL": test_database_url,
        "CELERY_BROKER_URL": redis_url,
        # The worker reads the test database by URL, whose name the installation's key
        # prefix would otherwise come from: it must listen where this process sends.
        "CELERY_KEY_PREFIX": settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"],
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
        "EMAIL_URL": "consolemail://",  # the worker prints the email; nothing is sent
        **more_env,
    }
    command = [
        str(CELERY),
        "-A",
        "esafety",
        "worker",
        "--pool=solo",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=info",
    ]
    log_path = tmp_path / "celery-worker.log"
    # Output to a file, not a pipe: a full pipe would block the worker.
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        process.queue = queue
        process.output = log_path.read_text
        try:
            # Tasks sent from this process go to Redis, never run in-process.
            with celery_conf(task_always_eager=False):
                yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            forget_queue(redis_url, queue)


def forget_queue(redis_url: str, queue: str):
    """Remove the test queue's list and kombu's bindings for it from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)


def wait_for(condition, worker, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"The worker exited ({worker.returncode}):\n{worker.output()[-4000:]}")
        time.sleep(0.25)
    pytest.fail(f"No {what} after {WAIT_SECONDS} s. Worker log:\n{worker.output()[-4000:]}")


def test_worker_runs_the_deadline_sweep_sent_through_redis(worker):
    assert not celery_app.conf.task_always_eager
    assert not SweepRun.objects.exists()

    result = run_sweeps_task.apply_async(queue=worker.queue)

    finished = SweepRun.objects.filter(finished_at__isnull=False)
    wait_for(finished.exists, worker, "finished SweepRun")
    run = finished.get()
    assert run.error == ""
    assert run.finished_at >= run.started_at
    assert result.id in worker.output()  # the worker in the other process ran it


def test_worker_sends_a_notification_email_queued_through_redis(worker):
    recipient = UserFactory(full_name="Nina Notified", email="nina@school.example")
    # notify() queues send_notification_email.delay() after the commit; delay() uses the
    # default queue, so make that the worker's queue for this test.
    with celery_conf(task_default_queue=worker.queue):
        notification = notify(recipient, title="Something to look at", link="/")

    sent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False)
    wait_for(sent.exists, worker, "emailed_at on the notification")
    assert "esafety.tasks.send_notification_email" in worker.output()
    # emailed_at is claimed before the email is written: wait for the console backend.
    wait_for(lambda: "nina@school.example" in worker.output(), worker, "the printed email")


def test_worker_sends_a_sweeps_bulk_emails_queued_through_redis(worker):
    """notify_many (a sweep's reminders) queues one task per batch of emails."""
    people = [UserFactory(full_name=f"Bulk {n}", email=f"bulk{n}@school.example") for n in range(3)]
    with celery_conf(task_default_queue=worker.queue), transaction.atomic():
        notify_many({"recipient": p, "title": "Please sign", "link": "/"} for p in people)

    sent = Notification.objects.filter(recipient__in=people, emailed_at__isnull=False)
    wait_for(lambda: sent.count() == 3, worker, "emailed_at on the three notifications")
    assert "esafety.tasks.send_notification_emails" in worker.output()


def test_a_worker_counts_a_changed_schools_figures_while_readers_get_the_last(
    redis_url, test_database_url, tmp_path
):
    prefix = f"esafety-test-{uuid.uuid4().hex[:12]}"
    shared = {
        "default": {
            "BACKEND": "esafety.cache.ReusedClientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    school, other = SchoolFactory(), SchoolFactory()
    person(school, Role.STAFF), person(other, Role.STAFF)
    with (
        override_settings(CACHES=shared, FIGURES_STALE_SECONDS=120, FIGURES_COALESCE_SECONDS=0.2),
        running_worker(
            redis_url,
            test_database_url,
            tmp_path,
            CACHE_URL=redis_url,
            CACHE_KEY_PREFIX=prefix,
            FIGURES_COALESCE_SECONDS="0.2",
        ) as worker,
        celery_conf(task_default_queue=worker.queue),
    ):
        from django.core.cache import cache

        try:
            ids = [school.pk, other.pk]
            assert [v["pupils"] for v in figures.figures_for("esafety.people", ids).values()] == [
                0,
                0,
            ]
            person(school, Role.PUPIL)  # commits at once: the worker is asked

            figures_store.start_recording()
            read = figures.figure_for("esafety.people", school.pk)
            worker_done = FigureSnapshot.objects.filter(name="esafety.people", school=school)
            if not worker_done.exists():  # the reader came first: given the last figures
                assert read["pupils"] == 0
                assert figures_store.served_as_at() is not None

            def counted_again():
                return figures.figure_for("esafety.people", school.pk)["pupils"] == 1

            wait_for(counted_again, worker, "the new figures from the worker")
            assert "esafety.tasks.refresh_figures" in worker.output()
            snapshot = worker_done.get()
            assert snapshot.day is not None and snapshot.as_at is not None
        finally:
            cache.clear()  # this test's keys only (the prefix is its own)
