"""The Redis cache backend (esafety/cache.py) against a real Redis: what the figures layer,
sessions and PDFs rely on, with one client reused for every call."""

import os
import uuid

import pytest

from esafety.cache import ReusedClientRedisCache

pytestmark = pytest.mark.services


@pytest.fixture
def redis_cache(require_service_fn):
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        require_service_fn("the Redis cache needs CELERY_BROKER_URL=redis://...")
    cache = ReusedClientRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "b", "n", "gen"])


def test_the_cache_stores_reads_counts_and_deletes_with_one_client(redis_cache):
    cache = redis_cache
    cache.set("a", {"figures": [1, 2]}, 60)
    cache.set_many({"b": "two"}, 60)
    assert cache.get("a") == {"figures": [1, 2]}
    assert cache.get_many(["a", "b", "missing"]) == {"a": {"figures": [1, 2]}, "b": "two"}
    assert cache.add("gen", 0, timeout=None) and not cache.add("gen", 5, timeout=None)
    assert cache.incr("gen") == 1 and cache.incr("gen") == 2
    cache.delete("a")
    assert cache.get("a") is None
    client = cache._cache
    assert client.get_client("a") is client.get_client("b", write=True)


def _session_engine(**env) -> str:
    """SESSION_ENGINE as production settings work it out under these variables."""
    import subprocess
    import sys

    from django.conf import settings

    clean = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL"}}
    code = "import esafety.settings as s; print(s.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "esafety.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_sessions_are_read_from_the_cache_only_when_every_worker_shares_it():
    # Each worker's own memory would keep a session that a logout in another ended.
    assert _session_engine() == "django.contrib.sessions.backends.db"
    shared = _session_engine(CACHE_URL="redis://127.0.0.1:6379/3")
    assert shared == "django.contrib.sessions.backends.cached_db"
