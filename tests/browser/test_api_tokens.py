"""A token's whole life in Chromium: made on the tokens page, used over HTTP, revoked,
refused; and the API's docs page loading from this site alone."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from articles.models import ApiToken
from tests.conftest import login_in_browser, run_axe
from tests.factories import make_annotation, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def api_get(live_server, path: str, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{live_server.url}{path}", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_tokens_whole_life(page, live_server, artifacts, settings):
    settings.READING_REQUIRES_LOGIN = True  # so the token, not anonymity, lets it read
    make_user("rita", first_name="Rita")
    article = make_article(title="Drought in the south")
    make_annotation(article, 2, 7)
    login_in_browser(page, live_server, "rita")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    expect(page.get_by_text("You have no API tokens yet.")).to_be_visible()

    page.get_by_label("What is it for?").fill("Research export")
    page.get_by_role("button", name="Make a token").click()
    secret_box = page.get_by_label("Your new token")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    assert secret.startswith("nr_")
    expect(page.locator("#token-panel tbody tr")).to_have_count(1)
    expect(page.locator("#token-panel tbody tr")).to_contain_text("never")
    page.screenshot(path=str(artifacts / "api-token-made.png"), full_page=True)
    assert run_axe(page) == []

    status, body = api_get(live_server, "/api/articles/", secret)
    assert status == 200 and body["items"][0]["title"] == "Drought in the south"
    assert ApiToken.objects.get().last_used_at is not None
    page.reload()
    expect(page.get_by_label("Your new token")).to_have_count(0)  # shown once only
    expect(page.locator("#token-panel tbody tr")).not_to_contain_text("never")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Research export").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(page.locator("#token-panel tbody tr")).to_contain_text("revoked")
    page.screenshot(path=str(artifacts / "api-token-revoked.png"), full_page=True)

    status, body = api_get(live_server, "/api/articles/", secret)
    assert status == 401 and "revoked" in body["detail"]


def test_a_nameless_token_shows_the_message_in_place(page, live_server):
    make_user("rita")
    login_in_browser(page, live_server, "rita")
    page.goto(f"{live_server.url}/account/tokens/")
    page.get_by_label("What is it for?").fill("   ")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("alert")).to_contain_text("Name the token")
    assert not ApiToken.objects.exists()


def test_the_docs_page_loads_with_no_request_elsewhere(page, live_server, artifacts):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("Newsreader API").first).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="annotations")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/imports/")).to_be_visible()
    page.screenshot(path=str(artifacts / "api-docs.png"))
    here = urlparse(live_server.url).netloc
    elsewhere = [url for url in requested if urlparse(url).netloc not in (here, "")]
    assert requested and not elsewhere, elsewhere
