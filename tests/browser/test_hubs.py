"""The hub pages in Chromium: topics, speakers, outlets, claims, a tag's and a speaker's page,
at 1366 and 390 px, light and dark: axe clean, nothing wider than the screen, a second
column beside the main one on a wide screen and below it on a phone; the speakers directory
narrows as you type."""

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
PAGES = {
    "home": "/",
    "tags": "/tags/",
    "speakers": "/speakers/",
    "outlets": "/outlets/",
    "claims": "/claims/",
    "tag": "/tags/iraq/",
    "speaker": "/speakers/mark-milley/",
}


@pytest.fixture
def archive():
    euronews, bianet = make_outlet("Euronews"), make_outlet("Bianet")
    milley = make_speaker("Mark Milley", description="Chairman of the Joint Chiefs")
    agaoglu = make_speaker("Selin Ağaoğlu")
    iraq, ministry = make_tag("Iraq"), make_tag("Ministry")
    story = make_article(
        title="PENTAGON SAYS WITHDRAWAL LETTER WAS AN 'HONEST MISTAKE'",
        body=BODY,
        outlet=euronews,
        published_on=datetime.date(2020, 1, 7),
    )
    quote = "the letter was an honest mistake, and that troops were not leaving Iraq"
    at = BODY.index(quote)
    make_annotation(story, at, at + len(quote), Annotation.Kind.QUOTE, speaker=milley, tags=[iraq])
    claim = "troops were not leaving Iraq"
    at = BODY.index(claim)
    make_annotation(
        story, at, at + len(claim), Annotation.Kind.CLAIM, verdict="mostly-true", tags=[iraq]
    )
    silent = "the ministry stayed silent"
    at = BODY.index(silent)
    make_annotation(story, at, at + len(silent), Annotation.Kind.CLAIM, tags=[ministry])
    make_annotation(story, 0, 7, tags=[iraq])
    turkish = make_article(
        title="BAKANLIK SESSİZ KALDI, KURAKLIK SÜRÜYOR",
        body="Bakanlık açıklama yapmadı. Kuraklık sürüyor.",
        outlet=bianet,
        language="tr",
        published_on=datetime.date(2020, 1, 8),
    )
    make_annotation(turkish, 0, 8, Annotation.Kind.QUOTE, speaker=agaoglu, tags=[ministry])
    return story


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1366, 390])
def test_each_hub_at_each_width_and_theme(browser, live_server, archive, artifacts, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        for name, path in PAGES.items():
            page.goto(live_server.url + path)
            expect(page.locator("#site-q")).to_be_visible()
            expect(page.locator(".hub-links a")).to_have_count(4)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            main, aside = page.locator(".hub-main").first, page.locator(".hub-aside").first
            if aside.count():
                main_box, aside_box = main.bounding_box(), aside.bounding_box()
                assert main_box and aside_box
                if width >= 1366:  # beside the main column
                    assert aside_box["x"] > main_box["x"] + main_box["width"] - 1, name
                else:  # below it
                    assert aside_box["y"] >= main_box["y"] + main_box["height"] - 1, name
            page.screenshot(
                path=str(artifacts / f"hub-{name}-{width}-{scheme}.png"), full_page=True
            )
            violations = run_axe(page)
            assert violations == [], (
                name,
                [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations],
            )
    finally:
        context.close()


def test_pages_show_capitals_in_sentence_case(page, live_server, archive):
    page.goto(live_server.url + "/")
    expect(page.locator(".story-title").first).to_have_text(
        "Bakanlık sessiz kaldı, kuraklık sürüyor"
    )
    expect(page.locator(".story-title").nth(1)).to_have_text(
        "Pentagon says withdrawal letter was an 'honest mistake'"
    )
    page.goto(live_server.url + "/speakers/mark-milley/")
    expect(page.locator(".verdict-breakdown")).to_contain_text("Mostly true")


def test_the_speakers_directory_narrows_as_you_type(page, live_server, archive):
    page.goto(live_server.url + "/speakers/")
    expect(page.locator(".speaker-directory .hub-name")).to_have_count(2)
    page.fill("#speakers-q", "ağa")
    expect(page.locator(".speaker-directory .hub-name")).to_have_count(1)
    expect(page.locator(".speaker-directory .hub-name")).to_have_text("Selin Ağaoğlu")
    expect(page).to_have_url(live_server.url + "/speakers/?q=a%C4%9Fa")


def test_a_tag_s_story_opens_on_the_tag_s_annotations(page, live_server, archive):
    page.goto(live_server.url + "/tags/iraq/")
    page.locator("#article-list .story-title a").first.click()
    expect(page).to_have_url(f"{live_server.url}{archive.get_absolute_url()}?tag=iraq")
