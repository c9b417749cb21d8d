"""The user's API tokens page: make (secret shown once), list, revoke; and the admin's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import ApiToken
from articles.services.tokens import api_token_create, token_digest
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}

URL = "/account/tokens/"


def test_the_urls_have_their_names():
    assert reverse("articles:api_tokens") == URL
    assert reverse("articles:api_token_revoke", args=[3]) == "/account/tokens/3/revoke/"


def test_it_sends_anonymous_visitors_to_log_in(client):
    for response in (client.get(URL), client.post(URL, {"name": "x"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/account/tokens/1/revoke/").status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", ["reader", "editor", "staff"])
def test_every_signed_in_role_has_the_page(client, role, reader, editor, staff):
    user = {"reader": reader, "editor": editor, "staff": staff}[role]
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "You have no API tokens yet." in response.content.decode()


def test_making_a_token_shows_its_secret_once_and_stores_its_digest(client, reader):
    client.force_login(reader)
    response = client.post(URL, {"name": "CMS import"})
    assert response.status_code == 201
    html = response.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('id="new-token-secret" value="')[1].split('"')[0]
    assert token.digest == token_digest(secret) and token.user == reader
    assert "shown only this once" in html and "<html" in html  # the whole page, no JS needed
    again = client.get(URL).content.decode()
    assert secret not in again and token.prefix in again and "CMS import" in again


def test_htmx_gets_the_panel_fragment(client, reader):
    client.force_login(reader)
    response = client.post(URL, {"name": "script"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 201 and "<html" not in html
    assert html.lstrip().startswith('<section id="token-panel"')
    assert "HX-Request" in client.get(URL)["Vary"]


def test_a_nameless_token_is_refused_with_a_message(client, reader):
    client.force_login(reader)
    response = client.post(URL, {"name": "   "}, headers=HX)
    assert response.status_code == 422
    assert "Name the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_ones_own_token(client, reader):
    token, _ = api_token_create(user=reader, name="script")
    client.force_login(reader)
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    html = client.post(f"/account/tokens/{token.pk}/revoke/", headers=HX).content.decode()
    assert "revoked" in html and "<html" not in html


@pytest.mark.parametrize("role", ["reader", "editor", "staff"])
def test_nobody_revokes_anothers_token_here(client, role, reader, editor, staff):
    theirs, _ = api_token_create(user=make_user(), name="theirs")
    client.force_login({"reader": reader, "editor": editor, "staff": staff}[role])
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_lists_only_ones_own_tokens(client, reader):
    api_token_create(user=make_user(), name="someone else's")
    api_token_create(user=reader, name="mine")
    client.force_login(reader)
    html = client.get(URL).content.decode()
    assert "mine" in html and "someone else" not in html


def test_the_page_costs_a_fixed_number_of_queries(client, reader, django_assert_num_queries):
    for n in range(3):
        api_token_create(user=reader, name=f"token {n}")
    client.force_login(reader)
    with django_assert_num_queries(3):  # session, user, tokens
        client.get(URL)
    with django_assert_num_queries(6):  # session, user; savepoint, insert, release; tokens
        client.post(URL, {"name": "one more"}, headers=HX)


def test_staff_make_and_revoke_tokens_in_the_admin(admin_client, reader):
    response = admin_client.post(
        "/admin/articles/apitoken/add/", {"user": reader.pk, "name": "for the CMS"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('id="new-token-secret" value="')[1].split('"')[0]
    assert token.user == reader and token.digest == token_digest(secret)
    listing = admin_client.get("/admin/articles/apitoken/").content.decode()
    assert "for the CMS" in listing and secret not in listing
    admin_client.post(
        "/admin/articles/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_admins_token_pages_are_staffs(client, editor):
    client.force_login(editor)
    response = client.get("/admin/articles/apitoken/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
