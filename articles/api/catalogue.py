"""Speakers (with their aliases), tags and outlets, each with its count, in id order."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from articles.api.auth import readers
from articles.api.common import page_answer, page_urls
from articles.api.pagination import BY_ID, DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from articles.api.schemas import Error, OutletPage, SpeakerPage, TagPage
from articles.models import Outlet, Speaker, Tag

router = Router(tags=["speakers, tags and outlets"], auth=readers)


class ListParams(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/speakers/", response={200: SpeakerPage, 401: Error, 422: Error})
def speaker_list(request: HttpRequest, params: Query[ListParams]):
    """Every speaker with aliases and their number of published quotes. One query a page."""
    page = keyset_page(
        Speaker.objects.with_quote_counts(), BY_ID, cursor=params.cursor, limit=params.limit
    )
    url = page_urls(request, "articles:speaker")
    items = [
        {
            "id": s.pk,
            "name": s.name,
            "slug": s.slug,
            "url": url(s.slug),
            "description": s.description,
            "aliases": s.aliases,
            "quote_count": s.quote_count,
        }
        for s in page.items
    ]
    return page_answer(request, page, items)


class TagListParams(ListParams):
    counts: bool = Field(
        False,
        description="Count each tag's annotations: costs reading every link of each tag "
        "(about 90 ms a page of 50 at 1,000,000 annotations).",
    )


@router.get("/tags/", response={200: TagPage, 401: Error, 422: Error})
def tag_list(request: HttpRequest, params: Query[TagListParams]):
    """Every tag, with `counts=true` its number of published annotations. One query a
    page."""
    tags = Tag.objects.with_annotation_counts() if params.counts else Tag.objects.all()
    page = keyset_page(tags, BY_ID, cursor=params.cursor, limit=params.limit)
    url = page_urls(request, "articles:tag")
    items = [
        {
            "id": t.pk,
            "name": t.name,
            "slug": t.slug,
            "url": url(t.slug),
            "annotation_count": t.annotation_count if params.counts else None,
        }
        for t in page.items
    ]
    return page_answer(request, page, items)


@router.get("/outlets/", response={200: OutletPage, 401: Error, 422: Error})
def outlet_list(request: HttpRequest, params: Query[ListParams]):
    """Every outlet with its number of articles. One query a page."""
    page = keyset_page(
        Outlet.objects.with_article_counts(), BY_ID, cursor=params.cursor, limit=params.limit
    )
    url = page_urls(request, "articles:outlet")
    items = [
        {
            "id": o.pk,
            "name": o.name,
            "slug": o.slug,
            "url": url(o.slug),
            "article_count": o.article_count,
        }
        for o in page.items
    ]
    return page_answer(request, page, items)
