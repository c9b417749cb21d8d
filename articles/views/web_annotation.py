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
from articles.http import HtmxHttpRequest
from articles.models import Annotation, Article

ALLOW = "GET, HEAD, OPTIONS"
CONTAINER_LINK = f'<{wa.LDP_BASIC_CONTAINER}>; rel="type"'
RESOURCE_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
ACCEPTABLE = ("application/ld+json", "application/json", "application/*", "*/*")
TOTAL_CACHE_SECONDS = 3600


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
                response = HttpResponse(status=200)
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
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=wa.CONTENT_TYPE)
    _protocol_headers(response, link, etag)
    if applied:
        response["Preference-Applied"] = "return=representation"
    return response


def _not_modified(link: str, etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
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
    prefer = wa.parse_prefer(request.headers.get("Prefer", ""))
    iris = request.GET.get("iris") == "1" if number is not None else prefer.iris
    site = _site(request)
    etag = _etag("article", *found, number, iris, prefer.minimal, site)
    if _fresh(request, etag):
        return _not_modified(CONTAINER_LINK, etag)
    pk = found[0]
    published = Annotation.objects.for_web_annotation().filter(article_id=pk)
    total = published.count()
    if number is not None and number > wa.last_page_number(total):
        return _error(404, "This collection has no page with this number.", CONTAINER_LINK)
    links = wa.article_page_links(slug, number or 0, total, iris=iris)
    page = None
    if number is not None or not prefer.minimal:
        offset = (number or 0) * wa.PAGE_SIZE
        items = published.in_text_order()[offset : offset + wa.PAGE_SIZE]
        page = wa.page_json(
            links,
            items,
            site,
            total=total,
            iris=iris,
            article_slug=slug,
            context=number is not None,
        )
    if number is not None and page is not None:
        return _json_ld(page, CONTAINER_LINK, etag)
    data = wa.collection_json(
        links,
        site,
        label=f"Annotations on the article at {site.url(wa.article_path(slug))}",
        total=total,
        modified=None,
        first_page=page,
    )
    return _json_ld(data, CONTAINER_LINK, etag, applied=prefer.applied)


def _published_total(version: int) -> int:
    """All published annotations, counted once per container version (a count over a
    million rows is the slowest part of a page, and the version moves only on a write)."""
    key = f"anno-total:{version}"
    total = cache.get(key)
    if total is None:
        total = Annotation.objects.published().count()
        cache.set(key, total, TOTAL_CACHE_SECONDS)
    return total


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
    prefer = wa.parse_prefer(request.headers.get("Prefer", ""))
    iris = request.GET.get("iris") == "1" if cursor is not None else prefer.iris
    site = _site(request)
    version = Annotation.objects.container_version()
    etag = _etag("container", version, cursor, iris, prefer.minimal, site)
    if _fresh(request, etag):
        return _not_modified(CONTAINER_LINK, etag)
    total = _published_total(version)
    page = None
    first = cursor or wa.Cursor()
    links = wa.container_page_links(first, [], newer=False, older=False, iris=iris)
    if cursor is not None or not prefer.minimal:
        window = Annotation.objects.for_web_annotation().newest_window(
            before=first.id if first.kind == "before" else None,
            after=first.id if first.kind == "after" else None,
            oldest=first.kind == "last",
        )
        items = list(window[: wa.PAGE_SIZE])
        if first.kind in ("after", "last"):
            items.reverse()
        newer, older = (
            Annotation.objects.published_around(items[0].pk, items[-1].pk)
            if items
            else (False, False)
        )
        links = wa.container_page_links(first, items, newer=newer, older=older, iris=iris)
        page = wa.page_json(links, items, site, total=total, iris=iris, context=cursor is not None)
    if cursor is not None and page is not None:
        return _json_ld(page, CONTAINER_LINK, etag)
    data = wa.collection_json(
        links,
        site,
        label="Every published annotation on Newsreader, newest first",
        total=total,
        modified=None,
        first_page=page,
    )
    return _json_ld(data, CONTAINER_LINK, etag, applied=prefer.applied)
