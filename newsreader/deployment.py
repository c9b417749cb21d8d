"""Checks a server makes before it answers its first request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages


def require_static_manifest() -> None:
    """With DEBUG off, the manifest storage needs the manifest `collectstatic` writes: without
    it every `{% static %}` raises, so every page would be a 500. Refuse to start instead."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return
    if not storage.manifest_storage.exists(storage.manifest_name):
        raise ImproperlyConfigured(
            f"No static files manifest ({storage.manifest_storage.path(storage.manifest_name)}): "
            "with DEBUG off, pages cannot name their static files. Run "
            "`python manage.py collectstatic --noinput` with these settings before serving "
            "(the Docker image does it when it is built)."
        )
