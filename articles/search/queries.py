"""The phases of a search, one statement each: ranked matches, a page of hits, facets, and
(on the first page) the matching speakers and quotes."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection

from articles.models import Annotation, ArticleFacets, Outlet, Speaker, Tag
from articles.search.results import (
    Facets,
    FacetValue,
    Hit,
    HitOutlet,
    HitTag,
    QuoteHit,
    SearchMatch,
    SpeakerHit,
)
from articles.search.snippets import (
    HEADLINE_OPTIONS,
    QUOTE_CHARS,
    SNIPPET_LEAD_CHARS,
    SNIPPET_SOURCE_CHARS,
    WHOLE_TEXT_OPTIONS,
    shortened,
)
from articles.search.statements import (
    EXCLUDING_SQL,
    FACETS_SQL,
    GUARD_SQL,
    NARROWING_SQL,
    OUTLET_WINDOW_IDS_SQL,
    QUOTES_SQL,
    SEARCH_PAGE_SQL,
    SEARCH_RANKED_SQL,
    SPEAKERS_SQL,
    WINDOW_IDS_SQL,
)
from articles.search.syntax import SearchQuery

FACET_SIZE = 10
FACET_NAMES = ("outlets", "years", "tags", "speakers", "kinds")
# Search ranks at most this many of the most recent matches per source (see `ranked_matches`).
SEARCH_WINDOW = 400
# Narrowed to an outlet, search first tests the outlet's newest stories, this many at most,
# for a full window of matches (see statements.OUTLET_WINDOW_IDS_SQL).
OUTLET_WALK = 3000


# Speaker cards and quotes shown above the stories, at most.
SPEAKER_LIMIT = 4
QUOTE_LIMIT = 6
_VERDICTS = dict(Annotation.Verdict.choices)

Params = dict[str, "str | int | datetime.date | list[int] | None"]
# The facets chosen, by the name of their condition in NARROWING_SQL.
Narrowing = dict[str, "str | datetime.date | None"]


def query_params(query: SearchQuery) -> tuple[str, Params]:
    """The guard conditions of `query` (see `SearchQuery.guarded_alternatives`) and the
    parameters every statement shares: the query itself, its guards, its left-out words."""
    params: Params = {"q": query.tsquery(), "excluded": query.excluded_tsquery()}
    guards = ""
    for i, positive in enumerate(query.guarded_alternatives()):
        params[f"guard_{i}"] = positive
        guards += GUARD_SQL.format(i=i)
    return guards, params


def conditions(query: SearchQuery, narrowing: Narrowing) -> tuple[str, str, Params]:
    """The conditions on a story `a` (the facets chosen, the query's guards) and on a story
    found by anything but its own text (no word left out), with their parameters."""
    guards, params = query_params(query)
    chosen = {name: value for name, value in narrowing.items() if value}
    narrowed = "".join(f" AND {NARROWING_SQL[name]}" for name in chosen) + guards
    excluding = EXCLUDING_SQL if params["excluded"] else ""
    return narrowed, excluding, params | chosen


def ranked_matches(query: SearchQuery, narrowing: Narrowing) -> list[SearchMatch]:
    """The articles matching `query` (id, outlet id, year), best first, in one query.

    Three sources are matched, each through its own GIN index: the article's vector
    (title A, summary B, body C), published annotations' notes, and the speakers of
    published quotes; a story with a word the query leaves out is not found through the
    other two either. Only the SEARCH_WINDOW most recent matches of each source are kept,
    so a word found in most articles costs no more to rank than a rare one; narrowed to
    an outlet, the outlet's newest stories are tested first. Text matches
    are ordered by ts_rank; matches by note or speaker only follow, newest first.

    The facets `narrowing` the articles: outlet, tag, speaker and kind (slugs / values)
    of a published annotation, since and until (dates); empty ones are left out.
    """
    narrowed, excluding, params = conditions(query, narrowing)
    params["window"] = SEARCH_WINDOW
    window_ids = WINDOW_IDS_SQL
    if narrowing.get("outlet"):
        window_ids = OUTLET_WINDOW_IDS_SQL
        params["outlet_walk"] = OUTLET_WALK
    statement = SEARCH_RANKED_SQL.format(
        window_ids=window_ids.format(narrowing=narrowed), narrowing=narrowed, excluding=excluding
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [SearchMatch(*row) for row in cursor.fetchall()]


def hits(ids: list[int], query: SearchQuery) -> list[Hit]:
    """A page of search results in the order of `ids`, in one query: outlet, quote and
    claim counts, tags, the title with its matched words marked and the snippet of each;
    the body stays in the database.

    ts_headline re-parses what it is given, so it reads SNIPPET_SOURCE_CHARS of the
    body from just before the first word that matches, and only for this page.
    """
    params: Params = {
        "ids": ids,
        "q": query.tsquery(),
        "words": query.words(),
        "options": HEADLINE_OPTIONS,
        "title_options": WHOLE_TEXT_OPTIONS,
        "lead": SNIPPET_LEAD_CHARS,
        "chars": SNIPPET_SOURCE_CHARS,
    }
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_PAGE_SQL, params)
        rows = cursor.fetchall()
    by_id = {}
    for (
        pk, title, slug, summary, published_on, outlet_id, outlet_name, outlet_slug,
        quotes, claims, tags, marked_title, body_matched, snippet,
    ) in rows:  # fmt: skip
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
            marked_title=marked_title,
            body_matched=body_matched,
            marked_snippet=snippet,
        )
    return [by_id[pk] for pk in ids if pk in by_id]


def speakers(query: SearchQuery) -> list[SpeakerHit]:
    """The speakers whose names match `query`, most quoted first, at most SPEAKER_LIMIT, in
    one query through the speakers' GIN index."""
    guards, params = query_params(query)
    params["limit"] = SPEAKER_LIMIT
    with connection.cursor() as cursor:
        cursor.execute(SPEAKERS_SQL.format(guard=guards), params)
        return [SpeakerHit(*row[1:]) for row in cursor.fetchall()]


def quotes(query: SearchQuery, narrowing: Narrowing) -> list[QuoteHit]:
    """The published quotes and claims matching `query` by their words, notes or speaker,
    in stories the facets `narrowing` keep, newest story first, at most QUOTE_LIMIT, in
    one query (each source through its GIN index)."""
    narrowed, excluding, params = conditions(query, narrowing)
    params |= {"options": WHOLE_TEXT_OPTIONS, "window": SEARCH_WINDOW, "limit": QUOTE_LIMIT}
    with connection.cursor() as cursor:
        cursor.execute(QUOTES_SQL.format(narrowing=narrowed, excluding=excluding), params)
        rows = cursor.fetchall()
    return [
        QuoteHit(
            id=pk,
            kind=kind,
            verdict=verdict,
            verdict_label=_VERDICTS.get(verdict, ""),
            marked_text=shortened(" ".join(text.split()), QUOTE_CHARS),
            speaker=HitTag(name=speaker_name, slug=speaker_slug) if speaker_slug else None,
            article_title=title,
            article_slug=slug,
            published_on=published_on,
        )
        for pk, kind, verdict, text, speaker_name, speaker_slug, title, slug, published_on in rows
    ]


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
