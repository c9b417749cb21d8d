import re

import pytest

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker

pytestmark = pytest.mark.django_db


def test_home_lists_articles_with_counts(client):
    article = make_article(title="Pentagon denies plans")
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker())
    make_annotation(article, 6, 9, Annotation.Kind.CLAIM)
    response = client.get("/")
    html = response.content.decode()
    assert "Pentagon denies plans" in html
    assert "1 quote " in html and "1 claim" in html
    assert "<input" not in html or 'name="q"' in html


def test_home_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    for _ in range(5):
        make_article()
    with django_assert_num_queries(2):
        client.get("/")
    for _ in range(10):
        make_annotation(make_article(), 0, 4)
    with django_assert_num_queries(2):
        client.get("/")


def test_home_serves_the_list_fragment_to_htmx(client):
    make_article(title="Only in the fragment")
    response = client.get("/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Only in the fragment" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_article_page_renders_marks_in_a_fixed_number_of_queries(client, django_assert_num_queries):
    article = make_article()
    for i in range(20):
        make_annotation(article, i, i + 10)
    with django_assert_num_queries(3):
        response = client.get(article.get_absolute_url())
    assert len(re.findall(r'id="annotation-\d', response.content.decode())) == 20


def test_suggestions_are_not_shown_to_readers(client):
    article = make_article()
    make_annotation(article, 0, 5, status=Annotation.Status.SUGGESTED)
    assert not re.search(
        r'id="annotation-\d', client.get(article.get_absolute_url()).content.decode()
    )


def test_unknown_article_is_404(client):
    assert client.get("/articles/nope/").status_code == 404
