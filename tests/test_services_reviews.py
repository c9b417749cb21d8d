"""Settling reviews: each choice recorded with its review, and undone exactly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles.models import Annotation, AnnotationReview, AnnotationRevision, Article
from articles.services.annotations import annotation_restore
from articles.services.reviews import (
    TEXT_CHANGED_SINCE,
    WORDS_AMBIGUOUS,
    annotation_review_accept,
    annotation_review_delete,
    annotation_review_keep,
    annotation_review_respan,
    annotation_review_undo,
)
from articles.services.suggestions import suggestion_reject
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "The minister said the budget was balanced. Critics disagreed.\n\n"
    "Later the budget was discussed again."
)
NEW = BODY.replace("was balanced", "was not balanced")


@pytest.fixture
def editor():
    return make_user(editor=True)


def in_review(editor) -> tuple[Article, Annotation]:
    article = make_article(body=BODY)
    at = BODY.index("the budget was balanced")
    claim = make_annotation(article, at, at + 23, Annotation.Kind.CLAIM, note="checked")
    article_correct(article=article, body=NEW, structure=None, reason="Wrong word", user=editor)
    claim.refresh_from_db()
    article.refresh_from_db()
    assert claim.status == Annotation.Status.NEEDS_REVIEW
    return article, claim


def as_before(claim: Annotation) -> None:
    """Back in review exactly as the correction left it."""
    claim.refresh_from_db()
    assert claim.status == Annotation.Status.NEEDS_REVIEW
    assert (claim.start, claim.exact) == (BODY.index("the budget"), "the budget was balanced")
    review = AnnotationReview.objects.get(annotation_id=claim.pk)
    assert review.previous_status == "published" and review.made_on == 1
    assert (review.proposed_start, review.proposed_end) == (
        NEW.index("the budget"),
        NEW.index(". Critics"),
    )


def test_accept_then_undo(editor, django_assert_num_queries):
    article, claim = in_review(editor)
    # savepoint, lock the annotation, its review, tag names, the update, delete the review,
    # the revision, release
    with django_assert_num_queries(8):
        annotation_review_accept(annotation_id=claim.pk, user=editor)
    claim.refresh_from_db()
    assert claim.status == "published" and claim.exact == "the budget was not balanced"
    assert claim.suffix.startswith(". Critics")
    annotation_review_undo(annotation_id=claim.pk, user=editor)
    as_before(claim)
    last = AnnotationRevision.objects.filter(annotation_id=claim.pk).first()
    assert last is not None and last.action == "review_undone"


def test_select_a_new_span_recomputes_text_and_context(editor):
    article, claim = in_review(editor)
    at = NEW.index("Critics disagreed")
    moved = annotation_review_respan(
        annotation_id=claim.pk, user=editor, exact="Critics disagreed", start=at, end=at + 17
    )
    assert (moved.start, moved.end, moved.exact, moved.status) == (
        at,
        at + 17,
        "Critics disagreed",
        "published",
    )
    assert moved.prefix.endswith("not balanced. ") and moved.suffix.startswith(".")
    revision = AnnotationRevision.objects.filter(annotation_id=claim.pk).first()
    assert revision is not None and revision.before is not None
    assert revision.action == "respanned" and revision.before["review"]["made_on"] == 1
    annotation_review_undo(annotation_id=claim.pk, user=editor)
    as_before(claim)


def test_a_selection_that_does_not_match_the_text_is_refused(editor):
    article, claim = in_review(editor)
    with pytest.raises(ValidationError):
        annotation_review_respan(
            annotation_id=claim.pk, user=editor, exact="Critics", start=0, end=3
        )
    as_before(claim)


def test_typed_words_without_offsets_are_found_where_they_stand_once(editor):
    article, claim = in_review(editor)
    moved = annotation_review_respan(
        annotation_id=claim.pk, user=editor, exact="Critics  disagreed"
    )
    assert moved.exact == "Critics disagreed"
    article2, claim2 = in_review(editor)
    with pytest.raises(ValidationError) as error:
        annotation_review_respan(annotation_id=claim2.pk, user=editor, exact="the budget")
    assert WORDS_AMBIGUOUS.format(count=2) in error.value.messages


def test_keep_as_a_note_on_its_version(editor):
    article, claim = in_review(editor)
    kept = annotation_review_keep(annotation_id=claim.pk, user=editor)
    assert (kept.status, kept.on_version) == ("on_version", 1)
    assert not Annotation.objects.published().filter(pk=claim.pk).exists()
    assert list(Annotation.objects.kept_on_versions(article.pk)) == [kept]
    # A later correction leaves it on its version.
    article_correct(article=article, body=NEW + " More.", structure=None, reason="Add", user=editor)
    kept.refresh_from_db()
    assert (kept.status, kept.exact, kept.start) == ("on_version", "the budget was balanced", 18)
    # ...and its undo is refused: the review's spans belong to the text it was made for.
    with pytest.raises(ValidationError) as error:
        annotation_review_undo(annotation_id=claim.pk, user=editor)
    assert TEXT_CHANGED_SINCE in error.value.messages


def test_keep_then_undo(editor):
    article, claim = in_review(editor)
    annotation_review_keep(annotation_id=claim.pk, user=editor)
    annotation_review_undo(annotation_id=claim.pk, user=editor)
    as_before(claim)
    claim.refresh_from_db()
    assert claim.on_version is None


def test_delete_then_undo_or_history_restore(editor):
    article, claim = in_review(editor)
    annotation_review_delete(annotation_id=claim.pk, user=editor)
    assert not Annotation.objects.filter(pk=claim.pk).exists()
    assert not AnnotationReview.objects.filter(annotation_id=claim.pk).exists()
    annotation_review_undo(annotation_id=claim.pk, user=editor)
    as_before(claim)
    claim.refresh_from_db()
    assert claim.note == "checked"
    # The history's restore does the same.
    annotation_review_delete(annotation_id=claim.pk, user=editor)
    annotation_restore(annotation_id=claim.pk, user=editor)
    as_before(claim)


def test_a_settled_review_cannot_be_settled_again(editor):
    article, claim = in_review(editor)
    annotation_review_accept(annotation_id=claim.pk, user=editor)
    for settle in (annotation_review_accept, annotation_review_keep, annotation_review_delete):
        with pytest.raises(ValidationError):
            settle(annotation_id=claim.pk, user=editor)


def test_a_correction_reruns_the_quote_finder_on_the_changed_paragraphs_only(editor):
    speech = "“We will not raise taxes,” said Jane Minister on Monday."
    body = f"Opening line here.\n\n{speech}\n\nClosing line."
    article = make_article(body=body)
    # The untouched paragraph's quote is not proposed by a correction elsewhere...
    new = body.replace("Closing line.", "Closing line, amended.")
    article_correct(article=article, body=new, structure=None, reason="Fix", user=editor)
    assert not Annotation.objects.suggested().filter(article=article).exists()
    # ...a changed one's is.
    newer = new.replace("on Monday", "on Tuesday")
    article_correct(article=article, body=newer, structure=None, reason="Day", user=editor)
    found = list(Annotation.objects.suggested().filter(article=article))
    assert len(found) == 1 and "We will not raise taxes" in found[0].exact
    # Rejected, it is never proposed again by a later correction of its paragraph.
    article.refresh_from_db()
    suggestion_reject(annotation=found[0], user=editor)
    again = newer.replace("on Tuesday", "on Wednesday")
    article_correct(article=article, body=again, structure=None, reason="Day", user=editor)
    assert not Annotation.objects.suggested().filter(article=article).exists()
