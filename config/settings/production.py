"""Production: everything secure by default; secrets and hosts must come from the environment."""

from .base import *  # noqa: F403
from .base import SMTP_MAILER, env_bool, env_int, env_str

DEBUG = False
MAILERS = {"default": SMTP_MAILER}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set in production")
if not REDIS_URL:  # noqa: F405
    raise RuntimeError(
        "REDIS_URL must be set in production: API throttles and the login lockout count in "
        "the shared cache there (without it every web process keeps its own count, and the "
        "limits multiply by the number of processes)"
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
