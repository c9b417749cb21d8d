"""Editors handle the quote finder's suggestions in Chromium: accept, edit then accept, reject,
by mouse and by keyboard; readers see none of it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Annotation, AnnotationRevision, Speaker
from articles.permissions import EDITORS_GROUP
from articles.services.suggestions import suggestions_propose
from tests.conftest import handled, login_in_browser, run_axe, watch_page
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    "Inflation\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.'
)
YELLEN_WORDS = "We will not stop until inflation is back to target,"
WALSH_WORDS = "It is a disaster for the port,"


@pytest.fixture
def article():
    # Transactional tests flush the roles migration's group between tests.
    Group.objects.get_or_create(name=EDITORS_GROUP)
    article = make_article(title="Port strike and inflation", body=BODY)
    suggestions_propose(article=article)
    return article


@pytest.fixture
def editor_page(page, live_server, article):
    make_user("ed", editor=True)
    login_in_browser(page, live_server, "ed")
    page.goto(live_server.url + article.get_absolute_url())
    return page


def suggestion(article, words: str) -> Annotation:
    return Annotation.objects.get(article=article, exact=words)


def test_suggestions_are_quiet_and_accept_with_a_click(editor_page, article, artifacts):
    page = editor_page
    walsh = suggestion(article, WALSH_WORDS)
    mark = page.locator(f"#annotation-{walsh.pk}")
    assert "is-suggested" in mark.get_attribute("class")
    style = mark.evaluate(
        "m => [getComputedStyle(m).textDecorationStyle, getComputedStyle(m).backgroundColor]"
    )
    assert style == ["dotted", "rgba(0, 0, 0, 0)"]
    assert page.inner_text("#suggestions h2") == "Suggested quotes (2)"
    assert "new: Mick Walsh" in page.inner_text(f"#suggestion-{walsh.pk}")
    page.screenshot(path=str(artifacts / "suggestions-panel.png"), full_page=True)
    assert run_axe(page) == []
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(artifacts / "suggestions-panel-dark.png"), full_page=True)
    assert run_axe(page) == []
    page.emulate_media(color_scheme="light")

    page.click(f"#suggestion-{walsh.pk} >> text=Accept")
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    assert page.inner_text("#suggestion-status") == "Quote by Mick Walsh accepted."
    # htmx applies a swapped element's new attributes when it settles, a moment later.
    expect(page.locator(f"#annotation-{walsh.pk}")).to_have_attribute("class", "ann ann-quote")
    assert "Mick Walsh" in page.inner_text("#annotation-list")
    page.screenshot(path=str(artifacts / "suggestions-accepted.png"), full_page=True)
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.PUBLISHED
    assert walsh.speaker == Speaker.objects.get(name="Mick Walsh")
    assert run_axe(page) == []


def test_reject_with_a_click(editor_page, article):
    page = editor_page
    yellen = suggestion(article, YELLEN_WORDS)
    page.click(f"#suggestion-{yellen.pk} >> text=Reject")
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    expect(page.locator(f"#annotation-{yellen.pk}")).to_have_count(0)
    assert "will not be proposed again" in page.inner_text("#suggestion-status")
    yellen.refresh_from_db()
    assert yellen.status == Annotation.Status.REJECTED


def test_edit_then_accept(editor_page, article, artifacts):
    page = editor_page
    walsh = suggestion(article, WALSH_WORDS)
    page.click(f"#suggestion-{walsh.pk} >> text=Edit")
    form = page.locator(f"#suggestion-{walsh.pk} form.suggestion-form")
    form.wait_for()
    assert form.locator("textarea[name=text]").input_value() == WALSH_WORDS
    assert form.locator("input[name=speaker]").input_value() == "Mick Walsh"
    assert run_axe(page) == []
    form.locator("textarea[name=text]").fill("a disaster for the ports")
    form.locator("button[type=submit]").click()
    # Words not in the article: the form comes back in place with the message.
    page.wait_for_selector(f"#suggestion-{walsh.pk} .form-error")
    assert "not in the article" in page.inner_text(f"#suggestion-{walsh.pk}")
    assert page.inner_text("#suggestions h2") == "Suggested quotes (2)"
    page.screenshot(path=str(artifacts / "suggestions-edit-error.png"), full_page=True)

    form.locator("textarea[name=text]").fill("a disaster for the port")
    # The annotating feature's speaker autocomplete offers existing speakers.
    Speaker.objects.create(name="Michelle Walsh", slug="michelle-walsh")
    form.locator("input[name=speaker]").fill("")
    form.locator("input[name=speaker]").press_sequentially("Mich")
    page.wait_for_selector(
        f"#speaker-options-{walsh.pk} option[value='Michelle Walsh']", state="attached"
    )
    form.locator("input[name=speaker]").fill("Michael Walsh")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    assert page.inner_text(f"#annotation-{walsh.pk}") == "a disaster for the port"
    assert "Michael Walsh" in page.inner_text("#annotation-list")
    page.screenshot(path=str(artifacts / "suggestions-edited.png"), full_page=True)
    walsh.refresh_from_db()
    assert (walsh.status, walsh.exact) == (Annotation.Status.PUBLISHED, "a disaster for the port")
    assert walsh.speaker is not None
    assert walsh.speaker.name == "Michael Walsh"


def test_keyboard_accept_reject_and_edit(editor_page, article, artifacts):
    page = editor_page
    yellen, walsh = suggestion(article, YELLEN_WORDS), suggestion(article, WALSH_WORDS)
    # Focus the suggestion's mark in the text: "a" accepts it.
    page.focus(f"#annotation-{yellen.pk}")
    page.keyboard.press("a")
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    # The next suggestion takes the focus, so the editor carries on from the keyboard.
    page.wait_for_function(f"() => document.activeElement.id === 'suggestion-{walsh.pk}'")
    page.screenshot(path=str(artifacts / "suggestions-keyboard-next.png"), full_page=True)
    page.keyboard.press("e")
    page.wait_for_selector(f"#suggestion-{walsh.pk} form.suggestion-form")
    # Typing in the form is typing, not shortcuts ("a", "r" and "e" are in the name).
    page.fill(f"#suggestion-{walsh.pk} input[name=speaker]", "")
    watch_page(page)
    page.type(f"#suggestion-{walsh.pk} input[name=speaker]", "Ray Arden")
    assert handled(page, "n") == []
    assert page.input_value(f"#suggestion-{walsh.pk} input[name=speaker]") == "Ray Arden"
    assert Annotation.objects.get(pk=walsh.pk).status == Annotation.Status.SUGGESTED
    page.goto(page.url)  # Cancel the edit; "r" rejects.
    page.focus(f"#suggestion-{walsh.pk}")
    page.keyboard.press("r")
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (0)')")
    yellen.refresh_from_db()
    walsh.refresh_from_db()
    assert (yellen.status, walsh.status) == ("published", "rejected")
    actions = sorted(AnnotationRevision.objects.values_list("action", flat=True))
    assert actions == ["accepted", "rejected"]


def test_modified_keys_do_not_act(editor_page, article):
    page = editor_page
    yellen = suggestion(article, YELLEN_WORDS)
    page.focus(f"#suggestion-{yellen.pk}")
    watch_page(page)
    page.keyboard.press("Control+a")
    page.keyboard.press("Shift+Tab")
    assert handled(page, "Tab") == []
    assert Annotation.objects.get(pk=yellen.pk).status == Annotation.Status.SUGGESTED


def test_readers_see_no_suggestions(page, live_server, article):
    Group.objects.get_or_create(name=EDITORS_GROUP)
    make_user("reader")
    login_in_browser(page, live_server, "reader")
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("#article-body")).to_contain_text("inflation is back to target")
    expect(page.locator("#suggestions, mark.is-suggested")).to_have_count(0)
    watch_page(page)
    page.keyboard.press("a")
    assert handled(page, "a") == []
    assert not Annotation.objects.published().exists()


def test_clicking_a_suggestion_offers_accept_in_its_details(editor_page, article, artifacts):
    page = editor_page
    yellen = suggestion(article, YELLEN_WORDS)
    page.click(f"#annotation-{yellen.pk}", position={"x": 8, "y": 8})  # first word: it wraps
    button = page.locator("#annotation-panel button", has_text="Accept suggestion")
    button.wait_for()
    page.screenshot(path=str(artifacts / "suggestions-details-panel.png"), full_page=True)
    button.click()
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    expect(page.locator("#annotation-panel")).to_be_hidden()
    assert Annotation.objects.get(pk=yellen.pk).status == Annotation.Status.PUBLISHED


def test_deleting_a_suggestion_from_its_details_updates_the_panel(editor_page, article):
    page = editor_page
    walsh = suggestion(article, WALSH_WORDS)
    page.click(f"#annotation-{walsh.pk}", position={"x": 8, "y": 8})
    page.locator("#annotation-panel button[data-action=delete]").click()
    page.wait_for_selector("#suggestions h2:text('Suggested quotes (1)')")
    expect(page.locator(f"#suggestion-{walsh.pk}")).to_have_count(0)
    assert not Annotation.objects.filter(pk=walsh.pk).exists()


def test_edit_then_accept_resizes_the_quote_from_the_keyboard_and_sets_tags(editor_page, article):
    page = editor_page
    walsh = suggestion(article, WALSH_WORDS)
    page.locator(f"#suggestion-{walsh.pk} [data-suggestion-action=edit]").click()
    form = page.locator(f"#suggestion-{walsh.pk} form.suggestion-form")
    expect(form).to_be_visible()
    text = form.locator("textarea[name=text]")
    expect(text).to_have_value(WALSH_WORDS)
    # One letter out at each end: the quotation marks come in.
    form.get_by_role("slider", name="Start of the quote").focus()
    page.keyboard.press("Shift+ArrowLeft")
    form.get_by_role("slider", name="End of the quote").focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(text).to_have_value(f'"{WALSH_WORDS}"')
    expect(page.locator(".span-handle")).to_have_count(2)
    form.locator("input[name=tags]").fill("Ports, strikes")
    form.get_by_role("button", name="Accept with changes").click()
    expect(page.locator(f"#suggestion-{walsh.pk}")).to_have_count(0)
    expect(page.locator(".span-handle")).to_have_count(0)
    walsh.refresh_from_db()
    assert walsh.status == "published" and walsh.exact == f'"{WALSH_WORDS}"'
    assert walsh.exact == BODY[walsh.start : walsh.end]
    assert sorted(t.name for t in walsh.tags.all()) == ["Ports", "strikes"]
