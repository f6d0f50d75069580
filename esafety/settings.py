"""One settings module, driven by environment variables.

The embedded default (no variables set) is SQLite, a filesystem Celery broker and
DEBUG on, so `make run` works on a fresh machine. Production sets DEBUG=false,
SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, ALLOWED_HOSTS and the email settings.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Everything the embedded default writes at run time (queue, beat schedule, uploads).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-only-for-debug-mode")
else:
    SECRET_KEY = env("SECRET_KEY")  # required: no default outside DEBUG

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in emails. `make run PORT=8080` passes PORT, so the default follows the port.
SITE_URL = env("SITE_URL", default=f"http://localhost:{env.int('PORT', default=8000)}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "esafety",
    "incidents",
    "agreements",
    "risks",
    "training",
    "devices",
    "selfreview",
    "governance",
    "roster",
    "concerns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "esafety.middleware.RefuseNulBytesMiddleware",
    "esafety.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "esafety.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "esafety.urls"
WSGI_APPLICATION = "esafety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "esafety.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Keep each worker's connection between requests: a new PostgreSQL connection forks a
    # server process and authenticates, a few milliseconds on every page. Checked before
    # reuse, so a restarted database costs one error-free reconnect, not a 500.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A staff room submitting at once: WAL lets readers carry on while one writes; every
    # transaction takes the write lock when it begins (IMMEDIATE), so a writer waits its
    # turn (up to `timeout` seconds) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "esafety.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# NCSC guidance: long passwords and a deny-list, no forced periodic changes. The 2018
# policy's termly password changes are outdated and deliberately not implemented.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Sign-in with a trust's Microsoft or Google accounts (django-allauth's OpenID Connect
# provider, one app per trust and provider, built from TrustSignIn rows by the adapter).
# Only existing people are matched, by the provider's verified email: nobody signs up
# through it, and allauth's own account pages (passwords, email addresses) are off: our
# password sign-in stays as it is. Allauth's email matching stays off too: it would make
# the person's password unusable on their first provider sign-in.
SOCIALACCOUNT_ADAPTER = "esafety.sso.adapter.TrustSignInAdapter"
ACCOUNT_ADAPTER = "esafety.sso.adapter.QuietAccountAdapter"
SOCIALACCOUNT_ONLY = True
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https"
)
# Keys that encrypt stored secrets (esafety.secrets): the first encrypts, each decrypts.
SECRETS_ENCRYPTION_KEYS = env.list("SECRETS_ENCRYPTION_KEYS", default=[])

# The seed policy: "enforce lock-out after 10 minutes idle time".
IDLE_TIMEOUT_SECONDS = env.int("IDLE_TIMEOUT_SECONDS", default=600)
IDLE_WARNING_SECONDS = 60  # warn this long before the lock-out
IDLE_WRITE_SECONDS = IDLE_TIMEOUT_SECONDS / 60  # how often a request moves the idle timer on
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Retention: allegations about staff are kept at least until normal retirement age (the
# state pension age, 67 for most people working now; esafety/retention/registry.py).
ESAFETY_RETIREMENT_AGE = env.int("ESAFETY_RETIREMENT_AGE", default=67)

# Two-factor authentication (DfE cyber security standards: MFA for accounts with access
# to personal data). `make run` turns it off for the demo so every login works at once.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="E-safety manager")

# A form may send up to 10,000 fields (Django's default is 1,000): the devices weekly check
# ticks a whole school's inventory in one submit. DATA_UPLOAD_MAX_MEMORY_SIZE still caps it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock an account from an address after repeated failures, and log it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (USERNAME_FIELD is email)
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failed attempt, for the audit trail
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "en-gb"
# One time format everywhere: the 24-hour clock (see esafety/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["esafety.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="E-safety manager <no-reply@localhost>")

# Celery. Production: Redis. Embedded default: kombu's filesystem transport, so
# `make run` has a real worker and beat with no Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Every folder under var/celery/ (kombu's default control folder is ./control);
    # esafety/celery.py creates them, so no command needs them made beforehand.
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
SWEEP_INTERVAL_SECONDS = env.int("SWEEP_INTERVAL_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "deadline-sweep": {
        "task": "esafety.tasks.run_sweeps_task",
        "schedule": SWEEP_INTERVAL_SECONDS,
        # A sweep that waited longer than its interval is dropped: the next one covers it.
        "options": {"expires": SWEEP_INTERVAL_SECONDS - 30},
    },
    # Each school's MIS sync, nightly (a school may also press "sync now").
    "roster-nightly-sync": {
        "task": "roster.tasks.sync_all_schools",
        "schedule": crontab(hour=2, minute=15),
        # Missed by more than an hour (beat or the broker down): tomorrow's run covers it.
        "options": {"expires": 60 * 60},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Content-Security-Policy: only our own scripts and styles; no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# HTTPS everywhere outside DEBUG (check --deploy passes on these).
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# SERVER_LOG_LEVEL (runserver's line per request) and AXES_LOG_LEVEL (a line per sign-in):
# `make run` sets both to WARNING, so a click adds no lines and the demo logins stay on the
# screen, while a 404, a 500 or a lock-out is still shown.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Through the root handler only: Django's own console handler (DEBUG) printed
        # each of its messages twice.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {
            "handlers": ["django.server"],
            "level": env("SERVER_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        "axes": {
            "handlers": ["console"],
            "level": env("AXES_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Cache: the figures layer (esafety/figures.py) and rendered PDFs' bytes. Production:
# Redis (CACHE_URL, or REDIS_URL, e.g. redis://redis:6379/1), shared by every worker so a
# change seen by one is seen by all. Embedded default: local memory, per process.
CACHES = {
    "default": env.cache_url_config(
        env("CACHE_URL", default="") or env("REDIS_URL", default="") or "locmemcache://esafety"
    )
}


def installation_cache_prefix(database: dict) -> str:
    """A cache key prefix of this installation's own, from the database it keeps its records
    in: the site and its worker (same database) share their cache; two installations
    sharing one Redis database (different databases) never read each other's figures,
    pages or sessions."""
    where = "|".join(str(database.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))
    return "esafety-" + hashlib.sha256(where.encode()).hexdigest()[:12]


# Every key starts with the installation's prefix: CACHE_KEY_PREFIX, else `?key_prefix=` in
# CACHE_URL (django-environ hands it over in lower case, which Django would ignore), else
# one worked out from the database.
_url_key_prefix = CACHES["default"].pop("key_prefix", "")
CACHES["default"]["KEY_PREFIX"] = (
    env("CACHE_KEY_PREFIX", default="")
    or _url_key_prefix
    or installation_cache_prefix(DATABASES["default"])
)
# The broker's keys too (queues, bindings, unacknowledged tasks): two installations on one
# Redis never run each other's tasks against their own records. CELERY_KEY_PREFIX sets it;
# the site, its worker and beat must agree (they do when they share the database settings).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "global_keyprefix": env("CELERY_KEY_PREFIX", default="")
        or f"{CACHES['default']['KEY_PREFIX']}:"
    }
SHARED_CACHE = CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
if SHARED_CACHE:
    CACHES["default"]["BACKEND"] = "esafety.cache.ReusedClientRedisCache"  # see esafety/cache.py
# Sessions: with a cache every worker shares (Redis), read from it and written to both the
# cache and the database (one query fewer on every page; a session the cache has lost is
# read from the database). With each process's own memory, from the database only: a
# logout or idle lock-out in one worker must end the session in all of them.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)
# Figures (esafety/figures.py): with a cache every process shares, a change has its
# figures counted again by the worker in the background, and readers are given the last
# figures, with their "as at" time, for at most FIGURES_STALE_SECONDS after they went
# stale (then a reader counts its school itself). With each process's own memory (the
# embedded default) the worker's counts would be seen by nobody, and with tasks run in
# the request there is no background: readers count at once.
FIGURES_STALE_SECONDS = env.int(
    "FIGURES_STALE_SECONDS",
    default=120 if SHARED_CACHE and not CELERY_TASK_ALWAYS_EAGER else 0,
)
# A burst of changes (a campaign's 500 signatures) is counted once, this long after the first.
FIGURES_COALESCE_SECONDS = env.float("FIGURES_COALESCE_SECONDS", default=2.0)
# How long a rendered PDF's bytes stay in the cache (keyed on what it shows; see pdf.py).
PDF_CACHE_SECONDS = env.int("PDF_CACHE_SECONDS", default=15 * 60)

# The API (esafety/api/): integrations' keys only (no session, so no CSRF), JSON in and
# out, the pages' rules through each key's scopes, a rate per key, pages of 100.
API_RATE = env("API_RATE", default="3000/minute")
API_USES_KEPT_DAYS = env.int("API_USES_KEPT_DAYS", default=90)  # the keys' use log
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["esafety.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["esafety.api.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["esafety.api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "esafety.api.base.handle_exception",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "E-safety manager API",
    "DESCRIPTION": (
        "For a school's integrations: monitoring products send alerts, management tools "
        "read and update records. Each key belongs to one school and may do only what its "
        "scopes allow; send it as `Authorization: Bearer <key>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "DeviceStatusEnum": "devices.models.Status",
        "DeviceKindEnum": "devices.models.Kind",
        "AlertAnswerEnum": ["raised", "folded", "held"],
        "AnswerEnum": "incidents.models.Answer",
        "PersonKindEnum": "incidents.models.PersonKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "esafety.api.base.no_additional_properties",
    ],
}

# Monitoring alerts (incidents/monitoring.py): repeats about the same pupil and category
# within this many minutes of the last fold into its open incident.
MONITORING_FOLD_MINUTES = env.int("MONITORING_FOLD_MINUTES", default=60)
