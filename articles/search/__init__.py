"""Full-text search over stories, annotation notes and speakers, with facets that narrow.

`search()` is the one entry point: three statements (`statements`), run by `queries`,
answered as frozen dataclasses (`results`). Nothing is cached.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator

from articles.search import queries
from articles.search.queries import SEARCH_WINDOW
from articles.search.results import Paging, ResultsPage, SearchResults

__all__ = ["PAGE_SIZE", "SEARCH_WINDOW", "SearchResults", "search"]

PAGE_SIZE = 20


def search(
    text: str,
    *,
    outlet: str = "",
    tag: str = "",
    speaker: str = "",
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    page: int | str | None = 1,
) -> SearchResults:
    """The stories matching `text` (web-search syntax), narrowed by the facets given,
    best first: page `page` of them, PAGE_SIZE a page, and the facets' counts over all of
    them. Three queries; one when nothing matches.

    `page` is taken as Django's `Paginator.get_page` takes it: not a number → the first
    page, past the end → the last.
    """
    matches = queries.ranked_matches(
        text, outlet=outlet, tag=tag, speaker=speaker, kind=kind, since=since, until=until
    )
    chosen = Paginator(matches, PAGE_SIZE).get_page(page)
    hits = queries.hits([match.id for match in chosen.object_list], text) if matches else []
    return SearchResults(
        page=ResultsPage(
            object_list=tuple(hits),
            number=chosen.number,
            paginator=Paging(count=len(matches), num_pages=chosen.paginator.num_pages),
        ),
        facets=queries.facet_counts(matches) if matches else None,
        capped=len(matches) >= SEARCH_WINDOW,
    )
