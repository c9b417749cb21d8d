"""What the API's endpoints share: absolute URLs and the `next` link of a page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse

from articles.api.pagination import Page


def absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def page_answer(request: HttpRequest, page: Page, items: list) -> dict:
    """A page's JSON: its items, the next page's cursor and URL (the same query with the
    cursor replaced)."""
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"items": items, "next_cursor": page.next_cursor, "next": next_url}


def article_url(request: HttpRequest, slug: str) -> str:
    """One article's reading page, absolute (a list uses `page_urls`)."""
    return absolute(request, reverse("articles:article", args=[slug]))


_SLUG = "slug_marker"


def page_urls(request: HttpRequest, name: str) -> Callable[[str], str]:
    """The absolute URL of the page `name` for a slug, reversed once for a whole list: a
    `reverse()` and `build_absolute_uri()` for each of 100 items was a third of an API
    page's Python time. Slugs are letters, digits, "-" and "_" (`uslug`), which `reverse`
    quotes as `quote` does."""
    before, after = request.build_absolute_uri(reverse(name, args=[_SLUG])).rsplit(_SLUG, 1)
    return lambda slug: before + quote(slug) + after
