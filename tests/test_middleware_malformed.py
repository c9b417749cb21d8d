"""MalformedRequestMiddleware: NUL bytes and malformed headers are a 400 on every URL.

The URLs come from the URL configuration itself, so a new route is covered without anyone
remembering to add it; path parameters are filled with an existing object's values, so the
400 comes from the middleware and not from a 404 the view would have answered anyway.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user
from tests.routes import walk

pytestmark = pytest.mark.django_db

# The parameters views read (and a few they don't): the middleware looks at every one.
PARAMETERS = ("q", "speaker", "tags", "tag", "kind", "verdict", "page", "next", "name", "x")
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@pytest.fixture
def urls() -> list[str]:
    """Every route of the URL configuration as a path, parameters filled in."""
    speaker, tag = make_speaker(), make_tag()
    article = make_article()
    annotation = make_annotation(article, 2, 7, kind=Annotation.Kind.QUOTE, speaker=speaker)
    suggestion = make_annotation(
        article, 8, 13, kind=Annotation.Kind.QUOTE, status=Annotation.Status.SUGGESTED
    )
    user = make_user(editor=True, is_staff=True, is_superuser=True)
    slugs = {"articles": article.slug, "tags": tag.slug, "speakers": speaker.slug}
    slugs |= {"outlets": article.outlet.slug, "anno": article.slug, "api": article.slug}
    pks = {"annotations": annotation.pk, "suggestions": suggestion.pk, "editor": speaker.pk}
    pks |= {"anno": annotation.pk, "api": annotation.pk, "account": 1, "reviews": annotation.pk}
    pks |= {"verdicts": annotation.pk}
    admin_ids = {"user": user.pk, "article": article.pk, "speaker": speaker.pk, "tag": tag.pk}
    admin_ids |= {"outlet": article.outlet.pk, "annotation": annotation.pk}

    def fill(route: str) -> str:
        if route.startswith("admin/^"):  # admin's app index: ^(?P<app_label>auth|articles)/$
            return "/admin/articles/"
        if route == "admin/(?P<url>.*)$":  # admin's catch-all
            return "/admin/anything/"
        if route == "^api/(?P<rest>.*)$":  # the API's JSON 404 for unknown paths
            return "/api/anything/"
        first = route.split("/")[0]
        model = route.split("/")[2] if first == "admin" and route.count("/") > 2 else ""

        def value(match: re.Match) -> str:
            if match["name"] == "slug":
                return slugs[first]
            if match["name"] == "pk":
                return str(pks[first])
            if match["name"] == "content_type_id":
                return "1"
            return str(admin_ids.get(model, 1))  # object_id, id

        return "/" + CONVERTER.sub(value, route)

    return sorted({fill(route.pattern) for route in walk()})


@pytest.fixture
def editor_client(client: Client) -> Client:
    # A superuser and editor: every view gets past its permission check to read its input.
    client.force_login(make_user(editor=True, is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    return client


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 400, (response.request, response.status_code)
    assert reason in response.content.decode()


def test_the_url_configuration_is_walked_whole(urls):
    assert len(urls) > 90
    assert {"/editor/suggest/speakers/", "/healthz/ready", "/admin/articles/"} <= set(urls)


def test_a_nul_in_a_query_parameter_is_a_400_on_every_url(urls, editor_client):
    query = "&".join(f"{name}=%00" for name in PARAMETERS)
    for url in urls:
        if url.startswith("/healthz"):
            continue  # answered before any other middleware: they read no parameter
        for method in (editor_client.get, editor_client.post):
            assert_refused(method(f"{url}?{query}"), "query parameter contains a NUL")


def test_a_nul_in_a_form_field_is_a_400_on_every_url(urls, editor_client):
    for url in urls:
        if url.startswith("/healthz"):
            continue
        response = editor_client.post(url, dict.fromkeys(PARAMETERS, "a\x00b"))
        assert_refused(response, "form field contains a NUL")


def test_a_nul_in_the_path_is_a_400_on_every_url(urls, editor_client):
    for url in urls:
        if url.startswith("/healthz"):
            continue
        assert_refused(editor_client.get(url + "%00"), "address contains a NUL")
        assert_refused(editor_client.get(url.rstrip("/") + "%00/"), "address contains a NUL")


def test_a_malformed_hx_current_url_is_a_400_on_every_url(urls, editor_client):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://["}
    for url in urls:
        if url.startswith("/healthz"):
            continue
        for method in (editor_client.get, editor_client.post):
            assert_refused(method(url, headers=headers), "HX-Current-URL header is not a valid")


@pytest.mark.parametrize(
    "url",
    [
        "/editor/suggest/speakers/?speaker=%00",
        "/editor/suggest/tags/?tags=%00",
        "/editor/speakers/?q=%00",
        "/search/?q=%00",
    ],
)
def test_the_reported_nul_urls_are_a_400_with_the_reason(editor_client, url):
    response = editor_client.get(url)
    assert_refused(response, "A query parameter contains a NUL character (%00)")
    assert "That request didn’t work" in response.content.decode()


def test_ordinary_requests_pass(editor_client):
    article = make_article()
    current = f"http://testserver/articles/{article.slug}/?kind=quote"
    headers = {"HX-Request": "true", "HX-Current-URL": current}
    assert editor_client.get(f"/articles/{article.slug}/", headers=headers).status_code == 200
    assert editor_client.get("/search/?q=caf%C3%A9").status_code == 200
