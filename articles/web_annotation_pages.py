"""The W3C collections and pages, read and assembled: each function runs a fixed number of
queries and answers the JSON-LD dict (`articles.web_annotation` builds the shapes). The views
in `articles/views/web_annotation.py` add the protocol's headers, ETags and caching; anything
else (an export, the JSON API) can call these directly.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from articles import web_annotation as wa
from articles.models import Annotation

TOTAL_CACHE_SECONDS = 3600


class NoSuchPage(Exception):
    """The collection has no page with this number."""


def article_collection(
    *,
    article_id: int,
    slug: str,
    number: int | None,
    iris: bool,
    minimal: bool,
    site: wa.Site,
) -> dict[str, Any]:
    """An article's annotations in text order: the collection (`number` None: with its first
    page embedded unless `minimal`) or its page `number` (0-based, offset paging). Two
    queries: the count, then the page (`text_order_page`). Raises NoSuchPage past the end."""
    published = Annotation.objects.for_web_annotation(article=False).filter(article_id=article_id)
    total = published.count()
    if number is not None and number > wa.last_page_number(total):
        raise NoSuchPage
    links = wa.article_page_links(slug, number or 0, total, iris=iris)
    page = None
    if number is not None or not minimal:
        items = published.text_order_page(article_id, (number or 0) * wa.PAGE_SIZE, wa.PAGE_SIZE)
        page = wa.page_json(
            links,
            items,
            site,
            total=total,
            iris=iris,
            article_slug=slug,
            context=number is not None,
        )
        if number is not None:
            return page
    return wa.collection_json(
        links,
        site,
        label=f"Annotations on the article at {site.url(wa.article_path(slug))}",
        total=total,
        modified=None,
        first_page=page,
    )


def published_total(version: int) -> int:
    """All published annotations, counted once per container version: a count over a million
    rows is the slowest part of a page, and the version moves only on a write."""
    key = f"anno-total:{version}"
    total = cache.get(key)
    if total is None:
        total = Annotation.objects.published().count()
        cache.set(key, total, TOTAL_CACHE_SECONDS)
    return total


def container(
    *, version: int, cursor: wa.Cursor | None, iris: bool, minimal: bool, site: wa.Site
) -> dict[str, Any]:
    """Every published annotation, newest first: the container (`cursor` None: with its first
    page embedded unless `minimal`) or the keyset page `cursor` names. Queries: the total
    (`published_total`, cached per `version`), the page (`newest_window`), its neighbours
    (`published_around`)."""
    total = published_total(version)
    first = cursor or wa.Cursor()
    links = wa.container_page_links(first, [], newer=False, older=False, iris=iris)
    page = None
    if cursor is not None or not minimal:
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
        if cursor is not None:
            return page
    return wa.collection_json(
        links,
        site,
        label="Every published annotation on Newsreader, newest first",
        total=total,
        modified=None,
        first_page=page,
    )
