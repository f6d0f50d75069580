"""Settings for the page bench's in-process requests: as production serves them (DEBUG
off, so no query log and the manifest of static files; the cache in CACHE_URL; database
connections kept between requests), with the test settings' fast hasher, in-memory email
and eager tasks for the seeding. The load on gunicorn uses the production settings."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-site-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from esafety import settings as production
from esafety.settings_test import *  # noqa: F403

CACHES = production.CACHES
DATABASES["default"]["CONN_MAX_AGE"] = 300  # noqa: F405
WHITENOISE_AUTOREFRESH = False
WHITENOISE_USE_FINDERS = False
IDLE_WRITE_SECONDS = production.IDLE_WRITE_SECONDS  # the test settings write every request
# Figures as production serves them with its shared cache: the last ones while the worker
# counts again (the after-a-write step runs a real worker; see pages_after_write.py).
FIGURES_STALE_SECONDS = production.FIGURES_STALE_SECONDS
