"""In Chromium: an editor corrects a word, sees the live diff and what happens to the
annotations, saves, settles the annotation sent to review; a reader then sees the
correction notice and the versions diff."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Annotation
from articles.permissions import EDITORS_GROUP
from tests.conftest import login_in_browser, watch_page
from tests.factories import make_annotation, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The minister said the budget was balanced. Critics disagreed.\n\n"
    "A second paragraph with “a quote” in it."
)


@pytest.fixture
def article():
    Group.objects.get_or_create(name=EDITORS_GROUP)
    article = make_article(title="Budget row", body=BODY)
    for words, kind in (("Critics disagreed.", "claim"), ("the budget was balanced", "claim")):
        at = BODY.index(words)
        make_annotation(article, at, at + len(words), kind=kind)
    return article


def test_an_editor_corrects_a_word_and_a_reader_sees_what_changed(
    page, live_server, article, artifacts
):
    watch_page(page)
    make_user("ed", editor=True)
    login_in_browser(page, live_server, "ed")
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_role("link", name="Correct the text").click()
    expect(page.get_by_role("heading", name="Correct the text of “Budget row”")).to_be_visible()
    text = page.get_by_label("Text", exact=True)
    text.fill(BODY.replace("was balanced", "was not balanced"))
    summary = page.locator("[data-summary]")
    expect(summary).to_contain_text("1 follow unchanged")
    expect(summary).to_contain_text("1 needs review")
    expect(page.locator("#correction-preview ins")).to_contain_text("not")
    page.screenshot(path=str(artifacts / "correct-preview.png"), full_page=True)
    page.get_by_label("Reason").fill("The budget was not balanced")
    page.get_by_label("Public correction note").fill("An earlier version said it was balanced.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".correction-notice")).to_contain_text("Corrected")

    page.get_by_role("link", name="Needs review").click()
    expect(page.locator(".review-item mark").nth(1)).to_have_text("the budget was not balanced")
    # Select a new span: the editor picks the form, then selects words in the current text.
    words = page.get_by_label("Select a new span")
    words.click()
    page.locator("#review-text [data-start]").first.select_text()
    expect(words).to_have_value("The minister said the budget was not balanced. Critics disagreed.")
    page.get_by_role("button", name="Put it on these words").click()
    status = page.locator("#review-status")
    expect(status).to_contain_text("Put on the words you selected.")
    expect(page.get_by_text("Nothing needs review.")).to_be_visible()
    moved = Annotation.objects.get(exact__startswith="The minister said")
    assert (moved.status, moved.start) == ("published", 0)
    page.screenshot(path=str(artifacts / "review-respanned.png"), full_page=True)
    status.get_by_role("button", name="Undo").click()
    expect(status).to_contain_text("it needs review again")
    expect(page.locator(".review-item mark").nth(1)).to_have_text("the budget was not balanced")
    page.get_by_role("button", name="Accept the proposal").click()
    expect(page.get_by_text("Nothing needs review.")).to_be_visible()
    claim = Annotation.objects.get(exact="the budget was not balanced")
    assert claim.status == "published"

    page.context.clear_cookies()
    page.goto(live_server.url + article.get_absolute_url())
    # The reader sees both annotations, each on its own words of the corrected text.
    marks = page.locator("#article-body mark")
    expect(marks).to_have_count(2)
    expect(marks.filter(has_text="the budget was not balanced")).to_have_count(1)
    expect(marks.filter(has_text="Critics disagreed.")).to_have_count(1)
    notice = page.locator(".correction-notice")
    expect(notice).to_contain_text("An earlier version said it was balanced.")
    notice.get_by_role("link", name="See what changed").click()
    expect(page.locator(".word-diff ins")).to_contain_text("not")
    expect(page.locator(".word-diff ins .diff-label").first).to_have_text("[inserted: ")
    page.screenshot(path=str(artifacts / "versions-diff.png"), full_page=True)
