"""Page versions, and the caches keyed by them: rendered fragments, and whole responses for
anonymous readers.

A page's version holds, as comparable values, everything it shows of the article, its
outlet and its annotations: equal versions, equal pages. Rendered fragments are cached
under it for everyone (`fragment_key`). An anonymous visitor's page holds nothing personal
(no CSRF token, no name, no editor tools), so the final bytes, gzip-compressed once when
the client takes gzip, can be kept under the version of what the page shows and served
again for one query (the version) and a cache lookup. Signed-in users, requests with
pending messages and anything but GET are never cached. The response says
`Vary: Cookie, HX-Request, Accept-Encoding`, so shared caches keep the variants apart as
well.

HTTP caching rides on the same key: an anonymous page's strong `ETag` is its cache key (so
it differs per variant: fragment or page, gzip or not, host, path) and its `Last-Modified`
the latest time of the article, its outlet and its annotations
(`AnnotationsVersion.changed_at`), left out within the second of a change;
`Cache-Control: public, max-age, stale-while-revalidate` lets a CDN or proxy keep it
(settings HTTP_CACHE_*). A conditional GET that matches (If-None-Match, or
If-Modified-Since without it) is answered 304 on the version's query alone, before the
cache lookup. Signed-in pages are `private`.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from articles.middleware import gzip_body

if TYPE_CHECKING:
    from articles.models import Article

PAGE_CACHE_SECONDS = 3600
VARY = ("Cookie", "HX-Request", "Accept-Encoding")


def page_version(
    pk: int, updated_at: datetime.datetime, outlet_slug: str, outlet_name: str, annotations: int
) -> list:
    """What a reading page shows of the article, its outlet and its annotations, as
    comparable values: equal versions, equal pages. The arguments are the row of
    `Article.objects.page_version(slug)`."""
    # The outlet's name is in the byline and the JSON-LD; renaming it changes the page.
    return [pk, updated_at.isoformat(), outlet_slug, outlet_name, annotations]


def article_version(article: Article) -> list:
    """`page_version` of an article from `Article.objects.for_reading_page()`."""
    return page_version(
        article.pk,
        article.updated_at,
        article.outlet.slug,
        article.outlet.name,
        article.annotation_version,
    )


def fragment_key(
    request: HttpRequest, article: Article, filters: dict[str, str], suggestions: bool
) -> str:
    """The cache key of the article page's rendered fragments at the article's version.

    The fragments hold absolute URLs (the JSON-LD's), so scheme and host are part of it.
    """
    parts = [
        *article_version(article),
        suggestions,
        sorted(filters.items()),
        request.scheme,
        request.get_host(),
    ]
    return "article-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def anonymous_page_key(request: HttpRequest, version: object, *, fragment: bool) -> str | None:
    """The cache key of this anonymous GET of a page at `version`, or None: not cacheable.

    The key covers everything the page is built from besides `version`: scheme, host,
    full path (the login link carries it), fragment or whole page, and gzip or not.
    """
    if request.method != "GET" or request.user.is_authenticated or get_messages(request):
        return None
    parts = (
        version,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        fragment,
        _accepts_gzip(request),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _etag(key: str) -> str:
    # The key already names the variant and version; its hash is opaque and strong.
    return '"' + key.removeprefix("page:")[:40] + '"'


def _http_caching(response: HttpResponse, key: str, modified: datetime.datetime | None) -> None:
    response["ETag"] = _etag(key)
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    patch_cache_control(
        response,
        public=True,
        max_age=settings.HTTP_CACHE_MAX_AGE,
        stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, VARY)


def cached_page(
    request: HttpRequest,
    key: str | None,
    render: Callable[[], HttpResponse],
    *,
    modified: datetime.datetime | None,
) -> HttpResponse:
    """The response stored under `key`, else `render()`'s, stored (compressed for a client
    that takes gzip) when it is a 200; a 304 when If-None-Match holds `key`'s ETag or,
    without If-None-Match, If-Modified-Since is no earlier than `modified` (the page's last
    change; None when that is too recent to date to the second, and then no 304 by date).
    Without a key (signed in, messages, not a GET), just `render()`, marked `private`."""
    if key is None:
        response = render()
        patch_cache_control(response, private=True)
        return response
    conditional = get_conditional_response(
        request,
        etag=_etag(key),
        last_modified=None if modified is None else int(modified.timestamp()),
    )
    if conditional is not None:  # 304, or 412 for an If-Match that fails
        _http_caching(conditional, key, modified)
        return conditional
    stored = cache.get(key)
    if stored is None:
        response = render()
        if response.status_code != 200 or response.streaming:
            return response
        content_type = response["Content-Type"]
        encoding = ""
        content = response.content
        if _accepts_gzip(request) and len(content) >= 200:
            compressed = gzip_body(content)
            if len(compressed) < len(content):
                content, encoding = compressed, "gzip"
        stored = (content_type, encoding, content)
        cache.set(key, stored, PAGE_CACHE_SECONDS)
    content_type, encoding, content = stored
    response = HttpResponse(content, content_type=content_type)
    if encoding:
        response["Content-Encoding"] = encoding
    _http_caching(response, key, modified)
    return response
