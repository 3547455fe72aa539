from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Tests run tasks in-process unless a test starts a real worker on purpose.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"
# Each test counts throttles and login failures on its own, even when REDIS_URL is set for
# the worker tests: a shared Redis cache would carry counts between tests and workers (and
# cache.clear() would flush the broker's database). tests/security/test_shared_limits.py
# checks the shared cache itself, in processes of their own on the base settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Flushing the test database between transactional tests truncates every table; this
    # session opts in to truncating measurement events (the trigger refuses everyone else).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c measurement.allow_truncate=on"  # noqa: F405
# The holdout hides a share of new candidates; tests that are not about it expect every
# candidate in the queue. tests/signals/test_holdout.py and tests/measurement/test_lift.py
# turn it on.
HOLDOUT_ENABLED = False
