"""Settings for the test suite: the real settings with fast hashing and plain static files."""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from newsreader.settings import *  # noqa: F403

# The manifest storage 404s under live_server; tests don't run collectstatic.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# No collectstatic in tests; silence whitenoise's warning about the missing folder.
WHITENOISE_AUTOREFRESH = True
# Other connections cannot see a test's own transaction: import on the test's connection
# unless a test asks for --jobs.
IMPORT_JOBS = 1
# Each test process its own memory cache whatever CACHE_URL says: parallel workers clearing
# one shared Redis would clear each other's. tests/test_two_processes.py runs real servers
# against a Redis of its own.
CACHES = caches_from_url("locmem://")  # noqa: F405
