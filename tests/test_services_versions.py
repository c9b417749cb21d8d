"""Correcting an article's text: versions, and annotations that follow without lying."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import (
    Annotation,
    AnnotationReview,
    AnnotationRevision,
    Article,
    ArticleVersion,
)
from articles.services.reviews import annotation_review_accept
from articles.services.versions import (
    REASON_REQUIRED,
    TEXT_UNCHANGED,
    article_correct,
    correction_preview,
)
from tests.factories import make_annotation, make_article, make_user, structure_for

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "000_58f869ba7bb6f21c.txt"
BODY = (
    "Headline words\n\n"
    "The minister said the budget was balanced. Critics disagreed.\n\n"
    "Later the minister said the budget was balanced."
)


def annotate(article: Article, words: str, occurrence: int = 0, **fields) -> Annotation:
    at = -1
    for _ in range(occurrence + 1):
        at = article.body.index(words, at + 1)
    return make_annotation(article, at, at + len(words), **fields)


def published_ok(article: Article) -> None:
    """Every annotation a reader sees sits on its own words."""
    article.refresh_from_db()
    for annotation in Annotation.objects.published().filter(article=article):
        assert article.body[annotation.start : annotation.end] == annotation.exact


def test_every_new_article_gets_version_one():
    article = make_article(body=BODY)
    version = ArticleVersion.objects.get(article=article)
    assert (version.number, version.body, version.kind) == (1, BODY, "original")
    assert version.content_hash == article.content_hash


def test_a_correction_makes_version_two_and_keeps_version_one():
    editor = make_user(editor=True)
    article = make_article(body=BODY, structure=structure_for(BODY, headings={0}))
    new_body = BODY.replace("Critics disagreed.", "Critics strongly disagreed.")
    result = article_correct(
        article=article,
        body=new_body,
        structure=None,
        reason="Typo",
        note="We added a word.",
        user=editor,
    )
    article.refresh_from_db()
    assert article.body == new_body
    assert article.version_number == 2
    assert article.correction_note == "We added a word."
    assert article.text_modified_kind == "correction"
    assert [v.number for v in ArticleVersion.objects.filter(article=article)] == [2, 1]
    assert ArticleVersion.objects.get(article=article, number=1).body == BODY
    assert result.version.created_by == editor
    # The heading stays a heading; blocks cover the new paragraphs.
    assert article.structure[0]["kind"] == "heading"
    assert article.body[article.structure[2]["start"] : article.structure[2]["end"]].startswith(
        "Later"
    )


def test_a_reason_is_required_and_nothing_is_written_without_it():
    article = make_article(body=BODY)
    with pytest.raises(ValidationError) as error:
        article_correct(
            article=article, body=BODY + " More.", structure=None, reason=" ", user=None
        )
    assert error.value.message_dict["reason"] == [REASON_REQUIRED]
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_an_unchanged_text_is_refused():
    article = make_article(body=BODY)
    with pytest.raises(ValidationError) as error:
        article_correct(article=article, body=BODY + "\r\n", structure=None, reason="x", user=None)
    assert error.value.message_dict["body"] == [TEXT_UNCHANGED]


def test_untouched_annotations_follow_and_touched_ones_go_to_review():
    article = make_article(body=BODY)
    follows = annotate(article, "Critics disagreed.", kind="claim")
    touched = annotate(article, "the budget was balanced", kind="claim")
    new_body = BODY.replace("Headline words", "A longer headline 🗞️ İstanbul").replace(
        "said the budget was balanced. Critics", "said the budget was not balanced. Critics"
    )
    preview = correction_preview(article=article, body=new_body)
    assert preview.counts["kept"] == 1 and preview.counts["review"] == 1
    result = article_correct(
        article=article, body=new_body, structure=None, reason="Fix", user=None
    )
    assert result.counts["kept"] == 1 and result.counts["review"] == 1
    follows.refresh_from_db()
    touched.refresh_from_db()
    assert new_body[follows.start : follows.end] == "Critics disagreed."
    assert touched.status == Annotation.Status.NEEDS_REVIEW
    # It keeps the text it was made on; the review proposes the changed words.
    assert touched.exact == "the budget was balanced"
    review = AnnotationReview.objects.get(annotation=touched)
    assert review.previous_status == "published"
    assert review.proposed_text == "the budget was not balanced"
    assert AnnotationRevision.objects.filter(
        annotation_id=touched.pk, action="needs_review"
    ).exists()
    published_ok(article)
    # Readers never see it.
    assert touched not in Annotation.objects.published()


def test_accepting_the_proposal_publishes_it_on_the_new_words():
    editor = make_user(editor=True)
    article = make_article(body=BODY)
    touched = annotate(article, "the budget was balanced", kind="claim")
    new_body = BODY.replace("the budget was balanced. Critics", "the budget was fine. Critics")
    article_correct(article=article, body=new_body, structure=None, reason="Fix", user=editor)
    accepted = annotation_review_accept(annotation_id=touched.pk, user=editor)
    assert accepted.status == "published"
    assert accepted.exact == "the budget was fine"
    assert not AnnotationReview.objects.filter(annotation_id=touched.pk).exists()
    assert AnnotationRevision.objects.filter(annotation_id=touched.pk, action="reviewed").exists()
    published_ok(article)


def test_a_moved_paragraph_takes_its_annotation_along_in_the_history():
    article = make_article(body="First one here.\n\nSecond “quoted words” here.\n\nThird one.")
    quote = annotate(article, "quoted words", kind="quote")
    new_body = "First one here.\n\nThird one.\n\nSecond “quoted words” here."
    result = article_correct(
        article=article, body=new_body, structure=None, reason="Order", user=None
    )
    quote.refresh_from_db()
    assert quote.status == "published"
    assert new_body[quote.start : quote.end] == "quoted words"
    assert result.counts["kept"] + result.counts["moved"] == 1
    published_ok(article)


def test_trap_the_same_sentence_twice_and_the_annotated_one_edited():
    article = make_article(body=BODY)
    second = annotate(article, "the minister said the budget was balanced", kind="claim")
    new_body = BODY.replace(
        "Later the minister said the budget was balanced.", "Later the minister said it again."
    )
    # The first sentence is unannotated but identical: the annotation must not jump to it.
    article_correct(article=article, body=new_body, structure=None, reason="Edit", user=None)
    second.refresh_from_db()
    assert second.status == Annotation.Status.NEEDS_REVIEW
    published_ok(article)


def test_trap_quotation_mark_repaired_in_the_sample():
    text = SAMPLE.read_text(encoding="utf-8")
    article = make_article(body=text)
    quote = annotate(article, "Nobody's leaving,", kind="quote")
    new_body = text.replace("\nNobody's leaving,\"", '\n"Nobody\'s leaving,"')
    article_correct(article=article, body=new_body, structure=None, reason="Quote mark", user=None)
    quote.refresh_from_db()
    assert quote.status == "published"
    assert new_body[quote.start - 1 : quote.end] == "\"Nobody's leaving,"


def test_two_published_annotations_never_land_on_one_span():
    article = make_article(body="Alpha beta.\n\nGamma delta.")
    first = annotate(article, "Gamma", kind="highlight")
    # Reordered so the diff moves paragraphs: each keeps its own words.
    article_correct(
        article=article,
        body="Gamma delta.\n\nAlpha beta.",
        structure=None,
        reason="Order",
        user=None,
    )
    first.refresh_from_db()
    published_ok(article)


def test_shifting_spans_past_one_another_keeps_the_unique_index_happy():
    words = " ".join(f"w{i}" for i in range(40))
    article = make_article(body=words)
    for i in range(0, 30):
        annotate(article, f"w{i} ", kind="highlight")
    new_body = "w0 " + words  # every span shifts by three onto its neighbour's old place
    result = article_correct(
        article=article, body=new_body, structure=None, reason="Dup", user=None
    )
    assert result.counts["review"] == 0
    published_ok(article)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["The", "minister", "said", "budget", "İstanbul", "😀", "“", "."]),
        min_size=3,
        max_size=30,
    ),
    st.integers(0, 200),
    st.integers(0, 10),
    st.sampled_from(["", "new words", "The minister", "budget"]),
)
def test_after_any_correction_every_visible_annotation_is_on_its_own_words(
    words, at, length, insert
):
    article = make_article(body=BODY)
    annotations = [
        annotate(article, "minister said", kind="claim"),
        annotate(article, "budget", occurrence=1, kind="highlight"),
        annotate(article, "Critics disagreed.", kind="claim"),
    ]
    at %= len(BODY)
    new_body = BODY[:at] + insert + " ".join(words) + BODY[at + length :]
    try:
        article_correct(article=article, body=new_body, structure=None, reason="Edit", user=None)
    except ValidationError:
        return
    published_ok(article)
    for annotation in annotations:
        annotation.refresh_from_db()
        if annotation.status == "published":
            assert annotation.exact == new_body[annotation.start : annotation.end]


def test_trap_crlf_in_a_re_imported_text_moves_no_annotation():
    # A re-imported file (or a browser's textarea) with CRLF line ends and one word fixed:
    # the line ends are not a change, so every span but the fixed one follows exactly.
    article = make_article(body=BODY)
    follows = annotate(article, "Critics disagreed.", kind="claim")
    later = annotate(article, "the budget was balanced", occurrence=1, kind="claim")
    first = annotate(article, "Headline words")
    crlf = BODY.replace("Critics disagreed.", "Critics disagreed loudly.").replace("\n", "\r\n")
    result = article_correct(article=article, body=crlf, structure=None, reason="Fix", user=None)
    assert result.counts["kept"] == 2 and result.counts["review"] == 1
    article.refresh_from_db()
    assert "\r" not in article.body
    later.refresh_from_db()
    assert (later.status, later.start) == ("published", article.body.rindex(later.exact))
    first.refresh_from_db()
    assert (first.status, first.start) == ("published", 0)
    follows.refresh_from_db()
    assert follows.status == Annotation.Status.NEEDS_REVIEW
    published_ok(article)
