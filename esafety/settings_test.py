"""Test settings: the normal settings with a fast hasher and in-memory email.

PostgreSQL and Redis are used when DATABASE_URL / CELERY_BROKER_URL are set (CI);
otherwise SQLite. Tasks run eagerly except in the tests that start a real worker.
"""

import os

from .settings import *  # noqa: F403
from .settings import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REQUIRE_2FA = True
# Tasks run in-process unless a test says otherwise: the real-worker tests switch eager
# off themselves and talk to the Redis broker in CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "true").lower() == "true"
MEDIA_ROOT = VAR_DIR / "test-media"
# Every request moves the idle timer on, so a page's query count is the same on each visit
# (test_auth sets the production spacing to test it).
IDLE_WRITE_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Local memory whatever the environment says; cleared before each test (pytest_plugin).
# A connection per test thread closed when it ends: the concurrency tests' threads must not
# leave connections open that would stop the test database being dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions as production keeps them with its shared Redis cache: the tests run in one
# process, so a memory cache is shared by every request (and pages' query counts are
# those of production).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Figures counted by the reader, exactly, as the embedded default does: the tests of the
# background refresh (esafety/tests/test_figures_refresh.py) turn it on themselves.
FIGURES_STALE_SECONDS = 0
