"""Every route of the URL configuration, for the tests that cover each one without anyone
remembering to add it (the permission matrix, the malformed-request middleware)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself when the route has no name
    pattern: str  # the whole path pattern, prefixes included
    parameters: tuple[str, ...]


def walk(
    patterns=None, prefix: str = "", namespace: str = "", *, admin: bool = True
) -> Iterator[Route]:
    """The routes below `patterns` (the whole URL configuration by default), the admin's
    among them unless `admin` is False."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" and not admin:
                continue
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from walk(
                entry.url_patterns, prefix + str(entry.pattern), inner.strip(":"), admin=admin
            )
        elif isinstance(entry, URLPattern):
            name = entry.name or str(entry.pattern)
            full = f"{namespace}:{name}" if namespace and entry.name else name
            # path(): its converters; re_path(): its named groups (api_not_found's `rest`).
            regex_groups = tuple(entry.pattern.regex.groupindex)
            parameters = tuple(entry.pattern.converters) or regex_groups
            yield Route(full, prefix + str(entry.pattern), parameters)
