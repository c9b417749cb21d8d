"""Full-text search over stories, annotation notes, quotes and speakers, with facets.

`search()` is the one entry point: the reader's text parsed (`syntax`), statements
(`statements`) run by `queries`, answered as frozen dataclasses (`results`). Nothing is
cached.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator

from articles.search import queries
from articles.search.queries import SEARCH_WINDOW
from articles.search.results import Paging, ResultsPage, SearchResults
from articles.search.syntax import parse

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
    with_people: bool = True,
) -> SearchResults:
    """The stories matching `text` (web-search syntax, the last word a prefix), narrowed by
    the facets given, best first: page `page` of them, PAGE_SIZE a page, and the facets'
    counts over all of them; on the first page, the speakers whose names match and the
    quotes and claims that do too.

    Five queries on a first page with matches (ranked, speakers, quotes, page, facets),
    three on later ones; three on a first page with no story (ranked, speakers, quotes),
    none when there is nothing to search for ("-trump" alone).

    `with_people=False` leaves the speakers and quotes out (two queries fewer).

    `page` is taken as Django's `Paginator.get_page` takes it: not a number → the first
    page, past the end → the last.
    """
    query = parse(text)
    if query.is_empty:
        return SearchResults(
            page=ResultsPage(object_list=(), number=1, paginator=Paging(count=0, num_pages=1)),
            facets=None,
            capped=False,
            nothing_to_search=True,
        )
    narrowing: queries.Narrowing = {
        "outlet": outlet,
        "tag": tag,
        "speaker": speaker,
        "kind": kind,
        "since": since,
        "until": until,
    }
    matches = queries.ranked_matches(query, narrowing)
    chosen = Paginator(matches, PAGE_SIZE).get_page(page)
    first = chosen.number == 1 and with_people
    return SearchResults(
        page=ResultsPage(
            object_list=tuple(queries.hits([m.id for m in chosen.object_list], query))
            if matches
            else (),
            number=chosen.number,
            paginator=Paging(count=len(matches), num_pages=chosen.paginator.num_pages),
        ),
        facets=queries.facet_counts(matches) if matches else None,
        capped=len(matches) >= SEARCH_WINDOW,
        speakers=tuple(queries.speakers(query)) if first else (),
        quotes=tuple(queries.quotes(query, narrowing)) if first else (),
    )
