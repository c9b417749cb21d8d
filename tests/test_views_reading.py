from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.utils.http import http_date

from articles.models import Annotation, AnnotationsVersion, Article, Outlet, Speaker, Tag
from articles.rendering import verdict_badge
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db


MARK_ID = re.compile(r' id="annotation-\d+"')


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_home_lists_articles_with_counts_and_tags(client):
    article = make_article(title="Pentagon denies plans")
    tag = make_tag("Iraq")
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker(), tags=[tag])
    make_annotation(article, 6, 9, Annotation.Kind.CLAIM)
    make_annotation(article, 10, 12, Annotation.Kind.CLAIM, status=Annotation.Status.SUGGESTED)
    html = client.get("/").content.decode()
    assert "Pentagon denies plans" in html
    assert re.search(r"1 quote\b", html) and re.search(r"1 claim\b", html)
    assert 'href="/tags/iraq/">#Iraq</a>' in html
    assert 'name="q"' in html and 'action="/search/"' in html


def test_home_paginates(client):
    for i in range(23):
        make_article(title=f"Story {i:02d}")
    first = client.get("/").content.decode()
    assert first.count('class="story"') == 20 and 'rel="next"' in first
    second = client.get("/?page=2").content.decode()
    assert second.count('class="story"') == 3 and "Page 2<" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get("/?page=banana").status_code == 200


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("3", 2),  # past the end: the last page, as on every other list
        ("99999", 2),
        ("100000", 2),
        ("99999999999999999999999", 2),
        ("0", 2),  # below 1: the last page too (Paginator.get_page does the same)
        ("-1", 2),
        ("banana", 1),  # not a number: the first page
        ("", 1),
        ("2.5", 1),
    ],
)
def test_home_answers_out_of_range_pages_like_the_other_lists(client, page, shown):
    for i in range(23):
        make_article(title=f"Story {i:02d}")
    tag = make_tag("t")
    for article in Article.objects.all():
        make_annotation(article, 0, 1, tags=[tag])
    home = client.get("/", {"page": page})
    tag_list = client.get("/tags/t/", {"page": page})
    assert home.status_code == tag_list.status_code == 200
    assert tag_list.context["page"].number == shown
    assert home.context["page"].number == shown
    html = home.content.decode()
    assert html.count('class="story"') == (20 if shown == 1 else 3)
    if shown == 2:
        assert 'rel="next"' not in html and 'rel="prev"' in html


def test_an_out_of_range_home_page_costs_two_queries_more(client, django_assert_num_queries):
    for _ in range(3):
        make_article()
    # The hubs' version and the second column's topics and speakers (articles/hub_pages.py)
    # besides: the empty page, then a count and the last page.
    with django_assert_num_queries(3 + 3):
        assert client.get("/?page=7").status_code == 200
    with django_assert_num_queries(2 + 3):  # no page can lie below 1: straight to the count
        assert client.get("/?page=-7").status_code == 200


def test_home_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    for _ in range(5):
        make_article()
    # One query for the stories: no count of the whole archive, only "is there a next
    # page"; with the hubs' version and the second column's topics and speakers.
    with django_assert_num_queries(4):
        client.get("/")
    for _ in range(10):
        article = make_article()
        make_annotation(article, 0, 4, tags=[make_tag()])
        make_annotation(article, 5, 9, Annotation.Kind.QUOTE)
    with django_assert_num_queries(4):
        client.get("/")
    with django_assert_num_queries(1):  # kept: the version alone
        client.get("/")
    with django_assert_num_queries(2):  # a swap of the list: no second column
        client.get("/", headers={"HX-Request": "true"})


def test_home_serves_the_list_fragment_to_htmx(client):
    make_article(title="Only in the fragment")
    response = client.get("/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Only in the fragment" in html
    assert "<html" not in html and html.lstrip().startswith('<section id="article-list"')
    assert "HX-Request" in response["Vary"]


def test_article_page_shows_the_header_and_marks(client):
    article = make_article(
        title="A title", summary="The summary", agency="AP", original_url="https://ex.org/a"
    )
    make_annotation(article, 2, 7, Annotation.Kind.QUOTE)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h1" in html and "A title" in html and "The summary" in html
    assert "AP" in html and 'href="https://ex.org/a"' in html
    assert "<title>A title ·" in html and '<meta name="description" content="The summary">' in html
    assert '<div id="article-body" class="article-body"><p data-start="0">' in html
    assert '<h2 data-start="' in html
    assert 'id="annotation-list"' in html and 'id="note-' in html


def test_article_page_renders_marks_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    article = make_article()
    speaker, tag = make_speaker(), make_tag()
    for i in range(20):
        kind = [Annotation.Kind.QUOTE, Annotation.Kind.CLAIM, Annotation.Kind.HIGHLIGHT][i % 3]
        make_annotation(
            article,
            i,
            i + 10,
            kind,
            speaker=speaker if kind == "quote" else None,
            tags=[tag],
            author=make_user(),
        )
    # The page's version, the article, then the annotations with their tags.
    with django_assert_num_queries(3):
        response = client.get(article.get_absolute_url())
    assert len(MARK_ID.findall(response.content.decode())) == 20
    # Nothing changed: the page comes from the cache on its version alone.
    with django_assert_num_queries(1):
        again = client.get(article.get_absolute_url())
    main = lambda r: r.content.decode().split('<main id="main"')[1]  # noqa: E731
    assert main(again) == main(response)


def test_a_change_to_the_annotations_is_shown_at_once(client):
    article = make_article()
    first = make_annotation(article, 0, 5, Annotation.Kind.CLAIM)
    client.get(article.get_absolute_url())
    first.verdict = Annotation.Verdict.FALSE
    first.save()
    assert (
        "Verdict: " + verdict_badge("false")
        in client.get(article.get_absolute_url()).content.decode()
    )
    first.tags.add(make_tag("fresh tag"))
    assert "#fresh tag" in client.get(article.get_absolute_url()).content.decode()
    first.delete()
    assert not MARK_ID.search(client.get(article.get_absolute_url()).content.decode())


def test_bulk_updates_and_renames_are_shown_at_once(client):
    article = make_article()
    old, new = make_speaker("Old Name"), make_speaker("Someone Else")
    tag = make_tag("before")
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=old, tags=[tag])
    url = article.get_absolute_url()
    assert "Old Name" in client.get(url).content.decode()
    # A speaker merge updates rows without saving them (updated_at stays).
    Annotation.objects.filter(speaker=old).update(speaker=new)
    assert "Someone Else" in client.get(url).content.decode()
    Speaker.objects.filter(pk=new.pk).update(name="Renamed Speaker")
    assert "Renamed Speaker" in client.get(url).content.decode()
    Tag.objects.filter(pk=tag.pk).update(name="after")
    assert "#after" in client.get(url).content.decode()


def test_authors_are_shown_by_full_name_or_the_newsroom_never_by_login_name(client, settings):
    settings.NEWSROOM_NAME = "The Harbour Desk"
    article = make_article()
    named = make_user("named", first_name="Nadia", last_name="Named")
    unnamed = make_user("login-name-only")
    make_annotation(article, 0, 5, author=named)
    make_annotation(article, 6, 10, author=unnamed)
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Nadia Named" in html and "The Harbour Desk" in html
    assert "login-name-only" not in html and ">named<" not in html
    named.last_name = "Renamed"
    named.save(update_fields=["last_name"])
    assert "Nadia Renamed" in client.get(url).content.decode()
    unnamed.first_name = "Uma"
    unnamed.save(update_fields=["first_name"])
    html = client.get(url).content.decode()
    assert "Uma," in html and "The Harbour Desk" not in html


def test_suggestions_are_not_shown_to_readers(client):
    article = make_article()
    make_annotation(article, 0, 5, status=Annotation.Status.SUGGESTED)
    assert not MARK_ID.search(client.get(article.get_absolute_url()).content.decode())


def test_filters_show_only_matching_marks(client):
    article = make_article()
    esper, milley = make_speaker("Mark Esper"), make_speaker("Mark Milley")
    iraq = make_tag("Iraq")
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=esper, tags=[iraq])
    make_annotation(article, 6, 10, Annotation.Kind.QUOTE, speaker=milley)
    make_annotation(article, 11, 15, Annotation.Kind.CLAIM, tags=[iraq])
    url = article.get_absolute_url()

    def marks(query: str) -> int:
        html = client.get(url + query).content.decode()
        body = html.split('id="article-body"')[1].split("</div>")[0]
        return len(re.findall(r' id="annotation-\d+"', body))

    assert marks("") == 3
    assert marks("?kind=quote") == 2
    assert marks("?kind=claim") == 1
    assert marks("?speaker=mark-esper") == 1
    assert marks("?tag=iraq") == 2
    assert marks("?tag=iraq&kind=quote") == 1
    assert marks("?kind=nonsense") == 3  # an invalid filter is not applied, never a 500
    html = client.get(url + "?kind=quote").content.decode()
    assert 'id="filter-kind-quote" href="/articles/' in html
    assert re.search(r'id="filter-kind-quote"[^>]*aria-current="true"', html)
    assert "2 of 3 annotations shown" in html


def test_filters_answer_htmx_with_the_reading_fragment(client):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE)
    response = client.get(
        article.get_absolute_url() + "?kind=quote",
        headers={"HX-Request": "true", "HX-Target": "reading"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="reading"')
    assert "<html" not in html and 'id="article-body"' in html and 'id="annotation-list"' in html
    assert "HX-Request" in response["Vary"]


def test_annotation_details_name_speaker_verdict_tags_note_author(client):
    article = make_article()
    editor = make_user("sam", first_name="Sam", last_name="Editor")
    make_annotation(
        article,
        0,
        7,
        Annotation.Kind.QUOTE,
        speaker=make_speaker("Mark Esper"),
        tags=[make_tag("Defence")],
        note="Said <on> Monday",
        author=editor,
    )
    make_annotation(article, 8, 12, Annotation.Kind.CLAIM, verdict=Annotation.Verdict.MOSTLY_FALSE)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'by <a href="/speakers/mark-esper/">Mark Esper</a>' in html
    assert 'href="/tags/defence/">#Defence</a>' in html
    assert "Said &lt;on&gt; Monday" in html
    assert "Sam Editor" in html
    assert "Verdict: " + verdict_badge("mostly-false") in html


def test_structured_data_has_the_article_and_a_claim_review_per_judged_claim(client):
    article = make_article(
        title="Pentagon denies", original_url="https://www.euronews.com/x", summary="S"
    )
    body = article.body
    make_annotation(article, 0, 30, Annotation.Kind.QUOTE, speaker=make_speaker("Mark Esper"))
    claim = make_annotation(article, 2, 20, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 40, 50, Annotation.Kind.CLAIM, verdict="unverifiable")
    make_annotation(article, 51, 60, Annotation.Kind.CLAIM)  # no verdict yet: no review
    graph = json_ld(client.get(article.get_absolute_url()).content.decode())["@graph"]
    assert graph[0]["@type"] == "NewsArticle" and graph[0]["headline"] == "Pentagon denies"
    reviews = [item for item in graph if item["@type"] == "ClaimReview"]
    assert len(reviews) == 2
    first = reviews[0]
    assert first["claimReviewed"] == body[2:20]
    assert first["reviewRating"]["alternateName"] == "False"
    assert first["reviewRating"]["ratingValue"] == 1
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["itemReviewed"]["author"]["name"] == "Mark Esper"
    assert first["itemReviewed"]["appearance"]["url"] == "https://www.euronews.com/x"
    assert first["url"].endswith(f"#annotation-{claim.id}")
    assert "ratingValue" not in reviews[1]["reviewRating"]
    assert "author" not in reviews[1]["itemReviewed"]


def test_structured_data_cannot_close_the_script_element(client):
    article = make_article(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_editor_tools_hook_is_included_for_editors_only(client):
    article = make_article()
    client.force_login(make_user(editor=True))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Signed in as" in html
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_unknown_article_is_a_404_in_the_site_style(client):
    response = client.get("/articles/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html and 'class="site-header"' in html


def test_an_unknown_url_is_a_404_not_a_500(client):
    assert client.get("/no/such/page/").status_code == 404


def test_the_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and '<html lang="en">' in html


def test_the_list_does_not_double_a_span_own_quotation_marks(client):
    article = make_article(body='He said "no way" and "left".')
    make_annotation(article, 8, 16, Annotation.Kind.QUOTE)  # "no way" with its marks
    make_annotation(article, 0, 7)
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">&quot;no way&quot;</a>" in html
    assert ">“He said”</a>" in html


def test_an_anonymous_repeat_view_is_served_whole_from_the_cache(client, django_assert_num_queries):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker())
    url = article.get_absolute_url()
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    # Only the version of the article, outlet and annotations is read.
    with django_assert_num_queries(1):
        again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.content == first.content
    vary = {v.strip() for v in again["Vary"].split(",")}
    assert {"Cookie", "HX-Request", "Accept-Encoding"} <= vary
    plain = client.get(url)
    assert "Content-Encoding" not in plain and b'id="article-body"' in plain.content
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="reading"') and "<html" not in fragment


def test_an_anonymous_article_answers_304_to_its_etag_on_the_version_alone(
    client, settings, django_assert_num_queries
):
    settings.HTTP_CACHE_MAX_AGE, settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 30, 120
    article = make_article()
    backdate(article)
    url = article.get_absolute_url()
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert first["Last-Modified"]
    control = {v.strip() for v in first["Cache-Control"].split(",")}
    assert control == {"public", "max-age=30", "stale-while-revalidate=120"}
    # Before the cache lookup and the render: the version's one query.
    with django_assert_num_queries(1):
        revalidated = client.get(url, headers={"If-None-Match": etag})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == etag and "public" in revalidated["Cache-Control"]
    assert "Cookie" in revalidated["Vary"]
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # Each variant its own validator: gzip, the htmx fragment.
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert len({etag, gzipped["ETag"], fragment["ETag"]}) == 3


HOUR_AGO = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)


def backdate(article: Article, at: datetime.datetime = HOUR_AGO) -> None:
    """The article's and its outlet's times put back (a QuerySet update skips auto_now)."""
    Article.objects.filter(pk=article.pk).update(updated_at=at)
    Outlet.objects.filter(pk=article.outlet_id).update(updated_at=at)


def since(client, url: str, date: datetime.datetime | str, **headers):
    if isinstance(date, datetime.datetime):
        date = http_date(date.timestamp())
    return client.get(url, headers={"If-Modified-Since": date, **headers})


def test_if_modified_since_answers_304_until_the_article_its_outlet_or_annotations_change(
    client, django_assert_num_queries
):
    article = make_article()
    backdate(article)
    url = article.get_absolute_url()
    first = client.get(url)
    assert first["Last-Modified"] == http_date(HOUR_AGO.timestamp())
    with django_assert_num_queries(1):  # the version's query, nothing rendered or looked up
        revalidated = since(client, url, first["Last-Modified"])
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["Last-Modified"] == first["Last-Modified"] and revalidated["ETag"]
    assert since(client, url, HOUR_AGO + datetime.timedelta(days=1)).status_code == 304
    assert since(client, url, HOUR_AGO - datetime.timedelta(seconds=1)).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2).
    assert since(client, url, HOUR_AGO, **{"If-None-Match": '"other"'}).status_code == 200

    # An annotation changes the page without touching the article: its version's time.
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker())
    # Within the second of the change no date is sent: a later change in the same second
    # would carry the same one.
    fresh = since(client, url, HOUR_AGO)
    assert fresh.status_code == 200 and "Last-Modified" not in fresh
    later = HOUR_AGO + datetime.timedelta(minutes=30)
    with connection.cursor() as cursor:  # the trigger dates every write: put it back past it
        cursor.execute(
            "ALTER TABLE articles_annotationsversion DISABLE TRIGGER "
            "articles_annotations_version_dated"
        )
        cursor.execute("UPDATE articles_annotationsversion SET changed_at = %s", [later])
    annotated = client.get(url)
    assert annotated["Last-Modified"] == http_date(later.timestamp())
    assert since(client, url, first["Last-Modified"]).status_code == 200
    assert since(client, url, later).status_code == 304

    # Renaming the outlet (on every article page) moves its time.
    article.outlet.name = "Renamed Daily"
    article.outlet.save()
    renamed = since(client, url, later)
    assert renamed.status_code == 200 and b"Renamed Daily" in renamed.content


def test_annotation_versions_are_dated_by_the_database_clock_at_each_bump():
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE)
    first = AnnotationsVersion.objects.get(article=article)
    make_annotation(article, 6, 9, Annotation.Kind.QUOTE)
    second = AnnotationsVersion.objects.get(article=article)
    assert second.version > first.version and second.changed_at > first.changed_at


def test_an_annotation_changes_the_article_s_etag(client):
    article = make_article()
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker())
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304


def test_a_signed_in_reader_s_article_page_is_private_with_no_etag(client):
    article = make_article()
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.force_login(make_user("reader"))
    page = client.get(url, headers={"If-None-Match": etag})
    assert page.status_code == 200 and "ETag" not in page
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]
    assert "Cookie" in page["Vary"]


def test_anonymous_pages_hold_no_csrf_token_and_signed_in_ones_do(client):
    article = make_article()
    anonymous = client.get(article.get_absolute_url())
    assert "X-CSRFToken" not in anonymous.content.decode()
    assert "csrftoken" not in anonymous.cookies
    client.force_login(make_user("reader"))
    signed_in = client.get(article.get_absolute_url()).content.decode()
    assert "X-CSRFToken" in signed_in and "Signed in as <strong>reader</strong>" in signed_in


def test_the_login_link_keeps_the_query_string_of_a_cached_page(client):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    assert "next=/articles/" in client.get(url).content.decode()
    assert "kind%3Dquote" in client.get(url + "?kind=quote").content.decode()


def test_edits_to_the_article_and_its_outlet_are_shown_at_once(client):
    article = make_article(title="Before")
    url = article.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    article.title = "After"
    article.save()
    assert "After" in client.get(url).content.decode()
    type(article.outlet).objects.filter(pk=article.outlet_id).update(name="Renamed Outlet")
    html = client.get(url).content.decode()
    assert "Renamed Outlet" in html and json_ld(html)["@graph"][0]["publisher"]["name"] == (
        "Renamed Outlet"
    )


def test_a_pending_message_is_not_cached_for_the_next_anonymous_reader(client, rf):
    article = make_article()
    url = article.get_absolute_url()
    message = Message(constants.INFO, "Just for you")
    storage = CookieStorage(rf.get("/"))
    cookie = storage._encode([message])  # type: ignore[attr-defined]  # private: not in the stubs
    client.cookies["messages"] = cookie
    assert "Just for you" in client.get(url).content.decode()
    del client.cookies["messages"]
    assert "Just for you" not in client.get(url).content.decode()


@pytest.mark.parametrize("path", ["/", "/search/?q=troops", "/claims/"])
def test_reading_pages_answer_head_for_monitors_and_link_checkers(client, path):
    assert client.head(path).status_code == 200


def test_the_article_page_answers_head(client):
    article = make_article()
    assert client.head(article.get_absolute_url()).status_code == 200
