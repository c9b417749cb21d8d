"""The foundation's end-to-end check: Chromium opens the home page and an article."""

import pytest

from articles.models import Annotation
from tests.conftest import run_axe
from tests.factories import make_annotation, make_article, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_article_render_in_chromium(live_server, page, artifacts):
    body = (
        'The letter was an "honest mistake," General Mark Milley told reporters.\n\n'
        "Repositioning of troops\n\n"
        "Esper said the U.S. has been re-positioning troops. 😀 Emoji shift nothing."
    )
    article = make_article(title="Pentagon denies plans to withdraw troops", body=body)
    start = body.index("honest mistake,")
    quote = make_annotation(
        article,
        start,
        start + len("honest mistake,"),
        Annotation.Kind.QUOTE,
        speaker=make_speaker("Mark Milley"),
    )
    emoji_text = body.index("Emoji")
    make_annotation(article, emoji_text, emoji_text + 5, Annotation.Kind.HIGHLIGHT)

    page.goto(live_server.url + "/")
    assert page.title().startswith("Latest stories")
    page.screenshot(path=str(artifacts / "smoke-home.png"), full_page=True)
    page.click("text=Pentagon denies plans to withdraw troops")
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.locator(f"#annotation-{quote.pk}").inner_text() == "honest mistake,"
    assert page.locator("h2", has_text="Repositioning of troops").count() == 1
    page.screenshot(path=str(artifacts / "smoke-article.png"), full_page=True)
    assert run_axe(page) == []
