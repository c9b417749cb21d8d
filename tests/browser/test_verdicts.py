"""A claim's verdict reviewed by a second editor, in Chromium: the author writes it with a
claimant, sources and a rationale, submits it; a reviewer finds it on the desk from the
keyboard, sends it back with a comment; the author submits it again; the reviewer approves;
a reader sees the verdict badge, the reviewer and the sources. The verdict page is axe clean
at 1366 and 390 px, light and dark."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Annotation
from articles.permissions import EDITORS_GROUP, REVIEWERS_GROUP
from tests.conftest import htmx_idle, login_in_browser, run_axe
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The minister said unemployment had halved since 2020. Critics disagreed.\n\n"
    "Officials will publish the figures on Tuesday."
)
WORDS = "unemployment had halved"


@pytest.fixture
def people():
    # transaction=True flushes the data migration's groups between tests.
    Group.objects.get_or_create(name=EDITORS_GROUP)
    Group.objects.get_or_create(name=REVIEWERS_GROUP)
    author = make_user("ada", editor=True, first_name="Ada", last_name="Author")
    reviewer = make_user("rex", reviewer=True, first_name="Rex", last_name="Reviewer")
    make_speaker("Jo Minister")
    return author, reviewer


def as_user(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    login_in_browser(page, live_server, username)
    return page


def select_words(page, words: str) -> None:
    htmx_idle(page)
    page.evaluate(
        """words => {
          const root = document.getElementById('article-body');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const i = node.data.indexOf(words);
            if (i >= 0) {
              const range = document.createRange();
              range.setStart(node, i); range.setEnd(node, i + words.length);
              const selection = getSelection();
              selection.removeAllRanges(); selection.addRange(range);
              root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
              return;
            }
          }
          throw new Error('not found: ' + words);
        }""",
        words,
    )


def test_a_verdict_goes_from_draft_to_published_through_a_second_editor(
    browser, live_server, people, artifacts
):
    article = make_article(title="Jobs figures", body=BODY)
    article_url = f"{live_server.url}{article.get_absolute_url()}"

    # The author writes the claim: a verdict, who made it, its sources and its rationale.
    author = as_user(browser, live_server, "ada")
    author.goto(article_url)
    select_words(author, WORDS)
    form = author.locator("#annotate-form")
    expect(form).to_be_visible()
    form.locator("input[name=kind][value=claim]").check()
    form.locator("select[name=verdict]").select_option("false")
    form.locator("input[name=claimant]").fill("Jo Minister")
    form.locator("textarea[name=sources]").fill("https://www.ons.gov.uk/jobs\nnot a url")
    form.locator("button[type=submit]").click()
    # A bad source is named, nothing is stored, what was typed stays.
    expect(form.locator("#sources-error-new")).to_contain_text("“not a url” is not a web address")
    assert not Annotation.objects.exists()
    form.locator("textarea[name=sources]").fill("https://www.ons.gov.uk/jobs")
    form.locator("button[type=submit]").click()
    expect(form.locator(".form-error")).to_contain_text("A verdict needs its rationale")
    form.locator("textarea[name=note]").fill("ONS figures show a 10% fall, not half.")
    form.locator("button[type=submit]").click()
    expect(author.locator("#annotate-status")).to_contain_text("Its verdict is a draft")
    claim = Annotation.objects.get()
    assert claim.claimant is not None
    assert (claim.status, claim.claimant.name) == ("draft", "Jo Minister")
    entry = author.locator(f"#item-{claim.pk}")
    expect(entry).to_contain_text("(verdict in draft)")

    # Readers see nothing of it yet.
    reader = browser.new_context().new_page()
    reader.goto(article_url)
    expect(reader.locator("#annotation-list")).not_to_contain_text(WORDS)

    # The author submits it from the verdict page.
    author.goto(f"{live_server.url}/verdicts/{claim.pk}/")
    expect(author.locator("h1")).to_have_text("Verdict on a claim")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator(".messages")).to_contain_text("Submitted for review")
    expect(author.locator("#review-refusal")).to_contain_text("Only reviewers may approve")

    # The reviewer finds it on the desk with the keyboard and sends it back.
    reviewer = as_user(browser, live_server, "rex")
    reviewer.goto(f"{live_server.url}/desk/")
    section = reviewer.locator("#desk-submitted")
    expect(section).to_contain_text(WORDS)
    section.locator("[data-desk-item]").first.focus()
    reviewer.keyboard.press("Enter")
    expect(reviewer).to_have_url(f"{live_server.url}/verdicts/{claim.pk}/")
    reviewer.locator("#review-comment").fill("Link the ONS table itself, please.")
    reviewer.get_by_role("button", name="Send back").click()
    expect(reviewer.locator(".messages")).to_contain_text("Sent back to its author")

    # The author sees the comment on the desk, and submits it again.
    author.goto(f"{live_server.url}/desk/")
    expect(author.locator("#desk-returned")).to_contain_text("Link the ONS table itself")
    author.goto(f"{live_server.url}/verdicts/{claim.pk}/")
    expect(author.locator(".review-comment")).to_have_text("Link the ONS table itself, please.")
    author.get_by_role("button", name="Submit for review").click()

    # The reviewer approves it.
    reviewer.goto(f"{live_server.url}/verdicts/{claim.pk}/")
    reviewer.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.locator(".messages")).to_contain_text("the verdict is published")
    reviewer.screenshot(path=str(artifacts / "verdict-approved.png"), full_page=True)

    # The reader sees the badge (a shape and its name), the reviewer and the sources (a
    # fresh visit: the earlier one may reuse its copy for the page's short max-age).
    reader = browser.new_context().new_page()
    reader.goto(article_url)
    entry = reader.locator(f"#item-{claim.pk}")
    expect(entry.locator(".verdict")).to_contain_text("False")
    expect(entry.locator(".verdict-scale")).to_have_text("●○○○○")
    expect(entry).to_contain_text("verdict reviewed by Rex Reviewer")
    expect(entry.locator(".verdict-sources a")).to_have_text("ons.gov.uk")
    expect(entry).not_to_contain_text("rex")
    reader.screenshot(path=str(artifacts / "verdict-reader.png"), full_page=True)
    history = [r.action for r in claim_revisions(claim.pk)]
    assert history == ["created", "submitted", "sent_back", "submitted", "approved"]


def claim_revisions(pk: int):
    from articles.models import AnnotationRevision

    return AnnotationRevision.objects.filter(annotation_id=pk).order_by("created_at", "id")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_verdict_page_is_axe_clean_and_fits_at_1366_and_390(
    page, live_server, people, artifacts, scheme
):
    author, _ = people
    article = make_article(title="Jobs figures", body=BODY)
    at = BODY.index(WORDS)
    claim = make_annotation(
        article,
        at,
        at + len(WORDS),
        Annotation.Kind.CLAIM,
        status="submitted",
        verdict="mostly-false",
        note="ONS figures show a 10% fall.",
        sources=["https://www.ons.gov.uk/jobs"],
        author=author,
        submitted_by=author,
    )
    login_in_browser(page, live_server, "rex")
    page.emulate_media(color_scheme=scheme)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/verdicts/{claim.pk}/")
        expect(page.get_by_role("button", name="Approve and publish")).to_be_visible()
        assert run_axe(page) == []
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=str(artifacts / f"verdict-{width}-{scheme}.png"), full_page=True)
