"""The Needs review panel's choices, through the test client (the desk: test_views_desk)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Annotation
from articles.services.copies import annotations_carry, story_copies_detect
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_outlet, make_user
from tests.test_services_copies import COPY, STORY

pytestmark = pytest.mark.django_db

BODY = "The minister said the budget was balanced. Critics disagreed."
NEW = BODY.replace("was balanced", "was not balanced")


def in_review() -> Annotation:
    article = make_article(body=BODY)
    at = BODY.index("the budget")
    claim = make_annotation(article, at, at + 23, Annotation.Kind.CLAIM)
    article_correct(article=article, body=NEW, structure=None, reason="Fix", user=None)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def editor() -> Client:
    client = Client()
    client.force_login(make_user(editor=True))
    return client


def test_the_panel_offers_every_choice_and_the_current_text(editor):
    claim = in_review()
    html = editor.get(reverse("articles:article_reviews", args=[claim.article.slug])).content
    page = html.decode()
    for name in ("review_accept", "review_respan", "review_keep", "review_delete"):
        assert reverse(f"articles:{name}", args=[claim.pk]) in page
    assert 'id="review-text"' in page and "was not balanced" in page
    assert "Made on version 1" in page


def test_select_a_new_span_then_undo_from_the_status_line(editor):
    claim = in_review()
    at = NEW.index("Critics")
    response = editor.post(
        reverse("articles:review_respan", args=[claim.pk]),
        {"start": at, "end": at + 7, "exact": "Critics"},
        follow=True,
    )
    page = response.content.decode()
    assert "Put on the words you selected." in page
    assert reverse("articles:review_undo", args=[claim.pk]) in page
    claim.refresh_from_db()
    assert (claim.exact, claim.status) == ("Critics", "published")
    response = editor.post(reverse("articles:review_undo", args=[claim.pk]), follow=True)
    assert "it needs review again" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "needs_review"


def test_words_in_two_places_answer_with_a_message_not_a_500(editor):
    claim = in_review()
    response = editor.post(
        reverse("articles:review_respan", args=[claim.pk]), {"exact": "e"}, follow=True
    )
    assert response.status_code == 200
    assert "times in the current text" in response.content.decode()
    empty = editor.post(reverse("articles:review_respan", args=[claim.pk]), {}, follow=True)
    assert "Select the words" in empty.content.decode()


def test_keep_shows_the_note_on_the_versions_page_to_editors_only(editor):
    claim = in_review()
    editor.post(reverse("articles:review_keep", args=[claim.pk]))
    url = reverse("articles:article_versions", args=[claim.article.slug])
    assert "Notes kept on earlier versions" in editor.get(url).content.decode()
    assert "Notes kept on earlier versions" not in Client().get(url).content.decode()
    page = Client().get(claim.article.get_absolute_url()).content.decode()
    assert f"annotation-{claim.pk}" not in page


def test_delete_then_undo(editor):
    claim = in_review()
    editor.post(reverse("articles:review_delete", args=[claim.pk]))
    assert not Annotation.objects.filter(pk=claim.pk).exists()
    editor.post(reverse("articles:review_undo", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == "needs_review"


def test_the_history_offers_to_undo_a_review_choice(editor):
    claim = in_review()
    editor.post(reverse("articles:review_accept", args=[claim.pk]))
    history = reverse("articles:article_history", args=[claim.article.slug])
    assert reverse("articles:review_undo", args=[claim.pk]) in editor.get(history).content.decode()


def test_an_annotation_carried_from_a_copy_says_whose_copy_it_came_from(editor):
    source = make_article(title="Dockers walk out", body=STORY, outlet=make_outlet("AP"))
    sentence = "Nobody takes the decision to strike lightly."
    # The copy has the sentence twice (a pull quote): the carried annotation needs review.
    target = make_article(
        title="Dockers strike",
        body=COPY.replace(sentence, "Nobody takes that decision lightly.")
        + f"\n\n{sentence}\n\n{sentence}",
        outlet=make_outlet("Daily Bugle"),
    )
    story_copies_detect(articles=[source, target])
    at = STORY.index(sentence)
    make_annotation(source, at, at + len(sentence), Annotation.Kind.QUOTE)
    assert annotations_carry(source_id=source.pk, target_id=target.pk, user=None).review == 1
    carried = Annotation.objects.get(article=target)
    page = editor.get(reverse("articles:article_reviews", args=[target.slug])).content.decode()
    assert "Carried from AP’s copy" in page
    assert "Made on version" not in page
    # Its span is into the copy's text, not a version of this one: no note to keep.
    assert reverse("articles:review_keep", args=[carried.pk]) not in page
