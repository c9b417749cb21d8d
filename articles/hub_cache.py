"""The hub pages' caching: the topics, speakers and outlets indexes, a tag's, a speaker's and
an outlet's page, and the claims.

A hub page gathers rows from the whole site, so its version is one number for the whole
site: the hubs' version, a sequence every write a hub can show bumps
(articles/sql/hubs_version.sql). For anonymous readers the final bytes (gzip-compressed once
for a client that takes gzip) are kept under that number and the page's variant, as the
article page's are (`page_cache.anonymous_page_key`), and served for one query and a cache
lookup. Their strong ETag is a digest of the bytes themselves, so it is right even for a
page rendered while a write was committing (the number is visible before the write is;
that page is kept HUB_CACHE_SECONDS at most). A conditional GET that matches a kept page is
answered 304. `Cache-Control: public, max-age, stale-while-revalidate` (settings
HTTP_CACHE_*); signed-in readers' pages are `private` and never kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from articles.middleware import gzip_body
from articles.page_cache import VARY, anonymous_page_key

HUB_CACHE_SECONDS = 60
HUBS_VERSION_SQL = "SELECT last_value, is_called FROM articles_hubs_version_seq"


def hubs_version() -> int:
    """The hubs' version: one query reading one row of a sequence."""
    with connection.cursor() as cursor:
        cursor.execute(HUBS_VERSION_SQL)
        last_value, is_called = cursor.fetchone()
    return last_value if is_called else 0


def _http_caching(response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag
    patch_cache_control(
        response,
        public=True,
        max_age=settings.HTTP_CACHE_MAX_AGE,
        stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, VARY)


def hub_page(
    request: HttpRequest, render: Callable[[], HttpResponse], *, fragment: bool
) -> HttpResponse:
    """The hub page `render()` makes, kept and validated for anonymous readers (see the
    module's docstring); just `render()`, marked `private`, for everyone else. Responses
    other than a 200 (a redirect, a 404) are passed on as they are."""
    key = anonymous_page_key(request, ["hubs", hubs_version()], fragment=fragment)
    if key is None:
        response = render()
        patch_cache_control(response, private=True)
        return response
    stored = cache.get(key)
    if stored is None:
        response = render()
        if response.status_code != 200 or response.streaming:
            return response
        content, encoding = response.content, ""
        if "gzip" in request.headers.get("Accept-Encoding", "") and len(content) >= 200:
            compressed = gzip_body(content)
            if len(compressed) < len(content):
                content, encoding = compressed, "gzip"
        etag = '"' + hashlib.sha256(content).hexdigest()[:40] + '"'
        stored = (response["Content-Type"], encoding, content, etag)
        cache.set(key, stored, HUB_CACHE_SECONDS)
    content_type, encoding, content, etag = stored
    conditional = get_conditional_response(request, etag=etag)
    if conditional is not None:  # 304, or 412 for an If-Match that fails
        _http_caching(conditional, etag)
        return conditional
    response = HttpResponse(content, content_type=content_type)
    if encoding:
        response["Content-Encoding"] = encoding
    _http_caching(response, etag)
    return response
