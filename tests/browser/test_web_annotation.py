"""In Chromium: a client finds an article's W3C collection from its reading page and follows
it to the annotations; the claims page links the ClaimReview feed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = 'The minister said "the dam is full 💧" on Monday.'


def test_the_reading_page_leads_to_its_annotations_as_w3c_json_ld(live_server, page):
    article = make_article(body=BODY, structure=[])
    start = BODY.index("the dam")
    quote = make_annotation(
        article,
        start,
        start + len("the dam is full 💧"),
        Annotation.Kind.QUOTE,
        speaker=make_speaker("Ana Minister"),
    )
    page.goto(live_server.url + article.get_absolute_url())
    link = page.locator('link[rel="alternate"][type^="application/ld+json"]')
    expect(link).to_have_attribute("href", f"/anno/articles/{article.slug}/")
    collection = page.evaluate(
        """async () => {
          const link = document.querySelector('link[rel="alternate"][type^="application/ld+json"]');
          const response = await fetch(link.href, {headers: {Accept: link.type}});
          return {type: response.headers.get("Content-Type"), body: await response.json()};
        }"""
    )
    assert collection["type"] == link.get_attribute("type")
    items = collection["body"]["first"]["items"]
    assert [item["id"] for item in items] == [f"{live_server.url}/anno/{quote.pk}/"]
    selector = items[0]["target"]["selector"][0]
    assert selector == {
        "type": "TextQuoteSelector",
        "exact": "the dam is full 💧",
        "prefix": 'The minister said "',
        "suffix": '" on Monday.',
    }


def test_the_claims_page_links_the_claim_review_feed(live_server, page):
    article = make_article(body=BODY, structure=[])
    start = BODY.index("the dam")
    make_annotation(article, start, start + 15, Annotation.Kind.CLAIM, verdict="false")
    page.goto(live_server.url + "/claims/")
    page.get_by_role("link", name="Every verdict as a ClaimReview feed").click()
    page.wait_for_url("**/claims/feed.jsonld")
    expect(page.locator("body")).to_contain_text('"@type": "DataFeed"')
    expect(page.locator("body")).to_contain_text('"claimReviewed": "the dam is full"')
