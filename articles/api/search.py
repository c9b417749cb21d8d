"""Search: `articles.search.search` as JSON, with its facets."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from articles.api.auth import readers
from articles.api.common import page_urls
from articles.api.schemas import Error, SearchOut
from articles.models import Annotation
from articles.search import search as run_search

router = Router(tags=["search"], auth=readers)


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=500, description="Web-search syntax.")
    outlet: str = ""
    tag: str = ""
    speaker: str = ""
    kind: Annotation.Kind | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    page: int = Field(1, ge=1)


@router.get("", response={200: SearchOut, 401: Error, 422: Error}, summary="Search articles")
def search(request: HttpRequest, params: Query[SearchParams]):
    """The site's search: best first, 20 a page, with outlet, year, tag, speaker and kind
    counts over every match. Three queries; one when nothing matches."""
    results = run_search(
        params.q,
        outlet=params.outlet,
        tag=params.tag,
        speaker=params.speaker,
        kind=params.kind or "",
        since=params.since,
        until=params.until,
        page=params.page,
        with_people=False,
    )
    facets = results.facets
    url = page_urls(request, "articles:article")
    return {
        "query": params.q,
        "count": results.page.paginator.count,
        "capped": results.capped,
        "page": results.page.number,
        "num_pages": results.page.paginator.num_pages,
        "items": [
            {
                "id": hit.id,
                "slug": hit.slug,
                "url": url(hit.slug),
                "title": hit.title,
                "summary": hit.summary,
                "published_on": hit.published_on,
                "outlet": {"name": hit.outlet.name, "slug": hit.outlet.slug},
                "quote_count": hit.quote_count,
                "claim_count": hit.claim_count,
                "tags": [{"name": t.name, "slug": t.slug} for t in hit.tag_list],
                "snippet": hit.snippet_text,
            }
            for hit in results.page.object_list
        ],
        "facets": {
            name: [{"value": f.value, "label": f.label, "count": f.n} for f in values]
            for name, values in (
                (
                    ("outlets", facets.outlets),
                    ("years", facets.years),
                    ("tags", facets.tags),
                    ("speakers", facets.speakers),
                    ("kinds", facets.kinds),
                )
                if facets
                else ()
            )
        },
    }
