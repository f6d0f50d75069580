"""Operations: production settings, security headers and the /health/ endpoint."""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from esafety import health
from esafety.celery import app as celery_app
from esafety.models import SweepRun
from esafety.testing import sign_in

BASE_DIR = Path(settings.BASE_DIR)
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"

# Variables the settings read, and test-only ones (CI and the browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE, which a deployment must not): the subprocesses below start
# without any of them, so the environment the tests run in cannot change the result.
NOT_FROM_THE_TEST_ENVIRONMENT = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "ESAFETY_REQUIRE_SERVICES",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SERVER_LOG_LEVEL",
    "AXES_LOG_LEVEL",
    "LOG_LEVEL",
    "CACHE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "REQUIRE_2FA",
    "VAR_DIR",
    "PORT",
}


def production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in NOT_FROM_THE_TEST_ENVIRONMENT}
    env.update(
        DJANGO_SETTINGS_MODULE="esafety.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="esafety.example.org",
        SITE_URL="https://esafety.example.org",
        DATABASE_URL="postgres://esafety:not-a-real-password@db:5432/esafety",
        CELERY_BROKER_URL="redis://redis:6379/0",
        EMAIL_URL="smtp+tls://mailer:not-a-real-password@smtp.example.org:587",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- production settings ------------------------------------------------------------------


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_load_without_a_secret_key():
    result = manage("check", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_without_any_variables_the_embedded_default_runs_in_debug_on_sqlite():
    env = production_env(
        DEBUG=None,
        SECRET_KEY=None,
        ALLOWED_HOSTS=None,
        SITE_URL=None,
        DATABASE_URL=None,
        CELERY_BROKER_URL=None,
        EMAIL_URL=None,
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "filesystem://"]


def _csp_directives(response) -> dict:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_scripts_are_locked_down(response):
    directives = _csp_directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts == ["'self'"], directives
    for name in ("script-src", "default-src", "script-src-elem", "script-src-attr"):
        assert "'unsafe-inline'" not in directives.get(name, [])
        assert "'unsafe-eval'" not in directives.get(name, [])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_sign_in_page_sends_a_csp_without_inline_scripts(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    _assert_scripts_are_locked_down(response)


def test_signed_in_page_sends_a_csp_without_inline_scripts(client, personas):
    sign_in(client, personas.teacher)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    _assert_scripts_are_locked_down(response)
    # The policy is kept by the templates too: every script is a file of our own.
    html = response.content.decode()
    assert html.count("<script") == html.count("<script src=")


# --- /health/ -----------------------------------------------------------------------------


def get_health(client):
    response = client.get(reverse("health"))
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def minutes_after_start(minutes: float):
    """The clock this many minutes after the site's process started."""
    return time_machine.travel(health.STARTED_AT + timedelta(minutes=minutes), tick=False)


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, SWEEP_INTERVAL_SECONDS=300)
def test_health_says_starting_not_failed_before_the_first_sweep_of_a_fresh_start(client):
    # Beat sends its first sweep one interval (5 minutes) after it starts.
    with minutes_after_start(4):
        response, body = get_health(client)
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "last_sweep": {"finished_at": None, "ok": True, "state": "starting"},
    }
    with minutes_after_start(6):
        SweepRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
        response, body = get_health(client)
    assert body["last_sweep"]["state"] == "ok"
    assert body["last_sweep"]["ok"] is True


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, SWEEP_INTERVAL_SECONDS=300)
def test_health_says_a_sweep_never_ran_once_the_grace_period_is_over(client):
    with minutes_after_start(9):
        assert get_health(client)[1]["last_sweep"]["state"] == "starting"
    with minutes_after_start(11):  # two intervals: beat or the worker is not running
        response, body = get_health(client)
    assert response.status_code == 200  # the site is up; the sweep is reported, not fatal
    assert body["last_sweep"] == {"finished_at": None, "ok": False, "state": "never"}


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True, SWEEP_INTERVAL_SECONDS=300)
def test_health_after_a_restart_waits_for_a_sweep_then_says_it_is_late(client):
    # Last night's sweep, then the site starts again this morning.
    with time_machine.travel(health.STARTED_AT - timedelta(hours=12), tick=False):
        SweepRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
    with minutes_after_start(3):
        assert get_health(client)[1]["last_sweep"]["state"] == "starting"
        assert get_health(client)[1]["last_sweep"]["ok"] is True
    with minutes_after_start(11):
        last_sweep = get_health(client)[1]["last_sweep"]
    assert last_sweep["state"] == "late"
    assert last_sweep["ok"] is False
    # Sweeps running every five minutes: ok, long after the start.
    with minutes_after_start(60):
        SweepRun.objects.create(
            started_at=timezone.now() - timedelta(minutes=8),
            finished_at=timezone.now() - timedelta(minutes=8),
        )
        assert get_health(client)[1]["last_sweep"]["state"] == "ok"
    with minutes_after_start(64):
        assert get_health(client)[1]["last_sweep"]["state"] == "late"


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_health_reports_the_latest_finished_sweep(client):
    now = timezone.now()
    SweepRun.objects.create(
        started_at=now - timedelta(minutes=10), finished_at=now - timedelta(minutes=9)
    )
    latest = SweepRun.objects.create(
        started_at=now - timedelta(minutes=5), finished_at=now - timedelta(minutes=4)
    )
    SweepRun.objects.create(started_at=now)  # still running: not a finished sweep

    response, body = get_health(client)
    assert response.status_code == 200
    assert body["last_sweep"]["ok"] is True
    assert body["last_sweep"]["state"] == "ok"
    finished_at = body["last_sweep"]["finished_at"]
    assert finished_at is not None
    assert datetime.fromisoformat(finished_at) == latest.finished_at


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_health_says_when_the_last_sweep_failed_without_showing_the_error(client):
    with minutes_after_start(1):  # a failure is a failure even in the first minutes
        now = timezone.now()
        SweepRun.objects.create(
            started_at=now,
            finished_at=now,
            error="Traceback: ValueError for incident about Poppy Pupil",
        )
        response, body = get_health(client)
    assert response.status_code == 200  # the site is up; the sweep is reported, not fatal
    assert body["last_sweep"]["ok"] is False
    assert body["last_sweep"]["state"] == "failed"
    assert b"Poppy" not in response.content
    assert b"Traceback" not in response.content


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_health_reveals_no_personal_data(client, personas):
    from esafety.notifications import notify

    notify(personas.headteacher, title="Incident about Poppy Pupil", email=False)
    SweepRun.objects.create(finished_at=timezone.now())
    # Anonymous, and signed in as someone who sees a lot: the same fixed shape.
    for user in (None, personas.headteacher):
        if user is not None:
            sign_in(client, user)
        response, body = get_health(client)
        assert set(body) == {"status", "database", "broker", "last_sweep"}
        assert set(body["last_sweep"]) == {"finished_at", "ok", "state"}
        content = response.content.decode()
        for person in (personas.headteacher, personas.pupil, personas.teacher):
            assert person.full_name not in content
            assert person.email not in content
        assert personas.school.name not in content
        assert "Poppy" not in content


@pytest.fixture
def broker_pointed_at(monkeypatch):
    """Point the real Celery app at a broker URL: Django settings, the app's conf and the
    CELERY_BROKER_URL environment variable (which Celery reads before its conf)."""
    overrides = []

    def point(url):
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setitem(celery_app.conf.changes, "broker_url", url)
        override = override_settings(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False)
        override.enable()
        overrides.append(override)

    yield point
    for override in reversed(overrides):
        override.disable()


@pytest.mark.django_db
def test_health_is_503_when_the_broker_is_unreachable(client, broker_pointed_at):
    broker_pointed_at(UNREACHABLE_BROKER)
    assert celery_app.conf.broker_write_url == UNREACHABLE_BROKER

    response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")
    assert "127.0.0.1" not in body["broker"]  # the type of error only, no addresses


def redis_url_or_skip(require_service_fn) -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        require_service_fn("CELERY_BROKER_URL is not a redis:// URL")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        require_service_fn(f"Redis at {url} does not answer: {error}")
    return url


@pytest.mark.services
@pytest.mark.django_db
def test_health_is_ok_against_a_real_redis(client, broker_pointed_at, require_service_fn):
    broker_pointed_at(redis_url_or_skip(require_service_fn))
    response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


# --- make run PORT=... --------------------------------------------------------------------


def make_run_commands(port: int) -> dict[str, str]:
    """The commands `make run PORT=port` would run (make -n runs none of them)."""
    plan = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    # Each simple command: the plan's lines split at ; & && || ( ) and line ends.
    commands = [c.strip() for c in re.split(r"[;&|()\n]+", plan.replace("\\\n", " "))]
    return {
        "worker": next(c for c in commands if "celery -A esafety worker" in c),
        "site": next(c for c in commands if "manage.py runserver" in c),
        "seed": next(c for c in commands if "manage.py seed_demo" in c),
    }


def leading_assignments(command: str) -> dict[str, str]:
    """The NAME=value words a shell command starts with: its environment variables."""
    variables = {}
    for word in command.split():
        name, equals, value = word.partition("=")
        if not (equals and name.isupper()):
            break
        variables[name] = value
    return variables


def test_make_run_port_is_the_port_in_links_in_emails():
    commands = make_run_commands(8080)
    assert commands["site"].rstrip().endswith("runserver 0.0.0.0:8080")
    code = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    # The site builds invitation links and the worker sends notification emails: with no
    # SITE_URL set, both must take the port from the settings' default.
    for process, command in commands.items():
        variables = leading_assignments(command)
        assert variables["PORT"] == "8080", process
        env = production_env(DEBUG=None, SECRET_KEY=None, SITE_URL=None, **variables)
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.stdout.strip() == "http://localhost:8080", (process, result.stderr)


def test_make_run_logs_no_line_per_request_or_sign_in_but_shows_errors():
    """The demo logins printed when the site is ready must not scroll away as someone
    clicks around: runserver's request log and the sign-in log show warnings and errors
    only under `make run` (a 404, a 500, a lock-out), and every request elsewhere."""
    code = (
        "import django, logging; django.setup(); "
        "server = logging.getLogger('django.server'); axes = logging.getLogger('axes'); "
        "server.info('\"GET /static/app.css HTTP/1.1\" 200 10', extra={'status_code': 200}); "
        "axes.info('AXES: Successful login by teacher'); "
        "server.warning('\"GET /gone/ HTTP/1.1\" 404 10', extra={'status_code': 404}); "
        "server.error('\"GET /broken/ HTTP/1.1\" 500 10', extra={'status_code': 500}); "
        "axes.warning('AXES: Locking out teacher'); "
        "logging.getLogger('django.request').error('Internal Server Error: /broken/')"
    )

    def logged(variables: dict) -> str:
        env = production_env(DEBUG=None, SECRET_KEY=None, **variables)
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stderr

    demo = logged(leading_assignments(make_run_commands(8000)["site"]))
    assert "app.css" not in demo
    assert "Successful login" not in demo
    assert "/gone/" in demo and "/broken/" in demo and "Locking out" in demo
    assert demo.count("Internal Server Error: /broken/") == 1  # once, not twice
    # Outside the demo (production, tests of the settings): a line per request, as before.
    everywhere_else = logged({})
    assert "app.css" in everywhere_else and "Successful login" in everywhere_else
