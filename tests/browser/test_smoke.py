"""The foundation's end-to-end check: Chromium opens the home page and the sample article."""

from __future__ import annotations

import pytest
from django.conf import settings

from articles.demo import demo_load
from articles.headlines import sentence_case
from articles.models import Annotation, Article
from tests.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_the_sample_article_render_in_chromium(live_server, page, artifacts):
    demo_load(samples_dir=settings.BASE_DIR / "samples")
    sample = Article.objects.get(title__startswith="'HONEST MISTAKE'")
    quote = Annotation.objects.published().get(article=sample, exact="honest mistake,")

    page.goto(live_server.url + "/")
    assert page.title().startswith("Latest stories")
    page.screenshot(path=str(artifacts / "smoke-home.png"), full_page=True)
    page.click(f"a[href='{sample.get_absolute_url()}']")
    page.wait_for_url(f"**{sample.get_absolute_url()}")

    # A title in capitals is shown in sentence case (articles/headlines.py).
    assert page.locator("h1").inner_text() == sentence_case(sample.title, sample.language)
    assert page.locator(f"#annotation-{quote.pk}").inner_text() == "honest mistake,"
    for heading in sample.headings:
        assert page.locator("#article-body h2", has_text=heading).count() == 1
    # The damaged quotation marks are shown exactly as stored.
    assert "Nobody's leaving,\" Milley said." in page.locator("#article-body").inner_text()
    page.screenshot(path=str(artifacts / "smoke-article.png"), full_page=True)
    assert run_axe(page) == []
