"""Copies on the article page: "Also published by", and editors carrying annotations."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from articles.models import Annotation, Article
from articles.services.copies import NOT_COPIES, story_copies_detect
from tests.factories import make_article, make_outlet
from tests.test_services_copies import COPY, STORY, annotate
from tests.test_views_versions import client_for

pytestmark = pytest.mark.django_db

QUOTE = "Nobody takes the decision to strike lightly."


@pytest.fixture
def pair() -> tuple[Article, Article]:
    source = make_article(
        title="Felixstowe dockers walk out",
        body=STORY,
        outlet=make_outlet("AP"),
        published_on=datetime.date(2025, 3, 14),
    )
    target = make_article(title="Dockers strike", body=COPY, outlet=make_outlet("Daily Bugle"))
    story_copies_detect(articles=[source, target])
    return source, target


def carry_url(source: Article, target: Article) -> str:
    return reverse("articles:annotations_carry", args=[target.slug, source.slug])


def test_everyone_sees_also_published_by_with_outlet_title_date_and_link(client, pair):
    source, target = pair
    page = client.get(target.get_absolute_url()).content.decode()
    assert "Also published by" in page
    assert (
        f'AP</span>: <a href="{source.get_absolute_url()}">Felixstowe dockers walk out</a>' in page
    )
    assert '<time datetime="2025-03-14">14 March 2025</time>' in page
    assert "Carry its annotations" not in page


def test_an_article_without_copies_shows_no_such_section(client):
    article = make_article()
    assert "Also published by" not in client.get(article.get_absolute_url()).content.decode()


def test_the_copies_cost_the_page_no_query(client, pair, django_assert_num_queries):
    _, target = pair
    # The page's version, the article (its copies inside), the annotations: as without copies.
    with django_assert_num_queries(3):
        client.get(target.get_absolute_url())


def test_a_copy_found_later_shows_on_a_cached_page(client):
    source = make_article(body=STORY)
    story_copies_detect(articles=[source])
    assert "Also published by" not in client.get(source.get_absolute_url()).content.decode()
    target = make_article(title="Dockers strike", body=COPY)
    story_copies_detect(articles=[target])
    assert "Dockers strike" in client.get(source.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 302), ("staff", 302)]
)
def test_only_editors_and_staff_carry(pair, role, expected):
    source, target = pair
    annotate(source, QUOTE, kind="quote")
    response = client_for(role).post(carry_url(source, target))
    assert response.status_code == expected
    carried = Annotation.objects.filter(article=target).count()
    assert carried == (1 if expected == 302 and role != "anonymous" else 0)


def test_editors_see_the_carry_form(pair):
    source, target = pair
    page = client_for("editor").get(target.get_absolute_url()).content.decode()
    assert f'hx-post="{carry_url(source, target)}"' in page


def test_carrying_without_htmx_redirects_with_the_summary(pair):
    source, target = pair
    annotate(source, QUOTE, kind="quote")
    annotate(source, "Shipping line Maersk said")
    response = client_for("editor").post(carry_url(source, target), follow=True)
    page = response.content.decode()
    assert "1 carried, 1 needs review." in page
    assert response.redirect_chain[-1][0] == target.get_absolute_url()


def test_carrying_with_htmx_answers_the_reading_part_with_marks_and_summary(pair):
    source, target = pair
    annotate(source, QUOTE, kind="quote")
    annotate(source, "Shipping line Maersk said")
    response = client_for("editor").post(carry_url(source, target), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="reading"')
    assert "1 carried, 1 needs review." in page
    assert reverse("articles:article_reviews", args=[target.slug]) in page
    published = Annotation.objects.published().get(article=target)
    # Marked in the text and listed.
    assert page.count(f'data-annotation="{published.pk}"') == 2


def test_carrying_between_articles_that_are_not_copies_is_a_clear_409(pair):
    source, _ = pair
    other = make_article()
    editor = client_for("editor")
    response = editor.post(carry_url(source, other), headers={"HX-Request": "true"})
    assert (response.status_code, response.content.decode()) == (409, NOT_COPIES)
    followed = editor.post(carry_url(source, other), follow=True)
    assert NOT_COPIES in followed.content.decode()


def test_an_unknown_article_is_a_404(pair):
    source, _ = pair
    response = client_for("editor").post(
        reverse("articles:annotations_carry", args=["no-such-article", source.slug])
    )
    assert response.status_code == 404
