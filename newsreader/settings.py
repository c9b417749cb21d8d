"""Newsreader settings: one file, driven by environment variables (see .env.example)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsreader import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Local mode: `make setup` writes .env (DEBUG, a generated SECRET_KEY); real env wins."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.lstrip().startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


_load_dotenv(BASE_DIR / ".env")


def envbool(name: str, default: str = "False") -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    # django-ninja's app ships the docs page's Swagger UI as static files (served by
    # whitenoise): with it installed, /api/docs loads nothing from a CDN.
    "ninja",
    "articles",
]

MIDDLEWARE = [
    # /healthz and /healthz/ready, before host validation and HTTPS redirects (see health.py).
    "newsreader.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy, on static files and error pages too.
    "newsreader.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sessions and auth (its 400 page shows who is signed in), before any view.
    "articles.middleware.MalformedRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "articles.middleware.LoginRequiredForReadingMiddleware",
]

ROOT_URLCONF = "newsreader.urls"
WSGI_APPLICATION = "newsreader.wsgi.application"

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
                "articles.context_processors.roles",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES: dict[str, Any]
if os.getenv("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.postgresql", **embedded_db.connection_settings()}
    }
DATABASES["default"]["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Server-side binding lets psycopg prepare a statement the second time a connection runs it:
# the API's and the pages' statements are few and repeated, and planning them was 7-10 ms of
# a 20 ms API page at 1,000,000 annotations (bench/export.py). A pooler in transaction mode
# (pgbouncer before 1.21) cannot keep prepared statements: DB_PREPARE=false turns this off.
if envbool("DB_PREPARE", "true"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def caches_from_url(url: str, key_prefix: str = "newsreader") -> dict[str, dict[str, Any]]:
    """CACHES for `CACHE_URL`: Django's built-in Redis cache for redis://, rediss:// and
    unix:// (a socket) URLs, shared by every process that names the same server (where
    Redis is unreachable, a miss: newsreader/cache.py); this process's memory (locmem://, or
    empty: local mode) otherwise.

    What is cached is keyed by versions kept in the database (articles/page_cache.py), never
    by anything one process holds, so any number of web processes can share one Redis.
    """
    scheme = url.partition("://")[0].lower() if "://" in url else url.lower()
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "default": {
                "BACKEND": "newsreader.cache.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": key_prefix,
            }
        }
    if scheme in {"", "locmem"}:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "KEY_PREFIX": key_prefix,
            }
        }
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r}: expected redis://host:6379/0, rediss://…, unix:///path/redis.sock "
        "or locmem:// (each process's own memory, the default)."
    )


# One Redis for every web process and machine; unset, each process caches in its memory.
CACHES = caches_from_url(
    os.getenv("CACHE_URL") or os.getenv("REDIS_URL") or "",
    key_prefix=os.getenv("CACHE_KEY_PREFIX", "newsreader"),
)

# The logged-in user comes with their editor status in one query (see the backend).
AUTHENTICATION_BACKENDS = ["articles.permissions.EditorAwareBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "articles.views.errors.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:home"
LOGOUT_REDIRECT_URL = None  # registration/logged_out.html confirms it

LANGUAGE_CODE = "en"
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# The manifest storage whatever DEBUG is, so `collectstatic` always writes staticfiles.json
# (a collectstatic run under the local .env used to write none, and every page was then a
# 500 with DEBUG off). With DEBUG on, `{% static %}` gives plain names and needs no manifest;
# with DEBUG off, wsgi.py refuses to start without one (newsreader/deployment.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.getenv("STATICFILES_BACKEND", "newsreader.static_storage.StaticFilesStorage")
    },
}

# Who the W3C Web Annotations name as creator when the editor has no full name: editors'
# login names are never published.
NEWSROOM_NAME = os.getenv("NEWSROOM_NAME", "Newsreader newsroom")

# HTTP caching of anonymous pages (articles/page_cache.py): a shared cache (CDN, nginx) may
# serve a page this many seconds without asking, then serve it stale this many more while it
# revalidates (a 304 costs the page version's one query). Signed-in pages are `private`.
HTTP_CACHE_MAX_AGE = envint("HTTP_CACHE_MAX_AGE", 60)
HTTP_CACHE_STALE_WHILE_REVALIDATE = envint("HTTP_CACHE_STALE_WHILE_REVALIDATE", 300)

# Reading is public unless the newsroom wants it behind a login.
READING_REQUIRES_LOGIN = envbool("READING_REQUIRES_LOGIN")

# The API (articles/api/): failed token authentications allowed per client address in a
# window before it answers 429 with Retry-After (counted in the default cache).
API_AUTH_FAILURE_LIMIT = envint("API_AUTH_FAILURE_LIMIT", 10)
API_AUTH_FAILURE_WINDOW = envint("API_AUTH_FAILURE_WINDOW", 60)
# A token's last-used time is written at most this often (seconds), not on every request.
API_TOKEN_TOUCH_INTERVAL = envint("API_TOKEN_TOUCH_INTERVAL", 60)

# Import limits: an upload is rejected with a clear message past these.
IMPORT_MAX_FILE_BYTES = envint("IMPORT_MAX_FILE_BYTES", 2 * 1024 * 1024)
IMPORT_MAX_FILES = envint("IMPORT_MAX_FILES", 5000)
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", 100)
DATA_UPLOAD_MAX_NUMBER_FILES = IMPORT_MAX_FILES
# `import_articles --jobs` default: an import process per CPU core, each with its own
# database connection, at most four.
# A re-imported file with a stored article's original URL but new content makes a new
# version of that article; false: it is reported as a duplicate, as before.
IMPORT_UPDATES = envbool("IMPORT_UPDATES", "True")
IMPORT_JOBS = envint("IMPORT_JOBS", max(1, min(os.cpu_count() or 1, 4)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Production hardening; `manage.py check --deploy` runs against these in `make test`.
# Trusting X-Forwarded-Proto is safe only when every request comes through a proxy that sets
# it: where gunicorn is reachable directly, anyone could claim HTTPS and skip the redirect.
if envbool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(not DEBUG))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Sent on every response by newsreader.security_headers (which says why each source suffices).
# Everything the pages load comes from this origin; nothing runs or styles inline.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],  # htmx requests
    "manifest-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],  # as X-Frame-Options: DENY, for browsers that prefer CSP
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# No page uses any of these browser features: deny them to the page and to anything embedded.
# Only features Chromium knows: an unknown name is a console warning on every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    name: []
    for name in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
