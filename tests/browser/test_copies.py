"""In Chromium: an editor reading one outlet's copy of a story sees "Also published by",
carries the other copy's annotations, and the article shows those that follow (marked and
listed) while the rest wait in Needs review."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.permissions import EDITORS_GROUP
from articles.services.copies import story_copies_detect
from tests.conftest import login_in_browser, watch_page
from tests.factories import make_article, make_outlet, make_user
from tests.test_services_copies import COPY, STORY, annotate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_carries_annotations_from_a_copy(page, live_server, artifacts):
    Group.objects.get_or_create(name=EDITORS_GROUP)
    source = make_article(title="Felixstowe dockers walk out", body=STORY, outlet=make_outlet("AP"))
    target = make_article(title="Dockers strike", body=COPY, outlet=make_outlet("Daily Bugle"))
    story_copies_detect(articles=[source, target])
    annotate(source, "Nobody takes the decision to strike lightly.", kind="quote")
    annotate(source, "The port handles about 36% of Britain’s container traffic.", kind="claim")
    annotate(source, "Shipping line Maersk said")  # rewritten in the copy: needs review

    watch_page(page)
    make_user("ed", editor=True)
    login_in_browser(page, live_server, "ed")
    page.goto(live_server.url + target.get_absolute_url())
    copies = page.get_by_role("region", name="Also published by")
    expect(copies).to_contain_text("AP")
    expect(copies.get_by_role("link", name="Felixstowe dockers walk out")).to_be_visible()
    expect(page.locator("#article-body mark")).to_have_count(0)

    copies.get_by_role("button", name="Carry its annotations here").click()
    expect(page.locator("#carry-result")).to_have_text("2 carried, 1 needs review. Review them.")
    expect(page.locator("#article-body mark")).to_have_count(2)
    expect(page.locator("#article-body mark").first).to_have_text(
        "Nobody takes the decision to strike lightly."
    )
    expect(page.locator("#annotation-count")).to_contain_text("2 annotations")
    page.screenshot(path=str(artifacts / "copies-carried.png"), full_page=True)

    page.get_by_role("link", name="Review them").click()
    item = page.locator(".review-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Carried from AP")
    # Where it came from, not a version of this article it was never made on.
    expect(item.get_by_role("heading", name="Carried from AP’s copy")).to_be_visible()
    expect(item).not_to_contain_text("Made on version")
    expect(item.get_by_role("button", name="Keep as a note", exact=False)).to_have_count(0)
    expect(item.locator("mark").first).to_have_text("Shipping line Maersk said")

    # Carrying again adds nothing.
    page.goto(live_server.url + target.get_absolute_url())
    page.get_by_role("button", name="Carry its annotations here").click()
    expect(page.locator("#carry-result")).to_have_text("0 carried, 0 need review.")
    expect(page.locator("#article-body mark")).to_have_count(2)

    # A reader sees the carried marks, never the one in review.
    page.context.clear_cookies()
    page.goto(live_server.url + target.get_absolute_url())
    expect(page.locator("#article-body mark")).to_have_count(2)
    expect(page.get_by_role("button", name="Carry its annotations here")).to_have_count(0)
