"""The editors' desk in Chromium: a keyboard-only session (log in, land on the desk, move
with keys, bulk-reject three suggestions, undo), keys that never misfire, and the desk axe
clean at 1366 and 390 px, light and dark."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Annotation, AnnotationRevision
from articles.services.suggestions import suggestions_propose
from tests.conftest import handled, login_in_browser, run_axe, watch_page
from tests.factories import make_article, make_outlet, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.'
)
FOCUSED = (
    "() => document.activeElement && (document.activeElement.id || document.activeElement.tagName)"
)


@pytest.fixture
def suggestions():
    outlet = make_outlet("Harbour Times")
    for n in range(3):
        suggestions_propose(article=make_article(title=f"Port story {n}", body=BODY, outlet=outlet))
    return list(Annotation.objects.suggested().order_by("-article_id", "start", "id"))


def focused(page) -> str:
    return page.evaluate(FOCUSED)


def tab_to(page, selector: str, key: str = "Tab", limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus: how a keyboard user gets there."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) || false", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never got focus; focus on {focused(page)}")


def test_a_keyboard_only_session_lands_on_the_desk_moves_rejects_three_and_undoes(
    page, live_server, suggestions
):
    make_user("kb-editor", editor=True)
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("kb-editor")
    page.keyboard.press("Tab")
    page.keyboard.type("password")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/desk/")
    expect(page.locator("h1")).to_have_text("Desk")

    items = page.locator("#desk-suggestions [data-desk-item]")
    expect(items).to_have_count(6)
    tab_to(page, "#desk-suggestions [data-desk-item]")
    first = suggestions[0]
    assert focused(page) == f"desk-s-{first.pk}"
    page.keyboard.press("j")
    assert focused(page) == f"desk-s-{suggestions[1].pk}"
    page.keyboard.press("k")
    assert focused(page) == f"desk-s-{first.pk}"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert focused(page) == f"desk-s-{first.pk}"
    # Choose the first, third and fifth: one on each article (two suggestions each).
    chosen = [suggestions[i] for i in (0, 2, 4)]
    for i in range(5):
        if i % 2 == 0:
            page.keyboard.press("x")
        page.keyboard.press("j")
    for s in suggestions:
        expect(page.locator(f"#choose-{s.pk}")).to_be_checked(checked=s in chosen)
    assert len({s.article_id for s in chosen}) == 3

    tab_to(page, "[data-desk-bulk=reject]", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_contain_text("3 suggestions rejected.")
    expect(page.locator("[data-desk-undo]")).to_be_focused()
    assert Annotation.objects.filter(status="rejected").count() == 3
    expect(items).to_have_count(3)

    page.keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_contain_text("3 suggestions back to pending.")
    expect(items).to_have_count(6)
    expect(items.first).to_be_focused()
    assert not Annotation.objects.filter(status="rejected").exists()
    assert AnnotationRevision.objects.filter(action="undone").count() == 3


def test_keys_never_misfire_in_a_field_with_modifiers_or_right_after_typing(
    page, live_server, suggestions
):
    make_user("kb-editor2", editor=True)
    login_in_browser(page, live_server, "kb-editor2")
    page.goto(f"{live_server.url}/desk/")
    watch_page(page)
    first = page.locator("#desk-suggestions [data-desk-item]").first
    # Typed into the tag field: its own letters, nothing moves, nothing chosen.
    page.locator("#id_tag").focus()
    page.keyboard.type("jxk")
    handled(page, "k")
    expect(page.locator("#id_tag")).to_have_value("jxk")
    expect(page.locator("#id_tag")).to_be_focused()
    # Focus on the checkbox (an input): j is not the desk's.
    box = page.locator("#desk-suggestions input[type=checkbox]").first
    box.focus()
    page.keyboard.press("j")
    handled(page, "j")
    expect(box).to_be_focused()
    # On an item, with a modifier held: nothing.
    page.locator("#id_tag").fill("")
    first.focus()
    page.wait_for_timeout(1100)  # past the pause after typing: see the next assertion
    for combo in ("Control+j", "Alt+j", "Meta+j", "Shift+J", "Control+x"):
        page.keyboard.press(combo)
    expect(first).to_be_focused()
    expect(page.locator("#desk-suggestions input[type=checkbox]:checked")).to_have_count(0)
    page.keyboard.press("j")
    expect(first).not_to_be_focused()


def test_a_bad_filter_is_swapped_in_with_its_message(page, live_server, suggestions):
    make_user("kb-editor3", editor=True)
    login_in_browser(page, live_server, "kb-editor3")
    page.goto(f"{live_server.url}/desk/")
    page.fill("#id_tag", "no such tag")
    page.locator(".desk-filters button[type=submit]").click()
    expect(page.locator(".desk-invalid")).to_contain_text("There is no tag called “no such tag”.")
    page.fill("#id_tag", "")
    page.select_option("#id_outlet", "harbour-times")
    page.locator(".desk-filters button[type=submit]").click()
    expect(page.locator(".desk-counts")).to_contain_text("Pending suggestions: 6 suggestions")
    assert "outlet=harbour-times" in page.url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_desk_is_axe_clean_and_fits_at_1366_and_390(
    page, live_server, suggestions, artifacts, scheme
):
    make_user("ax-editor", editor=True)
    login_in_browser(page, live_server, "ax-editor")
    page.emulate_media(color_scheme=scheme)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/desk/")
        expect(page.locator("#desk-suggestions")).to_be_visible()
        assert run_axe(page) == []
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.screenshot(path=str(artifacts / f"desk-{width}-{scheme}.png"), full_page=True)
