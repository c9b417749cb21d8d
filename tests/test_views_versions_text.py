"""The text of each version of an article, as plain text: what a W3C target's
`state.cached` names and its code-point offsets count into."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import web_annotation as wa
from articles.services.versions import article_correct
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

BODY = "Kuraklık 🌵 uyarısı: barajlarda su azaldı.\r\n\r\nİkinci paragraf."


def corrected():
    article = make_article(body=BODY, language="tr")
    article_correct(
        article=article,
        body=BODY.replace("azaldı", "çok azaldı"),
        structure=None,
        reason="Eksik kelime",
        user=None,
    )
    article.refresh_from_db()
    return article


def url(slug: str, number: int) -> str:
    return reverse("articles:article_version_text", args=[slug, number])


def test_the_path_is_the_url_configuration_s():
    assert wa.version_text_path("x", 3) == url("x", 3)


def test_each_version_s_text_exactly_as_stored(client):
    article = corrected()
    first = client.get(url(article.slug, 1))
    assert first.status_code == 200
    assert first["Content-Type"] == "text/plain; charset=utf-8"
    assert first["Content-Language"] == "tr"
    # Byte for byte: CRLF, emoji and Turkish letters as they were stored.
    assert first.content.decode() == BODY
    assert client.get(url(article.slug, 2)).content.decode() == article.body
    assert first["Link"] == f'<http://testserver/articles/{article.slug}/>; rel="original"'


def test_a_version_s_text_is_immutable_and_revalidates(client, django_assert_num_queries):
    article = corrected()
    first = client.get(url(article.slug, 1))
    assert first["Cache-Control"] == "public, max-age=86400, immutable"
    etag = first["ETag"]
    assert etag.startswith('"') and etag != client.get(url(article.slug, 2))["ETag"]
    with django_assert_num_queries(1):
        again = client.get(url(article.slug, 1), headers={"If-None-Match": f"W/{etag}"})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag


def test_signed_in_only_reading_keeps_it_private(client, settings):
    article = corrected()
    settings.READING_REQUIRES_LOGIN = True
    assert client.get(url(article.slug, 1)).status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(url(article.slug, 1))["Cache-Control"].startswith("private")


@pytest.mark.parametrize("number", [0, 3, 99999999999])
def test_no_such_version_is_a_clear_404(client, number):
    article = corrected()
    response = client.get(url(article.slug, number))
    assert response.status_code == 404
    assert response.content == b"This article has no such version.\n"
    assert client.get(url("no-such-article", 1)).status_code == 404


def test_writes_are_refused(client):
    article = corrected()
    assert client.post(url(article.slug, 1)).status_code == 405
