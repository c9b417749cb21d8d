"""Correcting an article on the site, the versions page and the review panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, AnnotationReview, Article, ArticleVersion
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "The minister said the budget was balanced. Critics disagreed.\n\n"
    "A second paragraph with “a quote” in it."
)


@pytest.fixture
def article() -> Article:
    return make_article(body=BODY)


def annotate(article: Article, words: str, **fields) -> Annotation:
    at = article.body.index(words)
    return make_annotation(article, at, at + len(words), **fields)


def client_for(role: str) -> Client:
    client = Client()
    if role == "reader":
        client.force_login(make_user())
    elif role == "editor":
        client.force_login(make_user(editor=True))
    elif role == "staff":
        client.force_login(make_user(is_staff=True))
    return client


def corrected(article: Article, **kwargs) -> Article:
    article_correct(
        article=article,
        body=BODY.replace("was balanced", "was not balanced"),
        structure=None,
        reason="Wrong word",
        note=kwargs.get("note", "The budget was not balanced, as first said."),
        user=None,
    )
    article.refresh_from_db()
    return article


# Permissions, each role, each new URL.


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 200), ("staff", 200)]
)
def test_the_correct_form_is_for_editors_and_staff(article, role, expected):
    response = client_for(role).get(reverse("articles:article_correct", args=[article.slug]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 302), ("staff", 302)]
)
def test_only_editors_and_staff_can_save_a_correction(article, role, expected):
    response = client_for(role).post(
        reverse("articles:article_correct", args=[article.slug]),
        {"body": BODY + " Added.", "reason": "Addition", "note": ""},
    )
    assert response.status_code == expected
    versions = ArticleVersion.objects.filter(article=article).count()
    assert versions == (2 if expected == 302 and role in ("editor", "staff") else 1)


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 200), ("staff", 200)]
)
def test_the_preview_is_for_editors_and_staff(article, role, expected):
    response = client_for(role).post(
        reverse("articles:correction_preview", args=[article.slug]), {"body": BODY + " More."}
    )
    assert response.status_code == expected


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
def test_everyone_sees_the_versions(article, role):
    corrected(article)
    response = client_for(role).get(reverse("articles:article_versions", args=[article.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 200), ("staff", 200)]
)
def test_the_review_panel_is_for_editors_and_staff(article, role, expected):
    response = client_for(role).get(reverse("articles:article_reviews", args=[article.slug]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 302), ("reader", 403), ("editor", 302), ("staff", 302)]
)
def test_only_editors_and_staff_settle_reviews(article, role, expected):
    claim = annotate(article, "the budget was balanced", kind="claim")
    other = annotate(article, "Critics", kind="highlight")
    corrected(article)
    client = client_for(role)
    accept = client.post(reverse("articles:review_accept", args=[claim.pk]))
    delete = client.post(reverse("articles:review_delete", args=[other.pk]))
    assert accept.status_code == expected
    assert delete.status_code in (expected, 404)  # the highlight followed: not in review
    claim.refresh_from_db()
    settled = role in ("editor", "staff")
    assert claim.status == ("published" if settled else "needs_review")


# The flow.


def test_the_preview_shows_the_diff_and_what_happens_to_annotations(article):
    annotate(article, "Critics disagreed.", kind="claim")
    annotate(article, "the budget was balanced", kind="claim")
    client = client_for("editor")
    with_queries = reverse("articles:correction_preview", args=[article.slug])
    response = client.post(
        with_queries,
        {"body": BODY.replace("was balanced", "was not balanced")},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "1 follow unchanged" in html
    assert "1 needs review" in html
    assert '<ins><span class="sr-only diff-label">[inserted: </span>not ' in html


def test_the_preview_costs_a_fixed_number_of_queries(article, django_assert_num_queries):
    for words in ("Critics", "minister", "budget", "quote"):
        annotate(article, words)
    client = client_for("editor")
    url = reverse("articles:correction_preview", args=[article.slug])
    # session, user with editor status, the article, its annotations.
    with django_assert_num_queries(4):
        client.post(url, {"body": BODY + " More."})


def test_a_correction_needs_a_reason(article):
    response = client_for("editor").post(
        reverse("articles:article_correct", args=[article.slug]),
        {"body": BODY + " Added.", "reason": "", "note": ""},
    )
    assert response.status_code == 422
    assert "Say why the text changes" in response.content.decode()
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_an_unchanged_text_is_refused_with_a_message(article):
    response = client_for("editor").post(
        reverse("articles:article_correct", args=[article.slug]),
        {"body": BODY, "reason": "Nothing", "note": ""},
    )
    assert response.status_code == 422
    assert "nothing to correct" in response.content.decode()


def test_readers_see_the_notice_and_the_versions_diff(article):
    corrected(article)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "Corrected" in page
    assert "The budget was not balanced, as first said." in page
    assert reverse("articles:article_versions", args=[article.slug]) in page
    assert '"dateModified"' in page
    versions = Client().get(reverse("articles:article_versions", args=[article.slug]))
    html = versions.content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "[inserted: </span>not " in html


def test_the_versions_page_costs_a_fixed_number_of_queries(article, django_assert_num_queries):
    corrected(article)
    url = reverse("articles:article_versions", args=[article.slug])
    # the article, its versions, the two texts compared.
    with django_assert_num_queries(3):
        Client().get(url)


def test_an_unknown_version_is_a_clear_400(article):
    corrected(article)
    url = reverse("articles:article_versions", args=[article.slug])
    response = Client().get(url, {"a": "7", "b": "x"})
    assert response.status_code in (200, 400)
    response = Client().get(url, {"a": 7})
    assert response.status_code == 400
    assert "There is no such version" in response.content.decode()


def test_the_page_cache_follows_the_new_version(article):
    before = Client().get(article.get_absolute_url()).content.decode()
    assert "was balanced" in before
    corrected(article)
    after = Client().get(article.get_absolute_url()).content.decode()
    assert "was not balanced" in after


def test_the_review_panel_shows_old_and_proposed_text_and_accepts(
    article, django_assert_num_queries
):
    claim = annotate(article, "the budget was balanced", kind="claim")
    corrected(article)
    client = client_for("editor")
    url = reverse("articles:article_reviews", args=[article.slug])
    client.get(url)
    # session, user with editor status, the article, the annotations needing review with
    # their reviews and versions.
    with django_assert_num_queries(4):
        html = client.get(url).content.decode()
    assert "<mark>the budget was balanced</mark>" in html
    assert "<mark>the budget was not balanced</mark>" in html
    response = client.post(reverse("articles:review_accept", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "published" and claim.exact == "the budget was not balanced"
    assert not AnnotationReview.objects.exists()
    # Accepting twice is a clear message back on the panel, not a 500.
    again = client.post(reverse("articles:review_accept", args=[claim.pk]), follow=True)
    assert "does not need a review any more" in again.content.decode()


def test_readers_never_see_a_mark_that_needs_review(article):
    claim = annotate(article, "the budget was balanced", kind="claim")
    corrected(article)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f"annotation-{claim.pk}" not in page
