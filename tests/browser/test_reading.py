"""The reading pages in Chromium: marks, details, permalinks, filters, search, axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.reading_story import BODY
from tests.conftest import run_axe
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_no_axe_violations(page):
    violations = run_axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_article_page_marks_details_and_accessibility(page, live_server, story, artifacts):
    article = story["article"]
    page.goto(live_server.url + article.get_absolute_url())
    body_text = page.eval_on_selector("#article-body", "el => el.innerText")
    assert "".join(body_text.split()) == "".join(BODY.split())
    assert page.locator("#article-body mark.ann").count() >= 5
    page.screenshot(path=str(artifacts / "reading-article-desktop.png"), full_page=True)
    assert_no_axe_violations(page)

    # Hovering a mark shows its details next to it.
    page.hover(f"#annotation-{story['claim'].id}", position={"x": 4, "y": 4})
    card = page.locator("#annotation-card")
    card.wait_for(state="visible")
    assert "Mostly true" in card.inner_text()
    assert "The letter was a draft" in card.inner_text()
    page.screenshot(path=str(artifacts / "reading-article-card.png"))

    # Nested marks: the card names every annotation under the pointer.
    page.click(f"#annotation-{story['inner'].id}", position={"x": 4, "y": 4})
    expect(card).to_contain_text("Mark Esper")
    expect(card).to_contain_text("Verdict: ●●●●● True")
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()

    # Keyboard: tabbing onto a mark shows its card too.
    page.focus(f"#annotation-{story['quote'].id}")
    card.wait_for(state="visible")
    assert "Mark Milley" in card.inner_text()
    assert (
        page.eval_on_selector(
            f"#annotation-{story['quote'].id}", "el => el.getAttribute('aria-describedby')"
        )
        == f"note-{story['quote'].id}"
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "reading-article-phone.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / "reading-article-dark.png"))
    assert_no_axe_violations(page)
    page.emulate_media(media="print", color_scheme="light")
    page.screenshot(path=str(artifacts / "reading-article-print.png"), full_page=True)


def test_permalink_highlights_every_piece_of_the_span(page, live_server, story):
    # The highlight starts inside the quote and ends after it: it is split in pieces.
    outer = story["highlight"]
    page.goto(f"{live_server.url}{story['article'].get_absolute_url()}#annotation-{outer.id}")
    pieces = page.locator(f'mark[data-annotation="{outer.id}"]')
    assert pieces.count() >= 2
    for i in range(pieces.count()):
        assert "is-target" in pieces.nth(i).get_attribute("class")
    assert (
        page.locator(f"#item-{outer.id}").evaluate("el => getComputedStyle(el).backgroundColor")
        != "rgba(0, 0, 0, 0)"
    )


def test_filters_work_through_htmx_without_reloading(page, live_server, story, artifacts):
    page.goto(live_server.url + story["article"].get_absolute_url())
    page.evaluate("window.notReloaded = true")
    page.click("#filter-kind-quote")
    page.wait_for_url("**?kind=quote")
    page.wait_for_function(
        "() => document.querySelectorAll('#article-body mark.ann[id]').length === 2"
    )
    assert page.evaluate("window.notReloaded") is True
    # htmx applies a swapped element's new attributes when it settles, a moment later.
    expect(page.locator("#filter-kind-quote")).to_have_attribute("aria-current", "true")
    body_text = page.eval_on_selector("#article-body", "el => el.innerText")
    assert "".join(body_text.split()) == "".join(BODY.split())
    page.click("#filter-tag-iraq")
    page.wait_for_url("**tag=iraq**")
    page.screenshot(path=str(artifacts / "reading-article-filtered.png"))
    page.click("#filter-kind-all")
    page.wait_for_url("**?tag=iraq")
    count = "document.querySelectorAll('#article-body mark.ann[id]').length"
    page.wait_for_function(f"() => {count} === 2")
    page.click("#filter-tag-iraq")  # toggles the tag off again
    page.wait_for_function(
        "() => document.querySelectorAll('#article-body mark.ann[id]').length === 5"
    )


def test_filters_work_as_plain_links_without_javascript(browser, live_server, story):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + story["article"].get_absolute_url())
        page.click("#filter-kind-claim")
        page.wait_for_url("**?kind=claim")
        assert page.locator("#article-body mark.ann[id]").count() == 2
    finally:
        context.close()


def test_home_search_and_speaker_pages(page, live_server, story, artifacts):
    make_article(title="Troops return home", body="Soldiers came back from the base.")
    page.goto(live_server.url + "/")
    assert page.title().startswith("Latest stories")
    page.screenshot(path=str(artifacts / "reading-home.png"), full_page=True)
    assert_no_axe_violations(page)

    page.fill("input[name=q]", "troops")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=troops")
    assert page.locator(".story-title").count() == 2
    assert_no_axe_violations(page)

    # Search as you type, then narrow by a facet: no full reload.
    page.evaluate("window.notReloaded = true")
    page.fill("#q", "mistake")
    page.wait_for_url("**q=mistake**")
    page.wait_for_function("() => document.querySelectorAll('.story-title').length === 1")
    page.fill("#q", "troops")
    page.wait_for_function("() => document.querySelectorAll('.story-title').length === 2")
    page.click(".facets a:has-text('Mark Esper')")
    page.wait_for_url("**speaker=mark-esper**")
    page.wait_for_function("() => document.querySelectorAll('.story-title').length === 1")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(artifacts / "reading-search.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "reading-search-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#q", "zebras")
    page.wait_for_selector("text=Nothing matches")
    assert_no_axe_violations(page)

    page.goto(live_server.url + story["outer"].speaker.get_absolute_url())
    page.screenshot(path=str(artifacts / "reading-speaker.png"), full_page=True)
    assert_no_axe_violations(page)
    page.click("blockquote a")
    page.wait_for_url(f"**#annotation-{story['outer'].id}")
    expect(page.locator(f"#annotation-{story['outer'].id}")).to_have_class(
        re.compile(r"\bis-target\b")
    )


def test_everything_is_reachable_by_keyboard(page, live_server, story):
    page.goto(live_server.url + story["article"].get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.className"))
    for key in ("quote", "claim", "outer", "inner", "highlight"):
        assert f"annotation-{story[key].id}" in reached
    assert "filter-kind-quote" in reached


def test_404_page_is_in_the_site_style(page, live_server, artifacts):
    response = page.goto(live_server.url + "/speakers/nobody/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "We can’t find that page"
    page.screenshot(path=str(artifacts / "reading-404.png"))


def test_tag_and_claims_pages_are_accessible(page, live_server, story, artifacts):
    page.goto(live_server.url + "/tags/iraq/")
    assert page.locator(".story-title").count() == 1
    assert_no_axe_violations(page)
    page.goto(live_server.url + "/claims/")
    page.evaluate("window.notReloaded = true")
    page.click("#verdict-true")
    page.wait_for_url("**/claims/?verdict=true")
    page.wait_for_function("() => document.querySelectorAll('.quote-list li').length === 1")
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(artifacts / "reading-claims.png"), full_page=True)
    assert_no_axe_violations(page)
