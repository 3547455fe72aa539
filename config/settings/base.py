"""Settings for every environment, read from the environment (12-factor).

With nothing set, the app runs on a SQLite file in the project folder and Celery
runs tasks eagerly in-process, so `make run` needs nothing else installed.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
# Off unless asked for (DEBUG=1): even `make run` shows the app's own 403/404/500 pages,
# not Django's technical pages that list every URL.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "signals",
    "reviews",
    "measurement",
    "handoff",
    "digests",
    "planning",
    "plays",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: one size limit for pages and the API, answered 413.
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.DeniedAccessLogMiddleware",
    "core.middleware.ServiceUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The audit log names who failed to sign in and from where (never the password).
AXES_SENSITIVE_PARAMETERS: list[str] = []

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an eager task writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The dashboard's cohort index (signals.Candidate, candidate_cohort) carries INCLUDE
    # columns for PostgreSQL's index-only scan; SQLite builds it on its key alone.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without DEBUG, WhiteNoise serves the app's static files straight from static/ in
# development; production collects them (config/settings/production.py).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy (Django 6 built-in): no inline scripts or styles anywhere.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# One cap on request bodies, pages and API alike (core.middleware.RequestBodyLimitMiddleware
# answers 413 with the limit). 10 MB holds a full API batch of 10,000 records of about 1 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_BODY_MAX_BYTES", 10 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON (the import format's records); forms are for the browser pages.
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Per user, counted in the cache (Redis when configured): imports, decisions, other
    # writes and reads each have their own budget (core.api.ScopedThrottle; 429 + Retry-After).
    "DEFAULT_THROTTLE_CLASSES": ["core.api.ScopedThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "ingest": env_str("THROTTLE_INGEST", "120/min"),
        "decisions": env_str("THROTTLE_DECISIONS", "240/min"),
        "write": env_str("THROTTLE_WRITE", "240/min"),
        "read": env_str("THROTTLE_READ", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Account Expansion Signals API",
    "DESCRIPTION": "Evidence import (the format of docs/import-format.md), accounts and their evidence.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.add_error_responses"],
}

# Celery: without a broker URL tasks run eagerly in-process (the embedded default).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never contacted: tasks run in-process
CELERY_TASK_EAGER_PROPAGATES = True
# Results are kept only by tasks that ask for them (ignore_result=False): the full
# rescore's chunk tasks, whose counts feed the chord's summary. A chord needs a backend;
# it is the broker's Redis unless CELERY_RESULT_BACKEND says otherwise.
CELERY_RESULT_BACKEND = (
    None if CELERY_TASK_ALWAYS_EAGER else env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message taken by a worker that dies is redelivered after this many seconds: longer
# than any task runs (tasks are idempotent, so a redelivery is harmless, only wasted work).
# A broker that accepts connections but never answers (Redis paused or overloaded, a
# half-open connection) must not hold a web request: connecting, every socket read and
# write, and so each publish give up after BROKER_TIMEOUT seconds, and a publish is tried
# once. Enqueueing then fails in about that time and the nightly rescore catches up
# (signals.tasks.enqueue_scoring), as when the broker is down. Longer than the worker's
# one-second BRPOP poll, so idle workers are not disturbed.
BROKER_TIMEOUT = env_int("BROKER_TIMEOUT", 2)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3 * 3600),
    # A worker killed while it held the broker's "restore unacked tasks" lock keeps every
    # other worker from redelivering for this long (kombu's default, 5 minutes).
    "unacked_mutex_expire": env_int("CELERY_UNACKED_MUTEX_EXPIRE", 300),
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": BROKER_TIMEOUT,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")

# Throttle counts (DRF) and login failures (django-axes) must be shared by every web
# process: with a per-process cache each gunicorn worker kept its own count, and three
# workers let through three times the limit. With Redis configured they live there; the
# embedded default (one process, no Redis) keeps Django's in-process cache and axes'
# database handler. Production refuses to start without REDIS_URL (production.py).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("CACHE_URL", REDIS_URL),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "expansion"),
            # A hung Redis must not hold a request for long (see BROKER_TIMEOUT).
            "OPTIONS": {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT},
        }
    }
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    AXES_CACHE = "default"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = "UTC"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # denied access and failed logins (who, what, when)
        "security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "nightly-rescore": {"task": "signals.rescore_all", "schedule": crontab(hour=2, minute=0)},
    "return-deferrals": {"task": "signals.return_deferrals", "schedule": crontab(hour=6, minute=0)},
    "monthly-review": {"task": "reviews.monthly_review", "schedule": crontab(day_of_month=1, hour=5, minute=0)},
    # the outbox's safety net: deliveries whose task was lost, or whose worker died
    "handoff-deliver-due": {"task": "handoff.deliver_due", "schedule": 60.0},
    # hourly: each owner's digest goes out when it is DIGEST_HOUR in their time zone
    "digests": {"task": "digests.send_due", "schedule": crontab(minute=0)},
    # daily: digest records older than DIGEST_RECORD_DAYS are deleted
    "digests-prune": {"task": "digests.prune", "schedule": crontab(hour=3, minute=30)},
    # the dashboard's rollup folds in new decisions and events (measurement/rollup.py)
    "dashboard-rollup": {"task": "measurement.rollup_refresh", "schedule": 60.0},
}
# The dashboard reads each signal's decision and follow-up facts from its rollup
# (measurement/rollup.py); 0 computes every figure from the events alone (benchmarks).
DASHBOARD_ROLLUP = env_bool("DASHBOARD_ROLLUP", True)
BRIEF_WRITER = env_str("BRIEF_WRITER", "signals.engine.brief.TemplateBriefWriter")

# Retrain the classifier in the background once this many owners' false-positive reports
# have been confirmed by an admin beyond what the active model was trained on (0: never).
CLASSIFIER_RETRAIN_AFTER = env_int("CLASSIFIER_RETRAIN_AFTER", 20)

# Hand-off webhooks (docs/handoff.md). Links in payloads and e-mails start with SITE_URL.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
HANDOFF_TIMEOUT_SECONDS = env_int("HANDOFF_TIMEOUT_SECONDS", 10)
HANDOFF_MAX_ATTEMPTS = env_int("HANDOFF_MAX_ATTEMPTS", 8)
# 30 s, 1 min, 2 min ... capped at 1 h: eight attempts span about an hour.
HANDOFF_RETRY_BASE_SECONDS = env_int("HANDOFF_RETRY_BASE_SECONDS", 30)
HANDOFF_RETRY_MAX_SECONDS = env_int("HANDOFF_RETRY_MAX_SECONDS", 3600)
# A delivery claimed by a worker that died is taken again after this (longer than the timeout).
HANDOFF_LEASE_SECONDS = env_int("HANDOFF_LEASE_SECONDS", 60)

# The draft first message (docs: README "The draft message"). The template writer is
# deterministic; an OpenAI-compatible writer is used only when its draft passes the checks.
MESSAGE_WRITER = env_str("MESSAGE_WRITER", "handoff.drafts.writers.TemplateDraftWriter")
MESSAGE_LLM_URL = env_str("MESSAGE_LLM_URL", "http://127.0.0.1:11434/v1")  # e.g. Ollama
MESSAGE_LLM_MODEL = env_str("MESSAGE_LLM_MODEL", "llama3.1")
MESSAGE_LLM_KEY = env_str("MESSAGE_LLM_KEY")
MESSAGE_LLM_TIMEOUT_SECONDS = env_int("MESSAGE_LLM_TIMEOUT_SECONDS", 20)
# Drafts are cached per candidate version and writer: a model is asked once per version;
# one that could not be reached (connection, timeout, 5xx) is asked again after the retry time.
MESSAGE_DRAFT_CACHE_SECONDS = env_int("MESSAGE_DRAFT_CACHE_SECONDS", 30 * 24 * 3600)
MESSAGE_LLM_RETRY_SECONDS = env_int("MESSAGE_LLM_RETRY_SECONDS", 300)

# E-mail (digests): SMTP to EMAIL_HOST. In development without EMAIL_HOST, mail is
# printed to the console instead (production always uses SMTP, localhost by default).
EMAIL_HOST_ENV = env_str("EMAIL_HOST")
_EMAIL_PORT = env_int("EMAIL_PORT", 587)
SMTP_MAILER = {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {
        "host": EMAIL_HOST_ENV or "localhost",
        "port": _EMAIL_PORT,
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", _EMAIL_PORT == 587),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    },
}
MAILERS = {
    "default": SMTP_MAILER
    if EMAIL_HOST_ENV or not DEBUG
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Expansion Signals <signals@localhost>")
DIGEST_HOUR = env_int("DIGEST_HOUR", 8)
# A failed digest send is tried again after 60 s, 120 s, 240 s... (capped), at most this many times.
DIGEST_MAX_ATTEMPTS = env_int("DIGEST_MAX_ATTEMPTS", 5)
DIGEST_RETRY_BASE_SECONDS = env_int("DIGEST_RETRY_BASE_SECONDS", 60)
DIGEST_RETRY_MAX_SECONDS = env_int("DIGEST_RETRY_MAX_SECONDS", 1800)
# Digest records (one per user, kind and day) are kept this long, then deleted daily.
DIGEST_RECORD_DAYS = env_int("DIGEST_RECORD_DAYS", 90)

# Proof of lift (signals/holdout.py): the share held out is the rule holdout_share; the
# draw is a keyed hash, so it is reproducible with this key and never flips on a rescore.
HOLDOUT_ENABLED = env_bool("HOLDOUT_ENABLED", True)
HOLDOUT_KEY = env_str("HOLDOUT_KEY", "") or SECRET_KEY
# A customer's own concrete request (buying intent, in a message or ticket) is never held
# out: withholding "please send the order form" from its owner costs the relationship more
# than the experiment gains. True holds those out too (a stricter experiment).
HOLDOUT_EXPLICIT_ASKS = env_bool("HOLDOUT_EXPLICIT_ASKS", False)
# The lift the panel's "candidates still needed" plans to detect (docs/measurement.md):
# a share, 0.10 = 10 percentage points over the pooled expansion rate.
LIFT_MIN_DETECTABLE = float(env_str("LIFT_MIN_DETECTABLE", "0.10"))
