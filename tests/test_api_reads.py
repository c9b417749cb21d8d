"""The API's reads: filters, cursor pages stable under inserts, ETags, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Annotation, Article, Outlet, Speaker, Tag
from articles.names import name_slug
from tests.factories import (
    make_annotation,
    make_article,
    make_outlet,
    make_speaker,
    make_tag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def day(n: int) -> datetime.date:
    return datetime.date(2020, 1, 1) + datetime.timedelta(days=n)


def test_articles_come_newest_first_with_outlet_counts_and_tags(client):
    outlet = make_outlet("Euronews")
    old = make_article(title="Old story", outlet=outlet, published_on=day(1))
    new = make_article(title="New story", outlet=outlet, published_on=day(2))
    war = make_tag("War")
    make_annotation(new, 2, 7, Annotation.Kind.QUOTE, tags=[war])
    make_annotation(new, 8, 17, Annotation.Kind.CLAIM)
    make_annotation(new, 20, 25, Annotation.Kind.QUOTE, status="suggested")
    body = client.get("/api/articles/").json()
    assert [a["slug"] for a in body["items"]] == [new.slug, old.slug]
    first = body["items"][0]
    assert first["outlet"] == {"name": "Euronews", "slug": "euronews"}
    assert (first["quote_count"], first["claim_count"]) == (1, 1)  # no suggestion counted
    assert first["tags"] == [{"name": "War", "slug": "war"}]
    assert first["url"] == f"http://testserver/articles/{new.slug}/"
    assert first["body"] is None and body["next"] is None


def test_article_filters(client):
    euronews, ap = make_outlet("Euronews"), make_outlet("AP")
    speaker, tag = make_speaker("Ann Lee"), make_tag("Drought")
    turkish = make_article(outlet=euronews, language="tr", published_on=day(5))
    quoted = make_article(outlet=ap, published_on=day(10))
    make_annotation(quoted, 2, 7, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag])
    plain = make_article(outlet=ap, published_on=day(20))

    def slugs(**query) -> list[str]:
        response = client.get("/api/articles/", query)
        assert response.status_code == 200, response.content
        return [a["slug"] for a in response.json()["items"]]

    assert slugs(outlet="euronews") == [turkish.slug]
    assert slugs(language="tr") == [turkish.slug]
    assert slugs(speaker="ann-lee") == [quoted.slug]
    assert slugs(tag="drought") == [quoted.slug]
    assert slugs(published_since=day(10).isoformat()) == [plain.slug, quoted.slug]
    assert slugs(published_since=day(6).isoformat(), published_until=day(10).isoformat()) == [
        quoted.slug
    ]
    later = timezone.now()
    Article.objects.filter(pk=turkish.pk).update(updated_at=later + datetime.timedelta(seconds=1))
    assert slugs(updated_since=later.isoformat()) == [turkish.slug]


def test_the_body_and_structure_come_on_request_and_with_the_article(client):
    article = make_article()
    listed = client.get("/api/articles/", {"body": "true"}).json()["items"][0]
    assert listed["body"] == article.body and listed["structure"] == article.structure
    detail = client.get(f"/api/articles/{article.slug}/").json()
    assert detail["body"] == article.body and detail["annotations_version"] == 0
    assert detail["annotations_url"].endswith(f"/api/annotations/?article={article.slug}")


def test_cursor_pages_are_stable_when_articles_are_added(client):
    articles = [make_article(published_on=day(n)) for n in range(5)]
    first = client.get("/api/articles/", {"limit": 2}).json()
    assert [a["id"] for a in first["items"]] == [articles[4].pk, articles[3].pk]
    # A newer article and one on the same day as the page's last arrive meanwhile.
    make_article(published_on=day(9))
    make_article(published_on=day(3))
    rest, url = [], first["next"]
    while url:
        page = client.get(url).json()
        rest += [a["id"] for a in page["items"]]
        url = page["next"]
    later_same_day = Article.objects.filter(published_on=day(3)).order_by("-id").first()
    assert later_same_day is not None and later_same_day.pk not in rest  # sorts before the cursor
    assert rest == [articles[2].pk, articles[1].pk, articles[0].pk]


def test_changes_are_paged_oldest_first_from_updated_since(client):
    articles = [make_article() for _ in range(3)]
    since = timezone.now() - datetime.timedelta(minutes=1)
    for n, article in enumerate(articles):
        Article.objects.filter(pk=article.pk).update(
            updated_at=since + datetime.timedelta(seconds=10 - n)
        )
    page = client.get("/api/articles/", {"updated_since": since.isoformat(), "limit": 2}).json()
    assert [a["id"] for a in page["items"]] == [articles[2].pk, articles[1].pk]
    rest = client.get(page["next"]).json()
    assert [a["id"] for a in rest["items"]] == [articles[0].pk] and rest["next"] is None


def test_a_cursor_from_another_list_or_made_up_is_a_422_naming_the_field(client):
    make_article()
    make_article()
    cursor = client.get("/api/articles/", {"limit": 1}).json()["next_cursor"]
    for bad in (cursor, "not-a-cursor", "W10"):
        response = client.get("/api/annotations/", {"cursor": bad})
        assert response.status_code == 422
        assert "cursor" in response.json()["errors"], response.json()


def test_bad_parameters_are_422_with_field_messages(client):
    response = client.get("/api/articles/", {"limit": 1000, "published_since": "yesterday"})
    assert response.status_code == 422 and response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert set(errors) == {"limit", "published_since"}
    response = client.get("/api/annotations/", {"kind": "rumour"})
    assert response.status_code == 422 and "kind" in response.json()["errors"]


def test_unknown_things_are_json_404s(client):
    for url in ("/api/articles/nope/", "/api/annotations/999/", "/api/no-such-endpoint"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


def test_an_unchanged_read_answers_304_to_its_etag(client):
    make_article()
    response = client.get("/api/articles/")
    etag = response["ETag"]
    assert etag.startswith('"') and "Authorization" in response["Vary"]
    again = client.get("/api/articles/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    weak = client.get("/api/articles/", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    make_article()
    assert client.get("/api/articles/", headers={"If-None-Match": etag}).status_code == 200


def test_annotations_list_filters_and_never_shows_suggestions(client, editor):
    article, other = make_article(), make_article()
    speaker, tag = make_speaker("Ann Lee"), make_tag("Drought")
    quote = make_annotation(
        article, 2, 7, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag], author=editor
    )
    claim = make_annotation(other, 8, 17, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 20, 25, Annotation.Kind.QUOTE, status="suggested")
    make_annotation(article, 26, 30, Annotation.Kind.QUOTE, status="rejected")

    def ids(**query) -> list[int]:
        response = client.get("/api/annotations/", query)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["items"]]

    assert ids() == [claim.pk, quote.pk]
    assert ids(article=article.slug) == [quote.pk]
    assert ids(kind="claim") == [claim.pk]
    assert ids(verdict="false") == [claim.pk]
    assert ids(speaker="ann-lee") == [quote.pk]
    assert ids(tag="drought") == [quote.pk]
    since = timezone.now()
    Annotation.objects.filter(pk=quote.pk).update(updated_at=since + datetime.timedelta(seconds=1))
    assert ids(updated_since=since.isoformat()) == [quote.pk]
    item = client.get(f"/api/annotations/{quote.pk}/").json()
    assert item["speaker"] == {"name": "Ann Lee", "slug": "ann-lee"}
    assert item["author"] == "Eda Editor"  # the display name, never the login
    assert item["tags"] == [{"name": "Drought", "slug": "drought"}]
    assert item["url"].endswith(f"/articles/{article.slug}/#annotation-{quote.pk}")
    assert item["exact"] == article.body[2:7] and item["rating"] is None
    assert client.get(f"/api/annotations/{claim.pk}/").json()["rating"] == 1


def test_speakers_tags_and_outlets_with_counts(client):
    outlet = make_outlet("Euronews")
    article = make_article(outlet=outlet)
    speaker = make_speaker("Ann Lee", aliases=["Lee"])
    tag = make_tag("Drought")
    make_annotation(article, 2, 7, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag])
    make_annotation(article, 8, 12, Annotation.Kind.QUOTE, speaker=speaker, status="suggested")
    speakers = client.get("/api/speakers/").json()["items"]
    assert speakers == [
        {
            "id": speaker.pk,
            "name": "Ann Lee",
            "slug": "ann-lee",
            "url": "http://testserver/speakers/ann-lee/",
            "description": "",
            "aliases": ["Lee"],
            "quote_count": 1,
        }
    ]
    tags = client.get("/api/tags/", {"counts": "true"}).json()["items"]
    assert [(t["slug"], t["annotation_count"]) for t in tags] == [("drought", 1)]
    assert client.get("/api/tags/").json()["items"][0]["annotation_count"] is None
    outlets = client.get("/api/outlets/").json()["items"]
    assert [(o["slug"], o["article_count"]) for o in outlets] == [("euronews", 1)]


def test_catalogue_pages_follow_their_cursor(client):
    tags = [make_tag(f"tag {n}") for n in range(5)]
    seen, url = [], "/api/tags/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [t["id"] for t in page["items"]]
        url = page["next"]
    assert seen == [t.pk for t in tags]


def test_search_answers_hits_and_facets(client):
    article = make_article(title="Drought in the south", body="Farmers fear the drought.")
    response = client.get("/api/search/", {"q": "drought"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["slug"] == article.slug
    assert "drought" in body["items"][0]["snippet"].lower()
    assert body["facets"]["outlets"][0]["count"] == 1
    assert client.get("/api/search/").status_code == 422  # q is required


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/articles/", 1),
        ("/api/articles/?body=true&language=en", 1),
        # The outlet's, tag's and speaker's ids first (see api_filtered).
        ("/api/articles/?outlet=o", 2),
        ("/api/articles/?tag=t&outlet=o", 3),
        ("/api/articles/?speaker=s", 2),
        ("/api/annotations/", 1),
        ("/api/annotations/?tag=t&speaker=s&kind=quote&article=a", 1),
        ("/api/speakers/", 1),
        ("/api/tags/", 1),
        ("/api/tags/?counts=true", 1),
        ("/api/outlets/", 1),
    ],
)
def test_each_list_costs_one_query_whatever_its_size(
    client, url, queries, django_assert_num_queries
):
    for _ in range(3):
        article = make_article(outlet=Outlet.objects.get_or_create(name="O", slug="o")[0])
        make_annotation(
            article,
            2,
            7,
            Annotation.Kind.QUOTE,
            speaker=Speaker.objects.get_or_create(name="S", slug="s")[0],
            tags=[make_tag()],
        )
        tag_t = Tag.objects.get_or_create(name="T", slug="t")[0]
        make_annotation(article, 8, 17, Annotation.Kind.CLAIM, tags=[make_tag(), tag_t])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_one_article_and_one_annotation_cost_one_query(client, django_assert_num_queries):
    article = make_article()
    annotation = make_annotation(article, 2, 7, tags=[make_tag(), make_tag()])
    with django_assert_num_queries(1):
        assert client.get(f"/api/articles/{article.slug}/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get(f"/api/annotations/{annotation.pk}/").status_code == 200


def test_a_token_read_costs_one_query_more_and_a_session_read_two(
    client, reader, bearer, django_assert_num_queries
):
    make_article()
    headers = bearer(reader)
    client.get("/api/articles/", headers=headers)  # writes last_used_at once
    with django_assert_num_queries(2):
        assert client.get("/api/articles/", headers=headers).status_code == 200
    client.force_login(reader)
    with django_assert_num_queries(3):  # session, user, list
        assert client.get("/api/articles/").status_code == 200


READ_URLS = [
    "/api/articles/",
    "/api/articles/{slug}/",
    "/api/annotations/",
    "/api/annotations/{pk}/",
    "/api/speakers/",
    "/api/tags/",
    "/api/outlets/",
    "/api/search/?q=paragraph",
]


@pytest.mark.parametrize("url", READ_URLS)
@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
@pytest.mark.parametrize("login_required", [False, True])
def test_reads_per_role(client, settings, bearer, reader, editor, staff, url, role, login_required):
    settings.READING_REQUIRES_LOGIN = login_required
    article = make_article()
    annotation = make_annotation(article, 2, 7)
    users = {"reader": reader, "editor": editor, "staff": staff}
    headers = {} if role == "anonymous" else bearer(users[role])
    response = client.get(url.format(slug=article.slug, pk=annotation.pk), headers=headers)
    expected = 401 if role == "anonymous" and login_required else 200
    assert response.status_code == expected
    assert response["Content-Type"].startswith("application/json")


def test_a_method_an_endpoint_lacks_is_a_json_405(client):
    response = client.put("/api/articles/")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert response.json()["detail"].startswith("PUT is not allowed here")


def test_links_in_any_script_are_the_pages_reverse_names(client):
    """Lists reverse each page once and fill in slugs: a Greek tag's, a Ukrainian outlet's
    and a Japanese speaker's links are the ones `reverse` gives, and they open."""
    outlet = Outlet.objects.create(name="Київ Post", slug=name_slug("Київ Post"))
    article = make_article(title="Κυριάκος", outlet=outlet)
    speaker = Speaker.objects.create(name="東京 太郎", slug=name_slug("東京 太郎"))
    tag = Tag.objects.create(name="Κυριάκος", slug=name_slug("Κυριάκος"))
    make_annotation(article, 2, 7, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag])
    listed = {
        "articles": client.get("/api/articles/").json()["items"][0]["url"],
        "annotations": client.get("/api/annotations/").json()["items"][0]["article"]["url"],
        "tag": client.get("/api/tags/").json()["items"][0]["url"],
        "speaker": client.get("/api/speakers/").json()["items"][0]["url"],
        "outlet": client.get("/api/outlets/").json()["items"][0]["url"],
    }
    expected = {
        "articles": reverse("articles:article", args=[article.slug]),
        "annotations": reverse("articles:article", args=[article.slug]),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "speaker": reverse("articles:speaker", args=[speaker.slug]),
        "outlet": reverse("articles:outlet", args=[outlet.slug]),
    }
    assert not tag.slug.isascii() and not speaker.slug.isascii()
    for name, url in listed.items():
        assert url == "http://testserver" + expected[name], name
        assert client.get(url).status_code == 200, name
