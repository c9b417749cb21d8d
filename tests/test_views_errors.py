"""The 400 and 403 pages and the CSRF failure view: in the site's style, saying what happened
and what to do."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, SourceFile
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def test_too_many_files_in_one_upload_explain_the_limit_and_the_way_round(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(make_user(is_staff=True, is_superuser=True))
    files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(3)]
    response = client.post("/admin/articles/sourcefile/import/", {"files": files})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The upload had more than 2 files." in html
    assert ".zip archives" in html
    assert 'class="brand"' in html  # the site's layout, not Django's bare text
    assert not SourceFile.objects.exists()


def test_an_unreadable_request_gets_the_styled_page(client):
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    assert "Newsreader could not understand the request." in response.content.decode()


def test_a_reader_refused_a_write_sees_who_they_are_and_what_to_do(client):
    client.force_login(make_user("rita"))
    article = make_article()
    response = client.post(reverse("articles:annotation_create", args=[article.slug]), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can’t do that here" in html
    assert "signed in as <strong>rita</strong>" in html


def test_a_post_without_csrf_token_is_refused_with_a_message():
    """The CSRF failure view (settings.CSRF_FAILURE_VIEW) answers htmx in the status line."""
    article = make_article(body="He said it today.", structure=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ed", editor=True))
    start = article.body.index("today")
    data = {"kind": "highlight", "start": start, "end": start + 5, "exact": "today"}
    url = reverse("articles:annotation_create", args=[article.slug])
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "CSRF check failed" in response.content.decode()
    assert response["HX-Retarget"] == "#annotate-status"
    assert not Annotation.objects.exists()


def test_a_post_without_csrf_token_outside_htmx_gets_the_page():
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ed", editor=True))
    response = client.post(reverse("articles:annotation_create", args=[article.slug]), {})
    assert response.status_code == 403
    assert "CSRF check failed" in response.content.decode() and "<html" in response.content.decode()
