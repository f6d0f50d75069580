"""Each installation's cache keys carry its own prefix: two installations sharing one Redis
database never read each other's cached figures, pages or sessions."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.utils.module_loading import import_string

# The two installations' keys on the one Redis are shared by these tests: one process.
pytestmark = pytest.mark.xdist_group("redis-installations")

DATABASE_A = "postgres://esafety@db.example:5432/school_a"
DATABASE_B = "postgres://esafety@db.example:5432/school_b"


def production_setting(expression: str, **variables):
    """`expression` (of `esafety.settings` as `s`) as production settings work it out
    under these variables alone."""
    passed = {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}
    environment = {k: v for k, v in os.environ.items() if k in passed}
    code = f"import json, esafety.settings as s; print(json.dumps({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "esafety.settings", **variables},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def cache_settings(**variables) -> dict:
    """CACHES["default"] as production settings work it out under these variables alone."""
    return production_setting("s.CACHES['default']", **variables)


def build_cache(config: dict):
    """The cache object Django builds from these settings (django.core.cache.caches)."""
    params = dict(config)
    return import_string(params.pop("BACKEND"))(params.pop("LOCATION", ""), params)


def test_installations_on_different_databases_get_different_prefixes_by_default():
    url = "redis://127.0.0.1:6379/3"
    a = cache_settings(CACHE_URL=url, DATABASE_URL=DATABASE_A)
    b = cache_settings(CACHE_URL=url, DATABASE_URL=DATABASE_B)
    assert a["LOCATION"] == b["LOCATION"] == url
    assert a["KEY_PREFIX"] and b["KEY_PREFIX"]
    assert a["KEY_PREFIX"] != b["KEY_PREFIX"]
    # The site and its worker (same database) share their cache: the same prefix.
    assert cache_settings(CACHE_URL=url, DATABASE_URL=DATABASE_A) == a
    # The same database name on another server is another installation.
    other_host = DATABASE_A.replace("db.example", "db2.example")
    assert cache_settings(CACHE_URL=url, DATABASE_URL=other_host)["KEY_PREFIX"] != a["KEY_PREFIX"]


def test_key_prefix_in_the_cache_url_and_cache_key_prefix_are_honoured():
    url = "redis://127.0.0.1:6379/3?key_prefix=brookfield"
    config = cache_settings(CACHE_URL=url)
    assert config["KEY_PREFIX"] == "brookfield"
    assert "key_prefix" not in config  # the lower-case key Django would silently ignore
    assert cache_settings(CACHE_URL=url, CACHE_KEY_PREFIX="hillside")["KEY_PREFIX"] == "hillside"
    assert cache_settings(CACHE_KEY_PREFIX="hillside")["KEY_PREFIX"] == "hillside"


def test_the_prefix_reaches_every_key_the_cache_makes():
    """Django's make_key is where the prefix goes in: the project's cache is built with it."""
    cache = build_cache(cache_settings(CACHE_URL="redis://127.0.0.1:6379/3?key_prefix=pfx"))
    assert cache.make_key("figures:people:1") == "pfx:1:figures:people:1"


# --- against a real Redis -------------------------------------------------------------------


@pytest.fixture
def two_installations(require_service_fn):
    """The caches of two installations on different databases, sharing one Redis database."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        require_service_fn("two installations' caches need CELERY_BROKER_URL=redis://...")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        require_service_fn(f"Redis at {url} does not answer: {error}")
    # Databases named for this test alone: two of these tests on two xdist workers at once
    # would otherwise be the same two installations, and one's clear() empty the other's.
    run = uuid.uuid4().hex[:8]
    a = build_cache(cache_settings(CACHE_URL=url, DATABASE_URL=f"{DATABASE_A}_{run}"))
    b = build_cache(cache_settings(CACHE_URL=url, DATABASE_URL=f"{DATABASE_B}_{run}"))
    assert a._cache._servers == b._cache._servers  # one Redis database
    yield a, b
    a.clear()
    b.clear()


@pytest.mark.services
def test_two_installations_sharing_one_redis_cannot_see_each_others_entries(two_installations):
    a, b = two_installations
    # The figures layer, a rendered page or PDF, a one-time form token, a session.
    a.set("figures:incidents:1", {"total": 83}, 60)
    a.set("pdf:termly:1", b"%PDF-a", 60)
    assert a.add("once:token-1", "pending", 60)
    a.set(SESSION_KEY_PREFIX + "abc123", {"_auth_user_id": "7"}, 60)
    assert b.get("figures:incidents:1") is None
    assert b.get("pdf:termly:1") is None
    assert b.get(SESSION_KEY_PREFIX + "abc123") is None
    assert b.get_many(["figures:incidents:1", "pdf:termly:1"]) == {}
    # The same token in the other installation is its own, not already claimed.
    assert b.add("once:token-1", "pending", 60)

    b.set("figures:incidents:1", {"total": 12}, 60)
    assert a.get("figures:incidents:1") == {"total": 83}
    assert b.get("figures:incidents:1") == {"total": 12}

    # The figures' generation counters count separately.
    a.add("figures:generation", 0, timeout=None)
    b.add("figures:generation", 0, timeout=None)
    assert a.incr("figures:generation") == 1
    assert a.incr("figures:generation") == 2
    assert b.incr("figures:generation") == 1

    b.delete("pdf:termly:1")
    assert a.get("pdf:termly:1") == b"%PDF-a"


@pytest.mark.services
def test_clearing_one_installations_cache_leaves_the_others(two_installations):
    a, b = two_installations
    a.set("figures:incidents:1", {"total": 83}, 60)
    b.set("figures:incidents:1", {"total": 12}, 60)
    b.set("menu:7", ["Incidents"], 60)
    a.clear()  # Django's own clear() would empty the whole Redis database
    assert a.get("figures:incidents:1") is None
    assert b.get("figures:incidents:1") == {"total": 12}
    assert b.get("menu:7") == ["Incidents"]


def broker_options(**variables) -> dict:
    return production_setting("s.CELERY_BROKER_TRANSPORT_OPTIONS", **variables)


@pytest.mark.services
def test_two_installations_on_one_redis_never_take_each_others_tasks(require_service_fn):
    """Each installation's broker keys (queues included) carry its prefix: a task sent by
    one is never received by the other's worker, which would run it against its records."""
    from kombu import Connection

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        require_service_fn("CELERY_BROKER_URL is not a redis:// URL")
    a = broker_options(CELERY_BROKER_URL=url, DATABASE_URL=DATABASE_A)
    b = broker_options(CELERY_BROKER_URL=url, DATABASE_URL=DATABASE_B)
    assert a["global_keyprefix"] != b["global_keyprefix"]
    assert a == broker_options(CELERY_BROKER_URL=url, DATABASE_URL=DATABASE_A)
    queue = "esafety-prefix-test"
    with Connection(url, transport_options=a) as one, Connection(url, transport_options=b) as two:
        sent, other = one.SimpleQueue(queue), two.SimpleQueue(queue)
        try:
            sent.put({"task": "a sweep of school A"})
            with pytest.raises(other.Empty):
                other.get(timeout=1)
            assert sent.get(timeout=5).payload == {"task": "a sweep of school A"}
        finally:
            for q in (sent, other):
                q.queue.delete()
                q.close()
