"""The W3C Web Annotation Protocol endpoints: headers, ETags and 304, Prefer, paging, who may
read them, what never appears, bad input, fixed query counts; the reading page's link."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import web_annotation as wa
from articles.models import Annotation, Article
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user
from tests.w3c.corpus import make_corpus

pytestmark = pytest.mark.django_db

PROFILE_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
MINIMAL = 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
DESCRIPTIONS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedDescriptions"'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def body(response) -> dict:
    return json.loads(response.content)


def article_with(count: int, **fields):
    """An article whose body has room for `count` one-word annotations, and them."""
    text = " ".join(f"w{i:04d}" for i in range(count + 1))
    article = make_article(body=text, structure=[], **fields)
    for i in range(count):
        make_annotation(article, i * 6, i * 6 + 5, Annotation.Kind.HIGHLIGHT)
    return article


def test_the_paths_are_the_url_configuration_s():
    assert wa.container_path() == reverse("articles:anno_container")
    assert wa.annotation_path(7) == reverse("articles:anno_annotation", args=[7])
    assert wa.article_collection_path("x") == reverse(
        "articles:anno_article_collection", args=["x"]
    )
    assert wa.article_path("x") == reverse("articles:article", args=["x"])
    assert wa.speaker_path("x") == reverse("articles:speaker", args=["x"])


def test_an_annotation_has_the_w3c_shape(client):
    corpus = make_corpus()
    quote, claim, highlight = corpus.published[0], corpus.published[1], corpus.published[2]
    data = body(client.get(f"/anno/{quote.pk}/"))
    assert data["id"] == f"http://testserver/anno/{quote.pk}/"
    assert data["motivation"] == "highlighting"
    assert data["creator"] == {"type": "Person", "name": "Ayşe Yılmaz"}
    target = data["target"]
    assert target["source"] == f"http://testserver/articles/{corpus.turkish.slug}/"
    text_quote, position = target["selector"]
    assert text_quote["exact"] == "Barajlarda yalnızca yüzde 12 su kaldı"
    assert text_quote["prefix"] == quote.prefix and text_quote["suffix"] == quote.suffix
    # Code points into the text, emoji counting one each.
    assert corpus.turkish.body[position["start"] : position["end"]] == text_quote["exact"]
    assert {(b["type"], b["purpose"], b.get("value")) for b in data["body"]} == {
        ("TextualBody", "commenting", "Bakanın sözleri 🗣️ — İ ı Ş ğ"),
        ("TextualBody", "tagging", "Kuraklık"),
        ("TextualBody", "tagging", "Su 💧"),
        ("SpecificResource", "identifying", None),
    }
    speaker = next(b for b in data["body"] if b["purpose"] == "identifying")
    assert quote.speaker is not None
    assert speaker["source"] == f"http://testserver/speakers/{quote.speaker.slug}/"
    claim_data = body(client.get(f"/anno/{claim.pk}/"))
    assert claim_data["motivation"] == "assessing"
    assert {"type": "TextualBody", "value": "Mostly false", "purpose": "assessing"} in claim_data[
        "body"
    ]
    # No full name: the newsroom, never the login name.
    assert claim_data["creator"] == {"type": "Organization", "name": "Newsreader newsroom"}
    assert b"login" not in client.get(f"/anno/{claim.pk}/").content
    assert "body" not in body(client.get(f"/anno/{highlight.pk}/"))


def test_the_newsroom_name_is_a_setting(client, settings):
    settings.NEWSROOM_NAME = "Haber Masası"
    article = make_article()
    annotation = make_annotation(article, 0, 5)
    assert body(client.get(f"/anno/{annotation.pk}/"))["creator"]["name"] == "Haber Masası"


def test_suggested_and_rejected_annotations_never_appear(client):
    corpus = make_corpus()
    for hidden in corpus.hidden:
        assert client.get(f"/anno/{hidden.pk}/").status_code == 404
    hidden_iris = {f"http://testserver/anno/{a.pk}/" for a in corpus.hidden}
    seen = set()
    for article in (corpus.turkish, corpus.english):
        page = body(client.get(f"/anno/articles/{article.slug}/?iris=1&page=0"))
        seen |= set(page["items"])
        assert body(client.get(f"/anno/articles/{article.slug}/"))["total"] == len(page["items"])
    container = body(client.get("/anno/?iris=1&page=first"))
    assert set(container["items"]) == seen and len(seen) == 7
    assert not seen & hidden_iris
    assert body(client.get("/anno/"))["total"] == 7


def test_the_protocol_headers(client):
    article = article_with(2)
    container = '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"'
    resource = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    for url, link in (
        (f"/anno/articles/{article.slug}/", container),
        ("/anno/", container),
        ("/anno/?page=first", resource),  # a page is not a container
        (f"/anno/articles/{article.slug}/?page=0", resource),
    ):
        response = client.get(url)
        assert response["Content-Type"] == PROFILE_TYPE
        assert response["Link"] == link
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert {"Accept", "Prefer"} <= {v.strip() for v in response["Vary"].split(",")}
        assert response["ETag"].startswith('"')
    one = client.get(f"/anno/{article.annotations.first().pk}/")
    assert one["Content-Type"] == PROFILE_TYPE
    assert one["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert "Accept" in one["Vary"] and one["ETag"]
    options = client.options("/anno/")
    assert options.status_code == 200 and options["Allow"] == "GET, HEAD, OPTIONS"
    assert client.head("/anno/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writes_are_refused_with_405(client, method):
    article = article_with(1)
    pk = article.annotations.first().pk
    for url in ("/anno/", f"/anno/{pk}/", f"/anno/articles/{article.slug}/"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert "error" in body(response)


def test_a_client_that_takes_neither_json_ld_nor_json_gets_406(client):
    response = client.get("/anno/", headers={"Accept": "text/html"})
    assert response.status_code == 406 and "error" in body(response)
    for accept in ("application/ld+json", "application/json", "*/*", "text/html, */*;q=0.1"):
        assert client.get("/anno/", headers={"Accept": accept}).status_code == 200


def test_a_cached_response_is_the_same_as_a_fresh_one(client):
    article = article_with(3)
    url = f"/anno/articles/{article.slug}/"
    for headers in ({}, {"Prefer": IRIS}):
        fresh = client.get(url, headers=headers)
        again = client.get(url, headers=headers)
        assert again.content == fresh.content
        assert again["ETag"] == fresh["ETag"] and again["Link"] == fresh["Link"]
        assert again.get("Preference-Applied") == fresh.get("Preference-Applied")
    # Another host is another response (the IRIs are absolute).
    other = client.get(url, headers={"Host": "localhost"})
    assert b"http://localhost/anno/" in other.content and other["ETag"] != fresh["ETag"]


def test_etag_answers_304_and_changes_with_any_change(client, django_assert_num_queries):
    article = article_with(3)
    url = f"/anno/articles/{article.slug}/?page=0"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):  # the version alone
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert again["Content-Type"] == PROFILE_TYPE and again["Link"].endswith('rel="type"')
    # Weak (gzip made it so) or in a list, it still matches.
    assert client.get(url, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304
    container_etag = client.get("/anno/")["ETag"]
    with django_assert_num_queries(1):
        assert client.get("/anno/", headers={"If-None-Match": container_etag}).status_code == 304
    tag = make_tag("changes")
    article.annotations.first().tags.add(tag)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/anno/", headers={"If-None-Match": container_etag}).status_code == 200


def test_etags_follow_a_speaker_rename_an_author_rename_and_a_slug_change(client):
    article = make_article()
    author = make_user("someone", first_name="Old")
    speaker = make_speaker("Jo Old")
    quote = make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=speaker, author=author)
    one = f"/anno/{quote.pk}/"

    def etags():
        return client.get(one)["ETag"], client.get(f"/anno/articles/{article.slug}/")["ETag"]

    before = etags()
    container = client.get("/anno/")["ETag"]
    author.first_name = "New"
    author.save()
    assert client.get(one).json()["creator"]["name"] == "New"
    after_author = etags()
    assert after_author[0] != before[0] and after_author[1] != before[1]
    assert client.get("/anno/")["ETag"] != container
    speaker.slug = "jo-new"
    speaker.save()
    assert etags()[1] != after_author[1]
    container = client.get("/anno/")["ETag"]
    article.slug = "a-new-slug"
    article.save()
    assert client.get("/anno/")["ETag"] != container
    assert body(client.get(one))["target"]["source"].endswith("/articles/a-new-slug/")


def test_an_article_collection_embeds_its_first_page_and_pages_through(client):
    article = article_with(250)
    url = f"/anno/articles/{article.slug}/"
    collection = body(client.get(url))
    assert collection["type"] == ["http://www.w3.org/ns/ldp#BasicContainer", "AnnotationCollection"]
    assert collection["total"] == 250
    assert collection["last"] == f"http://testserver{url}?page=2"
    first = collection["first"]
    assert first["id"] == f"http://testserver{url}?page=0" and len(first["items"]) == 100
    assert first["next"] == f"http://testserver{url}?page=1" and "prev" not in first
    assert first["partOf"] == {"id": f"http://testserver{url}", "total": 250}
    middle = body(client.get(url + "?page=1"))
    assert middle["startIndex"] == 100
    assert middle["prev"].endswith("?page=0") and middle["next"].endswith("?page=2")
    last = body(client.get(url + "?page=2"))
    assert len(last["items"]) == 50 and "next" not in last
    # Text order, each annotation once.
    starts = [
        item["target"]["selector"][1]["start"]
        for page in (first, middle, last)
        for item in page["items"]
    ]
    assert starts == sorted(starts) and len(set(starts)) == 250


def test_prefer_is_honoured(client):
    article = article_with(3)
    url = f"/anno/articles/{article.slug}/"
    iris = client.get(url, headers={"Prefer": IRIS})
    assert iris["Preference-Applied"] == "return=representation"
    first = body(iris)["first"]
    assert all(isinstance(item, str) for item in first["items"])
    assert first["id"].endswith("?iris=1&page=0") and body(iris)["last"].endswith("?iris=1&page=0")
    described = body(client.get(url, headers={"Prefer": DESCRIPTIONS}))["first"]
    assert all(item["type"] == "Annotation" for item in described["items"])
    minimal = body(client.get(url, headers={"Prefer": MINIMAL}))
    assert minimal["first"] == f"http://testserver{url}?page=0"
    assert client.get(url, headers={"Prefer": IRIS})["ETag"] != client.get(url)["ETag"]
    # Nonsense is ignored: descriptions, as without a header.
    assert (
        body(client.get(url, headers={"Prefer": "return=;;include"}))["first"]["items"][0]["type"]
        == "Annotation"
    )
    container = body(client.get("/anno/", headers={"Prefer": IRIS}))
    assert all(isinstance(item, str) for item in container["first"]["items"])


def test_the_container_pages_newest_first_by_keyset(client, settings, monkeypatch):
    monkeypatch.setattr(wa, "PAGE_SIZE", 4)
    first_article, second_article = article_with(5), article_with(5)
    ids = sorted(
        Annotation.objects.filter(article__in=[first_article, second_article]).values_list(
            "id", flat=True
        ),
        reverse=True,
    )
    make_annotation(second_article, 0, 5, Annotation.Kind.QUOTE, status="suggested")

    def item_ids(page):
        return [int(item.rstrip("/").rsplit("/", 1)[1]) for item in page["items"]]

    page = body(client.get("/anno/?iris=1&page=first"))
    seen = item_ids(page)
    assert "prev" not in page
    while "next" in page:
        page = body(client.get(page["next"]))
        seen += item_ids(page)
    assert seen == ids
    oldest = body(client.get("/anno/?iris=1&page=last"))
    assert item_ids(oldest) == ids[-4:] and "next" not in oldest
    back = body(client.get(oldest["prev"]))
    assert item_ids(back) == ids[-8:-4] and back["id"].endswith(f"?iris=1&after={ids[-4]}")
    # Stable under inserts: a new annotation does not shift the pages after the first.
    after_first = body(client.get(f"/anno/?iris=1&before={ids[3]}"))
    make_annotation(first_article, 0, 3)
    assert body(client.get(f"/anno/?iris=1&before={ids[3]}"))["items"] == after_first["items"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/anno/?page=banana", 400),
        ("/anno/?before=x", 400),
        ("/anno/?after=-1", 400),
        ("/anno/?before=99999999999999999999999", 400),
        ("/anno/articles/{slug}/?page=x", 400),
        ("/anno/articles/{slug}/?page=-1", 400),
        ("/anno/articles/{slug}/?page=١", 400),
        ("/anno/articles/{slug}/?page=5", 404),
        ("/anno/articles/no-such-article/", 404),
        ("/anno/999999/", 404),
    ],
)
def test_bad_input_gets_a_clear_json_message(client, url, status):
    article = article_with(2)
    response = client.get(url.format(slug=article.slug))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json" and body(response)["error"]


def test_an_empty_collection_has_no_pages_to_walk(client):
    article = make_article()
    collection = body(client.get(f"/anno/articles/{article.slug}/"))
    assert collection["total"] == 0 and "first" not in collection
    assert body(client.get(f"/anno/articles/{article.slug}/?page=0"))["items"] == []
    assert body(client.get("/anno/?page=first"))["items"] == []


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
def test_every_role_reads_the_same_public_annotations(client, role):
    article = article_with(2)
    make_annotation(article, 0, 3, Annotation.Kind.QUOTE, status="suggested")
    if role != "anonymous":
        client.force_login(make_user(editor=role == "editor", is_staff=role == "staff"))
    pk = article.annotations.published().first().pk
    for url in ("/anno/", f"/anno/{pk}/", f"/anno/articles/{article.slug}/?page=0"):
        assert client.get(url).status_code == 200
    # Editors see suggestions on the reading page, never here.
    assert body(client.get(f"/anno/articles/{article.slug}/"))["total"] == 2


def test_reading_can_require_login_here_too(client, settings):
    settings.READING_REQUIRES_LOGIN = True
    article = article_with(1)
    assert client.get("/anno/").status_code == 302
    assert client.get(f"/anno/articles/{article.slug}/").status_code == 302
    client.force_login(make_user())
    assert client.get("/anno/").status_code == 200


def test_query_counts_are_fixed(client, django_assert_num_queries):
    article = article_with(150)
    speaker, tag = make_speaker(), make_tag()
    for i, annotation in enumerate(article.annotations.all()[:50]):
        annotation.tags.add(tag)
        annotation.author = make_user(first_name=f"Name{i}")
        annotation.save()
    make_annotation(article, 1, 3, Annotation.Kind.QUOTE, speaker=speaker)
    url = f"/anno/articles/{article.slug}/"
    # The version, the count, the page (speakers, authors, article and tags joined in).
    for path in (url, url + "?page=0", url + "?page=1", url + "?iris=1&page=1"):
        with django_assert_num_queries(3):
            assert client.get(path).status_code == 200
    # The same again: the response is cached under its ETag, so only the version is read.
    with django_assert_num_queries(1):
        assert client.get(url + "?page=1").status_code == 200
    # The version, the total (cached per version after the first), the page, its neighbours.
    with django_assert_num_queries(4):
        client.get("/anno/")
    for path in ("/anno/?page=first", "/anno/?page=last", "/anno/?before=100000"):
        with django_assert_num_queries(3):
            assert client.get(path).status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/anno/?page=last").status_code == 200
    one = f"/anno/{article.annotations.first().pk}/"
    with django_assert_num_queries(1):
        assert client.get(one).status_code == 200


def test_the_reading_page_links_its_collection_from_the_cached_page(
    client, django_assert_num_queries
):
    article = article_with(1)
    link = (
        '<link rel="alternate" type=\'application/ld+json; '
        'profile="http://www.w3.org/ns/anno.jsonld"\' '
        f'href="/anno/articles/{article.slug}/"'
    )
    assert link in client.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(1):  # served whole from the cache, link included
        again = client.get(article.get_absolute_url())
    assert link in again.content.decode()


def test_a_collections_etag_does_not_change_with_the_clock(client, monkeypatch):
    """The version row's Last-Modified is None within the second of a change and a time
    after it: the ETag (and the cached response) must not follow it."""
    import datetime

    from articles.models import ArticleQuerySet

    article = article_with(3)
    url = f"/anno/articles/{article.slug}/"
    version = Article.objects.page_version(article.slug)
    assert version is not None
    for last_modified in (None, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)):
        row = (*version[:5], last_modified)
        monkeypatch.setattr(ArticleQuerySet, "page_version", lambda self, slug, row=row: row)
        etags = {client.get(url)["ETag"], client.get(url + "?page=0")["ETag"]}
        if last_modified is None:
            first = etags
        else:
            assert etags == first
