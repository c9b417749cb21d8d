"""What the hub pages show, as data: the topics, speakers and outlets indexes, a tag's, a
speaker's and an outlet's page, and the claims, each in a fixed number of queries (pinned
in tests/test_views_hubs.py and tests/test_views_browse.py).

Lists page open-ended (`presentation.open_ended_page`: the rows plus one, no count), since
counting every story of a tag or an outlet at 100,000 articles costs more than the page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from articles.models import (
    TAG_STORY_COUNT_SQL,
    Annotation,
    Article,
    Outlet,
    Speaker,
    Tag,
)
from articles.presentation import open_ended_page

INDEX_PAGE_SIZE = 100
DIRECTORY_PAGE_SIZE = 50
ASIDE_SIZE = 12
LATEST_ON_TAG = 4
SPEAKER_CLAIMS = 20


def hub_aside() -> dict:
    """The second column of wide screens: the topics and speakers most used lately (two
    queries, each over the latest 500 published annotations)."""
    return {
        "aside_tags": list(Tag.objects.most_used()[:ASIDE_SIZE]),
        "aside_speakers": list(Speaker.objects.most_quoted()[:ASIDE_SIZE]),
    }


def tags_index(*, by_name: bool, page: str | None) -> dict:
    """Every tag with its counts (three queries, with the aside)."""
    tags = open_ended_page(Tag.objects.index(by_name=by_name), page, size=INDEX_PAGE_SIZE)
    return {"page": tags, "by_name": by_name, **hub_aside()}


def speakers_index(*, term: str, by_name: bool, page: str | None) -> dict:
    """The speakers directory, narrowed to `term` (three queries, with the aside)."""
    speakers = Speaker.objects.directory(term, by_name=by_name)
    directory = open_ended_page(speakers, page, size=DIRECTORY_PAGE_SIZE)
    return {"page": directory, "by_name": by_name, "q": term, **hub_aside()}


def outlets_index(*, page: str | None) -> dict:
    """Every outlet with its story count and latest date (three queries, with the aside)."""
    outlets = open_ended_page(Outlet.objects.index(), page, size=INDEX_PAGE_SIZE)
    return {"page": outlets, **hub_aside()}


def tag_page(slug: str, *, kind: str, page: str | None) -> dict | None:
    """A tag's page: the tag with its story count, its annotations counted by kind, a page
    of its stories (or of its annotations of `kind`), and its latest quotes and claims for
    the second column: four queries; None without such a tag."""
    tag = Tag.objects.annotate(story_count=RawSQL(TAG_STORY_COUNT_SQL, [])).filter(slug=slug)
    found = tag.first()
    if found is None:
        return None
    counts = Annotation.objects.tagged_with(found).kind_counts()
    rows: QuerySet = (
        Annotation.objects.tagged_with(found, kind).for_listing()
        if kind
        else Article.objects.tagged(found).with_listing_data().latest_first()
    )
    latest = Annotation.objects.tagged_with(found).filter(
        kind__in=[Annotation.Kind.QUOTE, Annotation.Kind.CLAIM]
    )
    return {
        "tag": found,
        "kind": kind,
        "kind_label": Annotation.Kind(kind).label if kind else "",
        "kinds": [(value, label, counts.get(value, 0)) for value, label in Annotation.Kind.choices],
        "annotation_count": sum(counts.values()),
        "page": open_ended_page(rows, page),
        "latest": list(latest.for_listing()[:LATEST_ON_TAG]) if not kind else [],
    }


def speaker_page(speaker: Speaker, *, page: str | None) -> dict:
    """A speaker's page: the verdicts of their claims, a page of their quotes, and their
    latest claims: three queries besides the speaker's own."""
    claims = Annotation.objects.claims_of(speaker)
    counts = claims.verdict_counts()
    verdicts = [(value, label, counts.get(value, 0)) for value, label in Annotation.Verdict.choices]
    quotes = open_ended_page(Annotation.objects.quotes_by(speaker).for_listing(), page)
    return {
        "speaker": speaker,
        "page": quotes,
        "verdicts": [row for row in verdicts if row[2]],
        "unjudged": counts.get("", 0),
        "claim_total": sum(counts.values()),
        "claims": list(claims.for_listing()[:SPEAKER_CLAIMS]),
    }


def outlet_page(outlet: Outlet, *, page: str | None) -> dict:
    """A page of an outlet's stories, newest first: one query besides the outlet's."""
    stories = outlet.articles.with_listing_data().latest_first()
    return {"outlet": outlet, "page": open_ended_page(stories, page)}


def claims_page(*, verdict: str | None, page: str | None) -> dict:
    """The claims, all or of one verdict ("" for no verdict yet), with every verdict's
    count: two queries."""
    counts = Annotation.objects.verdict_counts()
    choices = [*Annotation.Verdict.choices, ("", "No verdict yet")]
    total = sum(counts.values())
    return {
        "page": open_ended_page(Annotation.objects.claims(verdict).for_listing(), page),
        "verdict": verdict,
        "verdict_label": dict(choices)[verdict] if verdict is not None else "",
        "verdicts": [(value or "none", label, counts.get(value, 0)) for value, label in choices],
        "total": total,
        "shown": total if verdict is None else counts.get(verdict, 0),
    }
