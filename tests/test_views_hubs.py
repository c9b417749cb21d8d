"""The hubs: topics, speakers and outlets indexes, the header on every page, the hubs' HTTP
validators and cache, merged speakers' old addresses."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Annotation
from articles.services.speakers import speaker_merge
from tests.factories import (
    make_annotation,
    make_article,
    make_outlet,
    make_speaker,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db
HUBS = ["/tags/", "/speakers/", "/outlets/", "/claims/"]


def quote(speaker, article=None, start=0, end=20, **fields):
    return make_annotation(
        article or make_article(), start, end, Annotation.Kind.QUOTE, speaker=speaker, **fields
    )


def names_in_order(html: str, cls: str = "hub-name") -> list[str]:
    return re.findall(rf'class="{cls}"[^>]*>([^<]+)<', html)


def test_topics_index_lists_every_tag_most_used_first_or_a_to_z(client):
    iraq, budget, unused = make_tag("Iraq"), make_tag("budget"), make_tag("Zebra")
    first, second = make_article(), make_article()
    make_annotation(first, 0, 5, tags=[iraq, budget])
    make_annotation(first, 6, 9, Annotation.Kind.CLAIM, tags=[iraq])
    make_annotation(second, 0, 5, tags=[iraq])
    make_annotation(second, 10, 14, tags=[], status="suggested")
    html = client.get("/tags/").content.decode()
    assert names_in_order(html) == ["#Iraq", "#budget", "#Zebra"]
    assert ">3 annotations<" in html and ">1 annotation<" in html
    assert ">0 annotations<" in html  # every tag, used or not
    by_name = client.get("/tags/?sort=name").content.decode()
    assert names_in_order(by_name) == ["#budget", "#Iraq", "#Zebra"]
    assert 'href="?sort=name" hx-get="?sort=name" aria-current="true"' in by_name
    assert unused.get_absolute_url() in by_name


def test_speakers_directory_counts_quotes_and_claims_and_shows_the_latest_quote(client):
    milley, esper = make_speaker("Mark Milley"), make_speaker("Mark Esper")
    make_speaker("Ana Silent")
    body = "Milley said the letter was an honest mistake and nothing more. Later he said more."
    article = make_article(body=body)
    quote(milley, article, 0, 60)
    make_annotation(article, 11, 40, Annotation.Kind.CLAIM, verdict="false")  # inside
    latest = quote(milley, make_article(), 0, 20)
    quote(esper, make_article(), 0, 20)
    quote(esper, make_article(), 0, 20, status="suggested")
    html = client.get("/speakers/").content.decode()
    assert names_in_order(html) == ["Mark Milley", "Mark Esper", "Ana Silent"]
    assert "2 quotes · 1 claim" in html and "1 quote · 0 claims" in html
    assert f'#annotation-{latest.id}">“{latest.exact}' in html
    assert names_in_order(client.get("/speakers/?sort=name").content.decode()) == [
        "Ana Silent",
        "Mark Esper",
        "Mark Milley",
    ]


def test_speakers_directory_searches_names_and_aliases(client):
    make_speaker("Mark Milley", aliases=["General Milley"])
    make_speaker("Ana Minister")
    assert names_in_order(client.get("/speakers/?q=general").content.decode()) == ["Mark Milley"]
    assert names_in_order(client.get("/speakers/?q=MIN").content.decode()) == ["Ana Minister"]
    nothing = client.get("/speakers/?q=nobody").content.decode()
    assert "No speaker’s name or alias contains “nobody”" in nothing
    fragment = client.get("/speakers/?q=ana", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="speaker-directory"')
    too_long = client.get("/speakers/?q=" + "x" * 300)
    assert too_long.status_code == 200  # an over-long term is ignored, never a 500


def test_outlets_index_lists_outlets_with_counts_and_latest_date(client):
    wire, daily = make_outlet("Wire"), make_outlet("Daily")
    make_article(outlet=wire)
    make_article(outlet=wire)
    html = client.get("/outlets/").content.decode()
    assert names_in_order(html) == ["Daily", "Wire"]
    assert "2 stories · latest" in html and "0 stories" in html
    assert 'href="/outlets/wire/feed/"' in html and daily.get_absolute_url() in html


def test_claims_page_offers_no_verdict_yet(client):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 6, 9, Annotation.Kind.CLAIM)
    make_annotation(article, 10, 14, Annotation.Kind.CLAIM)
    html = client.get("/claims/").content.decode()
    assert re.search(r'id="verdict-none"[^>]*>No verdict yet <span class="count">2</span>', html)
    pending = client.get("/claims/?verdict=none").content.decode()
    assert "2 claims with no verdict yet" in pending and pending.count("<blockquote>") == 2
    assert 'id="verdict-none" href="?verdict=none" hx-get="?verdict=none" aria-current' in pending
    assert "<title>Claims with no verdict yet" in pending


def test_tag_page_gathers_its_quotes_claims_and_highlights(client):
    tag, speaker = make_tag("Iraq"), make_speaker("Jo")
    article = make_article()
    q = quote(speaker, article, 0, 5, tags=[tag])
    claim = make_annotation(article, 6, 9, Annotation.Kind.CLAIM, verdict="true", tags=[tag])
    highlight = make_annotation(article, 10, 14, tags=[tag])
    make_annotation(article, 15, 18, Annotation.Kind.CLAIM)  # not tagged
    html = client.get("/tags/iraq/").content.decode()
    assert 'Quotes <span class="count">1</span>' in html
    assert 'Claims <span class="count">1</span>' in html
    assert 'Highlights <span class="count">1</span>' in html
    # The second column: the latest quotes and claims, deep-linked.
    assert f"#annotation-{q.id}" in html and f"#annotation-{claim.id}" in html
    claims = client.get("/tags/iraq/?kind=claim").content.decode()
    assert claims.count("<blockquote>") == 1 and f"#annotation-{claim.id}" in claims
    assert "<title>Claims tagged Iraq" in claims
    highlights = client.get("/tags/iraq/?kind=highlight").content.decode()
    assert f"#annotation-{highlight.id}" in highlights
    assert client.get("/tags/iraq/?kind=bogus").status_code == 200  # stories, no 500


def test_speaker_page_has_claims_with_a_verdict_breakdown(client):
    speaker = make_speaker("Jo")
    body = "Jo said taxes fell and jobs rose and prices fell too, in one long sentence here."
    article = make_article(body=body)
    quote(speaker, article, 0, 60)
    make_annotation(article, 8, 18, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 23, 32, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 37, 48, Annotation.Kind.CLAIM)
    make_annotation(article, 62, 70, Annotation.Kind.CLAIM, verdict="true")  # outside
    html = client.get("/speakers/jo/").content.decode()
    assert "1 quote in 1 story · 3 claims" in html
    assert re.search(
        r'verdict-false">[^<]*<[^>]+>●○○○○</span> False<[^>]+>[^<]*</span>'
        r'</strong></a> <span class="count">2</span>',
        html,
    )
    assert 'No verdict yet <span class="count">1</span>' in html
    assert "verdict-true" not in html
    assert 'id="speaker-claims"' in html and 'id="speaker-verdicts"' in html


def test_a_merged_speaker_s_page_moved_for_good_even_after_a_second_merge(client):
    milley, general, gen = make_speaker("Mark Milley"), make_speaker("General"), make_speaker("Gen")
    speaker_merge(keep_id=general.pk, duplicate_ids=[gen.pk], user=None)
    response = client.get("/speakers/gen/?page=2")
    assert response.status_code == 301 and response["Location"] == "/speakers/general/?page=2"
    speaker_merge(keep_id=milley.pk, duplicate_ids=[general.pk], user=None)
    for old in ("/speakers/gen/", "/speakers/general/"):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == "/speakers/mark-milley/"
    assert client.get("/speakers/mark-milley/").status_code == 200
    assert client.get("/speakers/nobody/").status_code == 404


@pytest.mark.parametrize("url", ["/", "/tags/", "/speakers/", "/claims/", "/search/?q=x"])
def test_every_page_has_the_header_search_box_and_hub_links(client, url):
    html = client.get(url).content.decode()
    assert 'id="site-q"' in html and f'action="{reverse("articles:search")}"' in html
    for hub in HUBS:
        assert f'href="{hub}"' in html


@pytest.mark.parametrize("url", [*HUBS, "/tags/t/", "/speakers/s/", "/outlets/o/"])
def test_hub_pages_answer_304_to_their_etag_until_something_changes(
    client, settings, url, django_assert_num_queries
):
    settings.HTTP_CACHE_MAX_AGE = 45
    tag, speaker, outlet = make_tag("t"), make_speaker("s"), make_outlet("o")
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "public" in first["Cache-Control"] and "max-age=45" in first["Cache-Control"]
    assert "stale-while-revalidate" in first["Cache-Control"]
    with django_assert_num_queries(1):  # the hubs' version; the page was kept
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    article = make_article(outlet=outlet)
    quote(speaker, article, 0, 20, tags=[tag])
    make_annotation(article, 2, 9, Annotation.Kind.CLAIM, tags=[tag])
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_write_a_page_does_not_show_leaves_its_etag(client):
    make_annotation(make_article(), 0, 5, Annotation.Kind.CLAIM, verdict="true")
    etag = client.get("/claims/")["ETag"]
    make_annotation(make_article(), 0, 5)  # a highlight: the claims page shows none
    # Rendered again under the new version, to the same bytes: the same strong ETag.
    assert client.get("/claims/", headers={"If-None-Match": etag}).status_code == 304


def test_signed_in_readers_get_private_hub_pages(client):
    client.force_login(make_user())
    response = client.get("/tags/")
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_kept_page_changes_with_the_data(client):
    tag = make_tag("Iraq")
    assert ">0 annotations<" in client.get("/tags/").content.decode()
    make_annotation(make_article(), 0, 5, tags=[tag])
    assert ">1 annotation<" in client.get("/tags/").content.decode()
    tag.name = "Irak"
    tag.save()
    assert "#Irak" in client.get("/tags/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/tags/",
        "/speakers/",
        "/outlets/",
        "/speakers/s/feed/",
        "/outlets/o/feed/",
    ],
)
def test_the_hubs_need_a_login_when_reading_does(client, settings, url):
    make_speaker("s"), make_outlet("o")
    settings.READING_REQUIRES_LOGIN = True
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(make_user())
    assert client.get(url).status_code == 200


def test_indexes_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    def grow():
        outlet, speaker = make_outlet(), make_speaker()
        for _ in range(3):
            article = make_article(outlet=outlet)
            quote(speaker, article, 0, 20, tags=[make_tag()])
            make_annotation(article, 2, 9, Annotation.Kind.CLAIM, verdict="false")

    for _ in range(2):
        grow()
        # The hubs' version, the page of rows, the aside's topics and speakers.
        for url in [
            "/tags/",
            "/tags/?sort=name",
            "/speakers/",
            "/speakers/?q=speaker",
            "/outlets/",
        ]:
            with django_assert_num_queries(4):
                assert client.get(url).status_code == 200


def test_story_cards_show_capitals_in_sentence_case_and_an_opening_without_summary(client):
    body = "Troops will leave by March. Officials said so on Monday."
    article = make_article(title="PENTAGON SAYS LETTER WAS A MISTAKE", body=body)
    html = client.get("/").content.decode()
    assert ">Pentagon says letter was a mistake</a>" in html
    assert "Troops will leave by March." in html and "on Monday" not in html
    page = client.get(article.get_absolute_url()).content.decode()
    assert "PENTAGON SAYS LETTER WAS A MISTAKE" in page  # the data keeps it as written
