"""Liveness and readiness checks, and what every page answers while the database is down."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from articles.views.errors import server_error
from tests.factories import make_article, make_user


@pytest.fixture
def client() -> Client:
    # Answers as a browser would see them: an exception is the error page, not a traceback.
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    """The database unreachable for real: connections go to a socket folder that does not
    exist (pg_terminate_backend would only drop one connection; Django reconnects)."""
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "/nonexistent/newsreader-db-down")
    monkeypatch.setitem(connection.settings_dict, "PORT", "5432")
    yield
    connection.close()
    monkeypatch.undo()


@pytest.mark.django_db
def test_liveness_and_readiness_answer_ok(client):
    for url in ("/healthz", "/healthz/ready"):
        response = client.get(url)
        assert (response.status_code, response.content) == (200, b"ok")
        assert response["Cache-Control"] == "no-store"
        assert client.head(url).status_code == 200


@pytest.mark.django_db
def test_health_checks_answer_any_host_over_plain_http(client, settings):
    # As .env.example configures production: one host name, HTTPS redirects on.
    settings.ALLOWED_HOSTS, settings.SECURE_SSL_REDIRECT = ["news.example.org"], True
    for url in ("/healthz", "/healthz/ready"):
        assert client.get(url, HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/healthz", "/healthz/ready"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_health_checks_allow_only_get_and_head(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_down_liveness_stays_ok_and_readiness_is_503(client, database_down):
    assert client.get("/healthz").status_code == 200
    response = client.get("/healthz/ready")
    assert (response.status_code, response.content) == (503, b"database unavailable")
    assert response["Retry-After"] == "30"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/", "/search/?q=vote", "/claims/", "/tags/any/"])
def test_every_page_is_a_styled_503_while_the_database_is_down(client, url, request):
    make_article()
    request.getfixturevalue("database_down")
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Newsreader is temporarily unavailable" in page
    assert "try again in 30 seconds" in page and "css/site.css" in page


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_reader_gets_the_503_too(client, request, settings):
    # The session and the user are read in middleware, before any view: still the 503.
    settings.READING_REQUIRES_LOGIN = True
    client.force_login(make_user())
    request.getfixturevalue("database_down")
    for method in (client.get, client.post):
        response = method("/claims/")
        assert response.status_code == 503 and response["Retry-After"] == "30"


def test_other_errors_stay_a_500(rf):
    try:
        raise RuntimeError("not the database")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and not response.has_header("Retry-After")
