"""The three phases of a search, one statement each: ranked matches, a page of hits, facets."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection

from articles.models import ArticleFacets, Outlet, Speaker, Tag
from articles.search.results import (
    Facets,
    FacetValue,
    Hit,
    HitOutlet,
    HitTag,
    SearchMatch,
)
from articles.search.snippets import (
    HEADLINE_OPTIONS,
    SNIPPET_LEAD_CHARS,
    SNIPPET_SOURCE_CHARS,
    with_dotless_i,
)
from articles.search.statements import (
    FACETS_SQL,
    NARROWING_SQL,
    SEARCH_PAGE_SQL,
    SEARCH_RANKED_SQL,
)

FACET_SIZE = 10
FACET_NAMES = ("outlets", "years", "tags", "speakers", "kinds")
# Search ranks at most this many of the most recent matches per source (see `ranked_matches`).
SEARCH_WINDOW = 400


def search_text(text: str) -> str:
    # Folded like the documents (see models._folded): "ılık" and "ILIK" both find "ılık".
    return text.replace("ı", "i")


def ranked_matches(
    text: str,
    *,
    outlet: str = "",
    tag: str = "",
    speaker: str = "",
    kind: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[SearchMatch]:
    """The articles matching `text` (id, outlet id, year), best first, in one query.

    `text` takes web-search syntax ("exact phrase", or, -word). Three sources are
    matched, each through its own GIN index: the article's vector (title A, summary B,
    body C), published annotations' notes, and the speakers of published quotes. Only
    the SEARCH_WINDOW most recent matches of each source are kept, so a word found in
    most articles costs no more to rank than a rare one. Text matches are ordered by
    ts_rank; matches by note or speaker only follow, newest first.

    The facets narrow the articles: outlet, tag, speaker and kind (slugs / values) of a
    published annotation, and the date range.
    """
    params: dict[str, str | int | datetime.date | None] = {
        "outlet": outlet,
        "tag": tag,
        "speaker": speaker,
        "kind": kind,
        "since": since,
        "until": until,
    }
    narrowing = "".join(f" AND {NARROWING_SQL[name]}" for name, value in params.items() if value)
    params |= {"q": search_text(text), "window": SEARCH_WINDOW}
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_RANKED_SQL.format(narrowing=narrowing), params)
        return [SearchMatch(*row) for row in cursor.fetchall()]


def hits(ids: list[int], text: str) -> list[Hit]:
    """A page of search results in the order of `ids`, in one query: outlet, quote and
    claim counts, tags and the snippet (matched words marked) of each; the body stays in
    the database.

    ts_headline re-parses what it is given, so it reads SNIPPET_SOURCE_CHARS of the
    body from just before the first word that matches, and only for this page.
    """
    params: dict[str, list[int] | str | int] = {
        "ids": ids,
        "q": search_text(text),
        "options": HEADLINE_OPTIONS,
        "lead": SNIPPET_LEAD_CHARS,
        "chars": SNIPPET_SOURCE_CHARS,
    }
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_PAGE_SQL, params)
        rows = cursor.fetchall()
    by_id = {}
    for (
        pk, title, slug, summary, published_on, outlet_id, outlet_name, outlet_slug,
        quotes, claims, tags, snippet, excerpt, plain_snippet,
    ) in rows:  # fmt: skip
        if excerpt is not None:
            snippet = with_dotless_i(snippet, excerpt) or plain_snippet
        by_id[pk] = Hit(
            id=pk,
            title=title,
            slug=slug,
            summary=summary,
            published_on=published_on,
            outlet=HitOutlet(id=outlet_id, name=outlet_name, slug=outlet_slug),
            quote_count=quotes,
            claim_count=claims,
            tag_list=tuple(HitTag(name=name, slug=tag_slug) for name, tag_slug in tags),
            marked_snippet=snippet,
        )
    return [by_id[pk] for pk in ids if pk in by_id]


def facet_counts(matches: list[SearchMatch]) -> Facets:
    """Counts of the `matches` by outlet, year, tag, speaker and kind, in one query.

    Outlets and years are counted from the matches themselves. Tag, speaker and kind
    count articles with a published annotation of that value, from each article's
    ArticleFacets row: one grouped SELECT each, run as a single UNION ALL over the ids
    (passed once, as an array). Biggest counts first (years newest first), FACET_SIZE
    per facet.
    """
    tables = {
        "facets": ArticleFacets._meta.db_table,
        "outlet": Outlet._meta.db_table,
        "speaker": Speaker._meta.db_table,
        "tag": Tag._meta.db_table,
    }
    outlet_counts = Counter(match.outlet_id for match in matches)
    facets: dict[str, list[FacetValue]] = {name: [] for name in FACET_NAMES}
    facets["years"] = [
        FacetValue(value=str(year), label="", n=n)
        for year, n in Counter(match.year for match in matches).items()
    ]
    with connection.cursor() as cursor:
        # Array literals: psycopg's list adaptation costs more than the ids' join.
        cursor.execute(
            FACETS_SQL.format(**tables),
            {
                "ids": "{" + ",".join(str(int(match.id)) for match in matches) + "}",
                "outlet_ids": "{" + ",".join(str(int(pk)) for pk in outlet_counts) + "}",
            },
        )
        for facet, value, label, n in cursor.fetchall():
            if facet == "outlets":
                n = outlet_counts[n]
            facets[facet].append(FacetValue(value=value, label=label, n=n))
    for name, rows in facets.items():
        if name == "years":
            rows.sort(key=lambda row: row.value, reverse=True)
        elif name == "kinds":
            rows.sort(key=lambda row: row.value)
        else:
            rows.sort(key=lambda row: (-row.n, row.label.lower()))
    return Facets(**{name: tuple(rows[:FACET_SIZE]) for name, rows in facets.items()})
