"""The W3C Web Annotation Protocol, read-only: each published annotation, each article's
collection, and the site-wide container, as JSON-LD (`articles.web_annotation` builds it).

Every response carries the protocol's headers (Content-Type with the anno.jsonld profile,
ETag, Allow, Vary, Link with the resource's LDP type). ETags come from versions the database
keeps (the article's annotations version, the sequence behind every version), so a
revalidation with If-None-Match costs one query and answers 304.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from articles import web_annotation as wa
from articles import web_annotation_pages as pages
from articles.http import HtmxHttpRequest
from articles.models import Annotation, Article

ALLOW = "GET, HEAD, OPTIONS"
CONTAINER_LINK = f'<{wa.LDP_BASIC_CONTAINER}>; rel="type"'
RESOURCE_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
ACCEPTABLE = ("application/ld+json", "application/json", "application/*", "*/*")
RESPONSE_CACHE_SECONDS = 3600


def _protocol_headers(response: HttpResponse, link: str, etag: str | None = None) -> None:
    response["Allow"] = ALLOW
    response["Link"] = link
    if etag is not None:
        response["ETag"] = etag
    patch_vary_headers(response, ("Accept", "Prefer"))


def _error(status: int, message: str, link: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": message}), status=status, content_type="application/json"
    )
    _protocol_headers(response, link)
    return response


def w3c_resource(link: str) -> Callable:
    """GET and HEAD answer JSON-LD, OPTIONS the methods; anything else 405, and a client
    that accepts neither JSON-LD nor JSON gets 406, all with the protocol's headers."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HtmxHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=200, content_type=wa.CONTENT_TYPE)
                _protocol_headers(response, link)
                return response
            if request.method not in ("GET", "HEAD"):
                return _error(405, f"Only {ALLOW} are allowed here.", link)
            accept = request.headers.get("Accept", "")
            ranges = [part.split(";")[0].strip().lower() for part in accept.split(",")]
            if accept.strip() and not any(r in ACCEPTABLE for r in ranges):
                return _error(406, f"This resource is served as {wa.CONTENT_TYPE} only.", link)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _site(request: HtmxHttpRequest) -> wa.Site:
    return wa.Site(base=f"{request.scheme}://{request.get_host()}", newsroom=settings.NEWSROOM_NAME)


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _fresh(request: HtmxHttpRequest, etag: str) -> bool:
    """If-None-Match names `etag` (weak or strong: gzip makes ours weak) or is `*`."""
    header = request.headers.get("If-None-Match", "")
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return etag in tags or header.strip() == "*"


def _json_ld(data: dict, link: str, etag: str, *, applied: bool = False) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return _json_ld_response(body, link, etag, applied=applied)


def _json_ld_response(body: bytes, link: str, etag: str, *, applied: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=wa.CONTENT_TYPE)
    _protocol_headers(response, link, etag)
    if applied:
        response["Preference-Applied"] = "return=representation"
    return response


def _cached(etag: str, link: str, build: Callable[[], HttpResponse]) -> HttpResponse:
    """The response whose ETag is `etag`, from the cache or `build()`'s (then stored).

    The ETag covers everything a collection or page is made of (the versions, the query,
    the preference, scheme and host), so equal ETags are equal bodies, as with the reading
    page's cache (`page_cache`): a repeat costs the version's one query.
    """
    key = "anno-response:" + etag
    stored = cache.get(key)
    if stored is not None:
        body, applied = stored
        return _json_ld_response(body, link, etag, applied=applied)
    response = build()
    if response.status_code == 200:
        applied = response.has_header("Preference-Applied")
        cache.set(key, (response.content, applied), RESPONSE_CACHE_SECONDS)
    return response


def _not_modified(link: str, etag: str) -> HttpResponse:
    response = HttpResponse(status=304, content_type=wa.CONTENT_TYPE)
    _protocol_headers(response, link, etag)
    return response


@w3c_resource(RESOURCE_LINK)
def annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One published annotation: one query; the ETag is its representation's digest."""
    found = Annotation.objects.for_web_annotation().filter(pk=pk).first()
    if found is None:
        return _error(404, "No published annotation has this id.", RESOURCE_LINK)
    data = wa.annotation_json(found, _site(request))
    etag = _etag(data)
    if _fresh(request, etag):
        return _not_modified(RESOURCE_LINK, etag)
    return _json_ld(data, RESOURCE_LINK, etag)


def _page_number(request: HtmxHttpRequest) -> int | None:
    value = request.GET.get("page")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ValueError("“page” must be a page number: 0, 1, 2…")
    return int(value)


@w3c_resource(CONTAINER_LINK)
def article_collection(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """An article's annotations in text order: the collection (first page embedded unless
    Prefer asks for a minimal container) or one of its pages (`?page=<n>`, offset paging read
    through `annotation_article_idx`). Three queries (version, count, page); one for a 304."""
    found = Article.objects.page_version(slug)
    if found is None:
        return _error(404, "No article at this address.", CONTAINER_LINK)
    try:
        number = _page_number(request)
    except ValueError as error:
        return _error(400, str(error), CONTAINER_LINK)
    # A page is a resource of the container, not a container itself.
    link = CONTAINER_LINK if number is None else RESOURCE_LINK
    prefer = wa.parse_prefer(request.headers.get("Prefer", ""))
    iris = request.GET.get("iris") == "1" if number is not None else prefer.iris
    site = _site(request)
    # The version only: the row's last field, its Last-Modified, is None within the second
    # of a change and a time after it, and would change the ETag with the clock.
    etag = _etag("article", *found[:5], number, iris, prefer.minimal, site)
    if _fresh(request, etag):
        return _not_modified(link, etag)

    def build() -> HttpResponse:
        try:
            data = pages.article_collection(
                article_id=found[0],
                slug=slug,
                number=number,
                iris=iris,
                minimal=prefer.minimal,
                site=site,
            )
        except pages.NoSuchPage:
            return _error(404, "This collection has no page with this number.", link)
        return _json_ld(data, link, etag, applied=number is None and prefer.applied)

    return _cached(etag, link, build)


@w3c_resource(CONTAINER_LINK)
def container(request: HtmxHttpRequest) -> HttpResponse:
    """Every published annotation, newest first: the container (first page embedded unless
    Prefer asks for a minimal one) or a keyset page (`page=first|last`, `before=<id>`,
    `after=<id>`) read through `annotation_published_id_idx`. Queries: the version, the total
    (cached per version), the page, its neighbours; one for a 304."""
    try:
        cursor = wa.parse_cursor(request.GET.dict())
    except ValueError as error:
        return _error(400, str(error), CONTAINER_LINK)
    link = CONTAINER_LINK if cursor is None else RESOURCE_LINK
    prefer = wa.parse_prefer(request.headers.get("Prefer", ""))
    iris = request.GET.get("iris") == "1" if cursor is not None else prefer.iris
    site = _site(request)
    version = Annotation.objects.container_version()
    etag = _etag("container", version, cursor, iris, prefer.minimal, site)
    if _fresh(request, etag):
        return _not_modified(link, etag)

    def build() -> HttpResponse:
        data = pages.container(
            version=version, cursor=cursor, iris=iris, minimal=prefer.minimal, site=site
        )
        return _json_ld(data, link, etag, applied=cursor is None and prefer.applied)

    return _cached(etag, link, build)
