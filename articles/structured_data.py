"""schema.org JSON-LD for the article page: the NewsArticle and a ClaimReview per judged claim."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from articles.models import Annotation, Article

PUBLISHER = {"@type": "Organization", "name": "Newsreader"}


def claim_speakers(annotations: Sequence[Annotation]) -> dict[int, Annotation]:
    """{claim id: the quote (with a speaker) whose span contains the claim}.

    A claim has no speaker of its own; when it sits inside a quote, the quote's speaker
    made it. A sweep over spans sorted by start keeps it O(n log n).
    """
    quotes = sorted(
        (a for a in annotations if a.kind == Annotation.Kind.QUOTE and a.speaker_id),
        key=lambda a: a.start,
    )
    claims = sorted(
        (a for a in annotations if a.kind == Annotation.Kind.CLAIM), key=lambda a: a.start
    )
    found: dict[int, Annotation] = {}
    running: list[tuple[int, int, Annotation]] = []  # max-heap on end: (-end, order, quote)
    next_quote = 0
    for claim in claims:
        while next_quote < len(quotes) and quotes[next_quote].start <= claim.start:
            quote = quotes[next_quote]
            heapq.heappush(running, (-quote.end, next_quote, quote))
            next_quote += 1
        # Quotes ending before this claim starts can't contain any later claim either.
        while running and -running[0][0] <= claim.start:
            heapq.heappop(running)
        if running and -running[0][0] >= claim.end:
            found[claim.id] = running[0][2]
    return found


def article_json_ld(article: Article, annotations: Sequence[Any], page_url: str) -> dict:
    """A @graph of the article and its reviews (`rendering.render_json_ld` puts it in its
    <script> element). `annotations`: model instances, or the reading page's
    `presentation.ReadingAnnotation`s, which carry the same attributes."""
    news_article = {
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "name": article.title,
        "datePublished": article.published_on.isoformat(),
        # When the text last changed (a correction or an updated import), else the row's.
        "dateModified": (article.text_modified_at or article.updated_at).isoformat()
        if (article.text_modified_at or article.updated_at)
        else None,
        "publisher": {"@type": "Organization", "name": article.outlet.name},
        "inLanguage": article.language or "en",
        "mainEntityOfPage": page_url,
        "url": page_url,
    }
    if article.summary:
        news_article["description"] = article.summary
    if article.agency:
        news_article["sourceOrganization"] = {"@type": "Organization", "name": article.agency}
    if article.original_url:
        news_article["isBasedOn"] = article.original_url
    speakers = claim_speakers(annotations)
    graph = [{k: v for k, v in news_article.items() if v is not None}]
    for claim in annotations:
        if claim.kind != Annotation.Kind.CLAIM or not claim.verdict:
            continue
        quote = speakers.get(claim.id)
        claimant = quote.speaker.name if quote is not None and quote.speaker else None
        if claim.claimant is not None:
            claimant = claim.claimant.name
        graph.append(claim_review(article, claim, claimant, page_url))
    return {"@context": "https://schema.org", "@graph": graph}


def claim_review(article: Article, claim: Annotation, claimant: str | None, page_url: str) -> dict:
    """The ClaimReview of a judged claim on the article at `page_url`: the article pages'
    JSON-LD and the site-wide feed (`claim_review_feed`) both build it here. `claimant`: who
    made the claim, where known."""
    rating = {
        "@type": "Rating",
        "alternateName": claim.get_verdict_display(),
        "bestRating": 5,
        "worstRating": 1,
    }
    if claim.rating is not None:
        rating["ratingValue"] = claim.rating
    item: dict[str, Any] = {"@type": "Claim", "datePublished": article.published_on.isoformat()}
    if claimant:
        item["author"] = {"@type": "Person", "name": claimant}
    if article.original_url:
        item["appearance"] = {"@type": "CreativeWork", "url": article.original_url}
    else:
        item["appearance"] = {"@type": "CreativeWork", "url": page_url}
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "url": f"{page_url}#annotation-{claim.id}",
        "claimReviewed": claim.exact,
        "datePublished": _reviewed_on(claim) or claim.created_at.date().isoformat(),
        "author": PUBLISHER,
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if claim.note:
        review["reviewBody"] = claim.note
    if claim.sources:
        review["citation"] = [{"@type": "CreativeWork", "url": url} for url in claim.sources]
    return review


def _reviewed_on(claim: Any) -> str | None:
    """The day a second editor approved the verdict (its publication), where recorded."""
    iso = getattr(claim, "reviewed_iso", None)
    if iso is not None:
        return iso[:10]
    reviewed_at = getattr(claim, "reviewed_at", None)
    return reviewed_at.date().isoformat() if reviewed_at is not None else None


def claim_review_feed(
    claims: Iterable[Annotation], *, base_url: str, feed_url: str
) -> Iterator[str]:
    """A schema.org DataFeed of the ClaimReview of every claim in `claims` (from
    `Annotation.objects.reviewed_claims()`), as JSON text in pieces, one claim at a time: a
    streamed response holds one claim in memory however many there are. Each DataFeedItem
    carries the review's dates; the feed's `dateModified`, the latest of them, comes last."""
    head = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": "Newsreader fact checks",
        "description": "Every claim Newsreader's editors have given a verdict, as ClaimReview.",
        "url": feed_url,
        "publisher": PUBLISHER,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
    latest = None
    for n, claim in enumerate(claims):
        page_url = base_url + claim.article.get_absolute_url()
        claimant = getattr(claim, "claimant_name", None)  # see reviewed_claims()
        item = {
            "@type": "DataFeedItem",
            "dateCreated": claim.created_at.isoformat(),
            "dateModified": claim.updated_at.isoformat(),
            "item": claim_review(claim.article, claim, claimant, page_url),
        }
        yield ("," if n else "") + json.dumps(item, ensure_ascii=False)
        latest = claim.updated_at if latest is None else max(latest, claim.updated_at)
    tail = {"dateModified": latest.isoformat()} if latest is not None else {}
    yield "]" + ("," + json.dumps(tail)[1:] if tail else "}")
