"""Who may use the API: tokens, sessions, READING_REQUIRES_LOGIN, the failure limit."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles.models import ApiToken
from articles.services.tokens import api_token_create, api_token_revoke, token_digest
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_a_token_is_stored_as_the_digest_of_its_secret(reader):
    token, secret = api_token_create(user=reader, name="CMS  import")
    assert secret.startswith("nr_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(secret) and secret not in stored.digest
    assert stored.prefix == secret[:10] and stored.name == "CMS import"
    assert token.pk == stored.pk


def test_a_token_authenticates_its_user_and_records_its_use(client, reader):
    make_article()
    token, secret = api_token_create(user=reader, name="script")
    response = client.get("/api/articles/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(client, reader, settings):
    token, secret = api_token_create(user=reader, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    client.get("/api/tags/", headers=headers)
    token.refresh_from_db()
    first = token.last_used_at
    client.get("/api/tags/", headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    client.get("/api/tags/", headers=headers)
    token.refresh_from_db()
    assert first is not None and token.last_used_at is not None
    assert token.last_used_at > first


@pytest.mark.parametrize(
    "header",
    ["Bearer nr_unknown", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"],
)
def test_a_bad_token_is_refused_even_where_anonymous_reading_is_allowed(client, header):
    response = client.get("/api/articles/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_tokens_and_inactive_users_are_refused(client, reader):
    token, secret = api_token_create(user=reader, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/tags/", headers=headers).status_code == 200
    api_token_revoke(token_id=token.pk, user=reader)
    assert client.get("/api/tags/", headers=headers).status_code == 401
    other = make_user()
    _, secret = api_token_create(user=other, name="script")
    other.is_active = False
    other.save()
    assert (
        client.get("/api/tags/", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_a_user_cannot_revoke_anothers_token(reader):
    token, _ = api_token_create(user=make_user(), name="theirs")
    with pytest.raises(ApiToken.DoesNotExist):
        api_token_revoke(token_id=token.pk, user=reader)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_failed_attempts_from_one_address_are_limited_with_retry_after(client, reader, settings):
    settings.API_AUTH_FAILURE_LIMIT = 3
    settings.API_AUTH_FAILURE_WINDOW = 60
    bad = {"Authorization": "Bearer nr_guess"}
    for _ in range(3):
        assert client.get("/api/tags/", headers=bad).status_code == 401
    blocked = client.get("/api/tags/", headers=bad)
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert "try again" in blocked.json()["detail"]
    # Even a good token waits out the window from that address (no guessing between)...
    _, secret = api_token_create(user=reader, name="script")
    good = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/tags/", headers=good).status_code == 429
    # ...but not from another address, nor requests sending no token.
    assert client.get("/api/tags/", headers=good, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/api/tags/").status_code == 200


def test_reading_requires_a_token_or_a_session_when_the_site_requires_login(
    client, reader, settings
):
    settings.READING_REQUIRES_LOGIN = True
    make_article()
    response = client.get("/api/articles/")
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    _, secret = api_token_create(user=reader, name="script")
    assert (
        client.get("/api/articles/", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 200
    )
    client.force_login(reader)
    assert client.get("/api/articles/").status_code == 200
    # The docs stay reachable: they show no content.
    client.logout()
    assert client.get("/api/openapi.json").status_code == 200


def test_a_session_write_needs_the_csrf_token(editor):
    from django.test import Client

    article = make_article()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    data = {"article": article.slug, "start": 2, "end": 7, "exact": "first", "kind": "highlight"}
    refused = browser.post("/api/annotations/", data, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/api/docs")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/annotations/", data, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content
