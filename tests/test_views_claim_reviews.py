"""The site-wide ClaimReview feed: a schema.org DataFeed of every judged, published claim."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

FEED = "/claims/feed.jsonld"
BODY = 'Minister said "the dam is full and the rivers are high" at noon.'


def feed(client) -> dict:
    response = client.get(FEED)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def reviews(client) -> list[dict]:
    return [element["item"] for element in feed(client)["dataFeedElement"]]


def span(text: str) -> tuple[int, int]:
    return BODY.index(text), BODY.index(text) + len(text)


def test_the_feed_has_each_judged_claim_as_a_claim_review(client):
    article = make_article(body=BODY, original_url="https://example.org/dam")
    speaker = make_speaker("Ana Minister")
    make_annotation(
        article, *span("the dam is full and the rivers are high"), "quote", speaker=speaker
    )
    claim = make_annotation(
        article, *span("the dam is full"), "claim", verdict="mostly-false", note="It is at 31%."
    )
    lonely = make_annotation(article, *span("at noon"), "claim", verdict="unverifiable")
    make_annotation(article, *span("rivers are high"), "claim")  # no verdict yet: not reviewed
    make_annotation(article, *span("Minister said"), "claim", verdict="true", status="suggested")
    data = feed(client)
    assert data["@context"] == "https://schema.org" and data["@type"] == "DataFeed"
    assert data["url"] == "http://testserver/claims/feed.jsonld"
    assert data["dateModified"]
    elements = data["dataFeedElement"]
    assert [e["@type"] for e in elements] == ["DataFeedItem", "DataFeedItem"]
    by_text = {e["item"]["claimReviewed"]: e["item"] for e in elements}
    assert set(by_text) == {"the dam is full", "at noon"}
    review = by_text["the dam is full"]
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver/articles/{article.slug}/#annotation-{claim.pk}"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["reviewBody"] == "It is at 31%."
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["appearance"] == {"@type": "CreativeWork", "url": "https://example.org/dam"}
    # The quote around the claim names who made it; a claim outside any quote has no author.
    assert item["author"] == {"@type": "Person", "name": "Ana Minister"}
    assert "author" not in by_text["at noon"]["itemReviewed"]
    assert "ratingValue" not in by_text["at noon"]["reviewRating"]
    assert lonely.pk  # newest first
    assert [e["item"]["claimReviewed"] for e in elements] == ["at noon", "the dam is full"]


def test_the_feed_builds_the_same_claim_review_as_the_article_page(client):
    article = make_article(body=BODY)
    make_annotation(
        article, *span("the dam is full and the rivers are high"), "quote", speaker=make_speaker()
    )
    make_annotation(article, *span("the dam is full"), "claim", verdict="false")
    html = client.get(article.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script is not None
    graph = json.loads(script[1])
    on_page = [node for node in graph["@graph"] if node["@type"] == "ClaimReview"]
    assert reviews(client) == on_page


def test_an_empty_feed_is_valid_json(client):
    data = feed(client)
    assert data["dataFeedElement"] == [] and "dateModified" not in data


def test_the_feed_is_one_query_however_many_claims(client, django_assert_num_queries):
    for _ in range(3):
        article = make_article(body=BODY)
        make_annotation(
            article,
            *span("the dam is full and the rivers are high"),
            "quote",
            speaker=make_speaker(),
        )
        make_annotation(article, *span("the dam is full"), "claim", verdict="true")
        make_annotation(article, *span("at noon"), "claim", verdict="false")
    with django_assert_num_queries(1):
        assert len(reviews(client)) == 6


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
def test_every_role_reads_the_feed(client, role):
    if role != "anonymous":
        client.force_login(make_user(editor=role == "editor", is_staff=role == "staff"))
    assert client.get(FEED).status_code == 200
    assert client.post(FEED).status_code == 405


def test_the_claims_page_links_the_feed(client):
    html = client.get("/claims/").content.decode()
    assert '<link rel="alternate" type="application/ld+json" href="/claims/feed.jsonld"' in html
    assert '<a href="/claims/feed.jsonld"' in html


def test_reading_can_require_login_for_the_feed_too(client, settings):
    settings.READING_REQUIRES_LOGIN = True
    assert client.get(FEED).status_code == 302
