"""Fixtures shared by every app's tests (loaded with `-p esafety.pytest_plugin`)."""

import os

import pytest


@pytest.fixture
def personas(db):
    from esafety.testing import make_personas

    return make_personas()


def require_service(reason: str):
    """Skip on a laptop without the service; fail in CI (ESAFETY_REQUIRE_SERVICES=1)."""
    if os.environ.get("ESAFETY_REQUIRE_SERVICES") == "1":
        pytest.fail(f"Required service not available: {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_service_fn():
    return require_service


def database_url_for_another_process() -> str:
    """DATABASE_URL of the test database, for a server or worker started by a test.
    PostgreSQL only: an in-memory SQLite database can't be opened by another process."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{db['HOST'] or ''}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def http_server(transactional_db, tmp_path):
    """Start `manage.py runserver` (threaded, as `make run` starts it) in its own process
    on the test's data as it is now: `server = http_server()`. It uses the PostgreSQL test
    database itself, or on SQLite a file copy of the in-memory test database (in WAL mode,
    like the embedded default); call `server.sync()` before reading what it wrote.
    Requests sent at once reach the database through the server's own connections."""
    from contextlib import ExitStack

    from esafety.testing_http import HttpServer

    with ExitStack() as servers:
        yield lambda: servers.enter_context(HttpServer.start(tmp_path))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached figures and PDFs of an earlier test's
    schools (whose ids a rolled-back database may hand out again) never leak in."""
    from django.core.cache import cache

    cache.clear()
    yield
