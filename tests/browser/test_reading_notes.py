"""Notes beside their marks on wide screens, the list after the text on phones (Chromium)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Annotation
from tests.browser.test_reading import assert_no_axe_violations
from tests.factories import make_annotation, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = re.compile(r"\bis-active\b")

BOXES = """() => [...document.querySelectorAll('#annotation-list .annotation-item')].map(item => {
    const mark = document.getElementById('annotation-' + item.dataset.annotation);
    const box = item.getBoundingClientRect();
    return {top: box.top, bottom: box.bottom, left: box.left,
            mark: mark.getBoundingClientRect().top, markRight: mark.getBoundingClientRect().right};
})"""


@pytest.fixture
def long_story():
    paragraphs = [f"Paragraph {i} " + "words that fill a line of text. " * 12 for i in range(30)]
    body = "\n\n".join(paragraphs)
    article = make_article(title="A long story", body=body, structure=None)
    # Far apart, then three crowded into one line: aligned, then stacked.
    for i in (2, 10, 20):
        start = body.index(f"Paragraph {i} ")
        make_annotation(article, start, start + 12, Annotation.Kind.QUOTE, note="Far apart.")
    start = body.index("Paragraph 25 ")
    for offset in (0, 14, 20):
        make_annotation(
            article, start + offset, start + offset + 5, Annotation.Kind.CLAIM, note="Crowded."
        )
    return article


def test_wide_screens_put_each_note_beside_its_mark(page, live_server, long_story, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + long_story.get_absolute_url())
    expect(page.locator("#reading")).to_have_class(re.compile(r"\bnotes-beside\b"))
    boxes = page.evaluate(BOXES)
    assert len(boxes) == 6
    for box in boxes[:3]:  # alone on their lines: level with their marks
        assert abs(box["top"] - box["mark"]) < 2
        assert box["left"] > box["markRight"]  # in the margin, beside the text
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert below["top"] >= above["bottom"]  # stacked, never overlapping
    assert abs(boxes[3]["top"] - boxes[3]["mark"]) < 2 and boxes[4]["top"] > boxes[4]["mark"]
    page.screenshot(path=str(artifacts / "reading-notes-beside.png"), full_page=True)
    assert_no_axe_violations(page)
    page.emulate_media(color_scheme="dark")
    assert_no_axe_violations(page)


def test_the_active_annotation_is_lit_both_ways(page, live_server, story):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + story["article"].get_absolute_url())
    quote, item = f"#annotation-{story['quote'].id}", f"#item-{story['quote'].id}"
    page.hover(quote, position={"x": 4, "y": 4})
    expect(page.locator(item)).to_have_class(ACTIVE)
    expect(page.locator(quote)).to_have_class(ACTIVE)
    claim = story["claim"].id
    page.hover(f"#item-{claim} .annotation-exact")
    for i in range(page.locator(f'mark[data-annotation="{claim}"]').count()):
        expect(page.locator(f'mark[data-annotation="{claim}"]').nth(i)).to_have_class(ACTIVE)
    expect(page.locator(item)).not_to_have_class(ACTIVE)
    page.focus(quote)
    expect(page.locator(item)).to_have_class(ACTIVE)


def test_phones_list_the_notes_after_the_text_with_a_jump_link_near_the_top(
    page, live_server, story, artifacts
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + story["article"].get_absolute_url())
    expect(page.locator("#reading")).not_to_have_class(re.compile(r"\bnotes-beside\b"))
    jump = page.locator(".annotations-jump a")
    expect(jump).to_be_visible()
    expect(jump).to_contain_text("(5)")
    assert jump.bounding_box()["y"] < 844  # on the first screen
    text_end = page.locator("#article-body").bounding_box()
    listed = page.locator("#annotation-list").bounding_box()
    assert listed["y"] >= text_end["y"] + text_end["height"]
    jump.click()
    page.wait_for_url("**#annotations-heading")
    # And back from an entry to its mark.
    page.click(f"#item-{story['quote'].id} .annotation-exact")
    page.wait_for_url(f"**#annotation-{story['quote'].id}")
    expect(page.locator(f"#annotation-{story['quote'].id}")).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "reading-phone-list.png"), full_page=True)
    assert_no_axe_violations(page)


def test_filter_chips_are_grouped_under_labels(page, live_server, story):
    page.goto(live_server.url + story["article"].get_absolute_url())
    labels = page.locator("#annotation-filters .filter-label")
    expect(labels).to_have_text(["Kind", "Speaker", "Tag"])
    expect(page.locator("#filter-tag-pentagon .count")).to_have_text("1")
    # Within "Quotes": both quotes are tagged Iraq; Pentagon tags only a claim, so no chip.
    page.click("#filter-kind-quote")
    page.wait_for_url("**?kind=quote")
    expect(page.locator("#filter-tag-iraq .count")).to_have_text("2")
    expect(page.locator("#filter-tag-pentagon")).to_have_count(0)
    expect(page.locator("#filter-speaker-mark-esper .count")).to_have_text("1")


def test_print_lists_the_notes_in_the_flow(page, live_server, long_story):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + long_story.get_absolute_url())
    expect(page.locator("#reading")).to_have_class(re.compile(r"\bnotes-beside\b"))
    page.emulate_media(media="print")
    positions = page.eval_on_selector_all(
        ".annotation-item", "items => items.map(i => getComputedStyle(i).position)"
    )
    assert set(positions) == {"static"}
