from __future__ import annotations

import re

import pytest

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

pytestmark = pytest.mark.django_db


def quote_by(speaker, article=None, start=0, end=5, **fields):
    return make_annotation(
        article or make_article(), start, end, Annotation.Kind.QUOTE, speaker=speaker, **fields
    )


def test_tag_page_lists_the_tagged_stories_with_counts(client):
    tag = make_tag("Iraq")
    tagged = make_article(title="Tagged story")
    make_annotation(tagged, 0, 5, tags=[tag])
    make_annotation(tagged, 6, 9, Annotation.Kind.CLAIM, tags=[tag])
    make_annotation(make_article(title="Only suggested"), 0, 5, tags=[tag], status="suggested")
    make_article(title="Untagged story")
    html = client.get(tag.get_absolute_url()).content.decode()
    assert tag.get_absolute_url() == "/tags/iraq/"
    assert "Tagged story" in html
    assert "Untagged story" not in html and "Only suggested" not in html
    assert "1 story · 2 annotations" in html
    assert 'href="/tags/iraq/feed/"' in html
    # The story opens on the tag's annotations.
    assert f'href="{tagged.get_absolute_url()}?tag=iraq"' in html


def test_speaker_page_lists_every_quote_linking_into_its_span(client):
    esper = make_speaker("Mark Esper", description="US Secretary of Defense")
    first, second = make_article(title="First"), make_article(title="Second")
    quotes = [quote_by(esper, first, 0, 5), quote_by(esper, first, 6, 9), quote_by(esper, second)]
    quote_by(make_speaker("Someone Else"), second, 10, 14)
    quote_by(esper, second, 20, 25, status=Annotation.Status.SUGGESTED)
    html = client.get(esper.get_absolute_url()).content.decode()
    assert "US Secretary of Defense" in html
    assert "3 quotes in 2 stories" in html
    for quote in quotes:
        assert f'href="{quote.article.get_absolute_url()}#annotation-{quote.id}"' in html
    assert html.count("<blockquote>") == 3


def test_outlet_page_lists_its_stories(client):
    euronews = make_outlet("Euronews")
    make_article(title="From Euronews", outlet=euronews)
    make_article(title="From elsewhere")
    html = client.get("/outlets/euronews/").content.decode()
    assert "From Euronews" in html and "From elsewhere" not in html
    assert "1 story" in html


def test_claims_page_filters_by_verdict_with_counts(client):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 6, 9, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 10, 14, Annotation.Kind.CLAIM, verdict="true")
    make_annotation(article, 15, 18, Annotation.Kind.CLAIM)
    html = client.get("/claims/").content.decode()
    assert "4 claims" in html
    assert re.search(r'id="verdict-false"[^>]*>False <span class="count">2</span>', html)
    filtered = client.get("/claims/?verdict=false").content.decode()
    assert "2 claims judged “False”" in filtered
    assert filtered.count("<blockquote>") == 2
    assert "<title>Claims judged “False”" in filtered


def test_an_unknown_verdict_says_so_and_shows_every_claim(client):
    make_annotation(make_article(), 0, 5, Annotation.Kind.CLAIM, verdict="true")
    response = client.get("/claims/?verdict=bogus")
    assert response.status_code == 200
    assert "That verdict is unknown" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/tags/t/", '<div id="tag-list"'),
        ("/speakers/s/", '<section id="quote-list"'),
        ("/outlets/o/", '<section id="article-list"'),
        ("/claims/", '<div id="claims"'),
    ],
)
def test_each_page_serves_its_fragment_to_htmx(client, url, fragment):
    make_tag("t")
    make_speaker("s")
    make_outlet("o")
    full = client.get(url)
    assert full.status_code == 200 and "<html" in full.content.decode()
    partial = client.get(url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.lstrip().startswith(fragment) and "<html" not in html
    assert "HX-Request" in partial["Vary"]


def test_pages_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    tag, speaker, outlet = make_tag("t"), make_speaker("s"), make_outlet("o")

    def grow():
        for _ in range(4):
            article = make_article(outlet=outlet)
            make_annotation(article, 0, 5, tags=[tag, make_tag()])
            quote_by(speaker, article, 6, 9, tags=[tag])
            make_annotation(article, 10, 14, Annotation.Kind.CLAIM, verdict="false", tags=[tag])

    # Each: the hubs' version (articles/hub_cache.py), then the page's own queries
    # (articles/hub_pages.py says which).
    queries = {
        "/tags/t/": 5,  # tag, kind counts, stories, latest quotes and claims
        "/tags/t/?kind=quote": 4,  # tag, kind counts, quotes
        "/speakers/s/": 5,  # speaker, verdict counts, quotes, claims
        "/outlets/o/": 3,  # outlet, stories
        "/claims/": 3,  # verdict counts, claims
        "/claims/?verdict=false": 3,
        "/claims/?verdict=none": 3,
    }
    for _ in range(2):
        grow()
        for url, count in queries.items():
            with django_assert_num_queries(count):
                assert client.get(url).status_code == 200
            # Again: the kept page, for the version alone.
            with django_assert_num_queries(1):
                assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/tags/nope/", "/speakers/nope/", "/outlets/nope/"])
def test_unknown_subjects_are_404_in_the_site_style(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_pages_paginate(client):
    speaker = make_speaker("s")
    article = make_article()
    for i in range(25):
        quote_by(speaker, article, i, i + 3)
    first = client.get("/speakers/s/").content.decode()
    assert first.count("<blockquote>") == 20 and "Page 1" in first and 'rel="next"' in first
    second = client.get("/speakers/s/?page=2").content.decode()
    assert second.count("<blockquote>") == 5


def test_get_absolute_url_for_outlet_speaker_and_tag():
    assert make_outlet("Euronews").get_absolute_url() == "/outlets/euronews/"
    assert make_speaker("Mark Esper").get_absolute_url() == "/speakers/mark-esper/"
    assert make_tag("Iraq war").get_absolute_url() == "/tags/iraq-war/"


@pytest.mark.parametrize("url", ["/", "/tags/t/", "/claims/", "/search/?q=x"])
def test_a_history_restore_gets_the_whole_page(client, url):
    make_tag("t")
    response = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()
