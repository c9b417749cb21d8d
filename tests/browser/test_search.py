"""The search page in Chromium: people, quotes and stories, at 1366 and 390 px, light and dark."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from articles.models import Annotation
from tests.conftest import run_axe
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "General Mark Milley said the letter was an honest mistake, and that troops were not "
    "leaving Iraq. Selin Ağaoğlu, reporting from İstanbul, said the ministry stayed silent."
)


@pytest.fixture
def archive():
    outlet = make_outlet("Euronews")
    milley = make_speaker("Mark Milley", description="Chairman of the Joint Chiefs")
    story = make_article(
        title="Milley: the withdrawal letter was an honest mistake",
        body=BODY,
        outlet=outlet,
        published_on=datetime.date(2020, 1, 7),
    )
    start = BODY.index("the letter was")
    make_annotation(
        story,
        start,
        start + len("the letter was an honest mistake"),
        Annotation.Kind.QUOTE,
        speaker=milley,
        tags=[make_tag("Iraq")],
    )
    claim_start = BODY.index("troops were not")
    make_annotation(
        story,
        claim_start,
        claim_start + len("troops were not leaving Iraq"),
        Annotation.Kind.CLAIM,
        verdict=Annotation.Verdict.MOSTLY_TRUE,
        note="Milley repeated it the next day.",
    )
    make_article(
        title="Pentagon briefing on Milley's trip",
        body="The briefing went on for an hour. Nothing else was said.",
        outlet=outlet,
        published_on=datetime.date(2020, 1, 8),
    )
    make_article(
        title="Soleimani killed near Baghdad airport",
        body="A drone strike killed the general. Iraq protested.",
        outlet=outlet,
    )
    return {"story": story, "milley": milley}


def assert_no_axe_violations(page):
    violations = run_axe(page)
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def contrast_of(page, selector: str) -> float:
    """WCAG contrast of the first `selector`'s text on its own background, as rendered."""
    return page.eval_on_selector(
        selector,
        """el => {
            const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = ([r, g, b]) => {
                const f = c => {
                    c /= 255;
                    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
                };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const style = getComputedStyle(el);
            const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))]
                .sort((x, y) => y - x);
            return (a + 0.05) / (b + 0.05);
        }""",
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1366, 390])
def test_people_quotes_and_stories_at_each_width_and_theme(
    browser, live_server, archive, artifacts, width, scheme
):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/search/?q=milley")
        card = page.locator(".speaker-card").first
        expect(card).to_contain_text("Mark Milley")
        expect(card).to_contain_text("1 quote")
        expect(page.locator(".quote-result")).to_have_count(2)
        expect(page.locator(".quote-result").first).to_contain_text("Mostly true")
        expect(page.locator(".story-title")).to_have_count(2)
        # The speaker card comes before the quotes, and the quotes before the stories.
        boxes = [
            page.locator(selector).first.bounding_box()
            for selector in (".speaker-card", ".quote-result", ".story-title")
        ]
        assert all(boxes) and boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert contrast_of(page, ".result-title mark") >= 4.5
        assert contrast_of(page, ".result-snippet mark") >= 4.5
        page.screenshot(path=str(artifacts / f"search-{width}-{scheme}.png"), full_page=True)
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_search_as_you_type_finds_a_prefix_and_links_to_the_span(page, live_server, archive):
    page.goto(live_server.url + "/search/")
    page.evaluate("window.notReloaded = true")
    page.fill("#q", "Soleim")
    page.wait_for_url("**q=Soleim**")
    expect(page.locator(".story-title")).to_have_text(["Soleimani killed near Baghdad airport"])
    expect(page.locator(".story-title mark")).to_have_text("Soleimani")
    page.fill("#q", "agaoglu -pentagon")
    expect(page.locator(".result-snippet mark")).to_have_text("Ağaoğlu")
    page.fill("#q", "-pentagon")
    expect(page.locator("#results-heading")).to_have_text("Nothing to search for")
    assert page.evaluate("window.notReloaded") is True
    page.fill("#q", "honest mistake")
    quote = page.locator(".quote-result a").first
    expect(quote).to_contain_text("honest mistake")
    quote.click()
    page.wait_for_url(f"**{archive['story'].get_absolute_url()}#annotation-*")
