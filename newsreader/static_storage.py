"""The static files storage: whitenoise's compressed manifest, with the imports between our
JavaScript modules rewritten to the hashed names (annotate.js and review.js import spans.js):
a hashed module, cached for a year, must never import an unhashed file that a later deploy
changes under it."""

from __future__ import annotations

from collections.abc import Callable

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]

# Our own modules. Vendored packages' scripts (django-htmx's extensions import "../htmx",
# a file they do not ship) are copied as they come.
OWN_SCRIPTS = "js/"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None) -> Callable:
        if name.endswith(".js") and not name.startswith(OWN_SCRIPTS):
            return lambda matchobj: matchobj["matched"]
        return super().url_converter(name, hashed_files, template)
