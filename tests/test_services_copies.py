"""Copies of one story: linking them, and carrying annotations from one to another."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles.models import (
    Annotation,
    AnnotationCarry,
    AnnotationReview,
    AnnotationRevision,
    Article,
    ArticleVersion,
    StoryCopy,
    StoryFingerprint,
)
from articles.services.copies import NOT_COPIES, annotations_carry, story_copies_detect
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag
from tests.factories import make_user as make_user
from tests.test_copy_detection import STORY, body, paragraphs

pytestmark = pytest.mark.django_db

Status = Annotation.Status
PARTS = paragraphs(STORY)
# Another outlet's copy: a dateline added, a paragraph of its own, a sentence rewritten and
# the last two paragraphs trimmed.
COPY = "\n\n".join(
    [
        "LONDON (Reuters) - " + PARTS[0],
        *PARTS[1:4],
        "Our correspondent in Ipswich adds that the picket lines were quiet.",
        PARTS[4].replace("Shipping line Maersk said", "Maersk, the shipping line, said"),
        *PARTS[5:-2],
    ]
)


def annotate(article: Article, words: str, **fields) -> Annotation:
    at = article.body.index(words)
    return make_annotation(article, at, at + len(words), **fields)


def linked_pair() -> tuple[Article, Article]:
    source = make_article(title="Felixstowe dockers walk out", body=STORY, outlet=make_outlet("AP"))
    target = make_article(title="Dockers strike", body=COPY, outlet=make_outlet("Daily Bugle"))
    assert story_copies_detect(articles=[source, target]) == 2
    return source, target


def readers_see_their_words(article: Article) -> None:
    for annotation in Annotation.objects.published().filter(article=article):
        assert article.body[annotation.start : annotation.end] == annotation.exact


def test_copies_are_linked_both_ways_and_different_stories_are_not():
    source, target = linked_pair()
    # A follow-up that quotes two paragraphs of the story.
    other = make_article(body=body("002_") + "\n\n" + "\n\n".join(PARTS[7:9]))
    assert story_copies_detect(articles=[other]) == 0
    pairs = set(StoryCopy.objects.values_list("article_id", "copy_id"))
    assert pairs == {(source.pk, target.pk), (target.pk, source.pk)}
    assert 0.6 <= StoryCopy.objects.get(article=source).similarity <= 1.0


def test_detecting_again_links_nothing_new_and_touches_no_page(django_assert_num_queries):
    source, target = linked_pair()
    before = Article.objects.get(pk=source.pk).updated_at
    # The fingerprints (one upsert), the candidates through the bands' index, the links.
    with django_assert_num_queries(3):
        assert story_copies_detect(articles=[source, target]) == 0
    assert Article.objects.get(pk=source.pk).updated_at == before
    assert StoryFingerprint.objects.count() == 2


def test_a_new_link_changes_both_pages_versions():
    source = make_article(body=STORY)
    assert story_copies_detect(articles=[source]) == 0
    stamped = Article.objects.get(pk=source.pk).updated_at
    target = make_article(body=COPY)
    assert story_copies_detect(articles=[target]) == 2
    assert Article.objects.get(pk=source.pk).updated_at > stamped


def test_a_text_too_short_gets_no_fingerprint_and_no_query(django_assert_num_queries):
    article = make_article(body="Port strike talks collapse.")
    with django_assert_num_queries(0):
        assert story_copies_detect(articles=[article]) == 0


def test_carrying_publishes_what_follows_and_sends_the_rest_to_review():
    source, target = linked_pair()
    speaker, tag = make_speaker("Sharon Gallagher"), make_tag("strikes")
    editor = make_user(editor=True)
    quote = annotate(
        source, "Nobody takes the decision to strike lightly.", kind="quote", speaker=speaker
    )
    quote.tags.add(tag)
    claim = annotate(
        source,
        "The port handles about 36% of Britain’s container traffic.",
        kind="claim",
        verdict="true",
    )
    rewritten = annotate(source, "Shipping line Maersk said", note="which line?")
    trimmed = annotate(source, PARTS[-1][:40])
    carried = annotations_carry(source_id=source.pk, target_id=target.pk, user=editor)
    assert (carried.carried, carried.review, carried.skipped) == (2, 2, 0)
    assert carried.summary == "2 carried, 2 need review"

    on_target = {a.exact: a for a in Annotation.objects.filter(article=target)}
    published = on_target[quote.exact]
    assert published.status == Status.PUBLISHED
    assert published.speaker == speaker and list(published.tags.all()) == [tag]
    assert target.body[published.start : published.end] == quote.exact
    assert on_target[claim.exact].verdict == "true"
    for original in (rewritten, trimmed):
        waiting = on_target[original.exact]
        assert waiting.status == Status.NEEDS_REVIEW
        review = AnnotationReview.objects.get(annotation=waiting)
        assert review.version == ArticleVersion.objects.get(article=target, number=1)
        assert review.previous_status == Status.PUBLISHED
        assert review.reason.startswith("Carried from AP: ")
    assert on_target[rewritten.exact].note == "which line?"
    readers_see_their_words(target)
    # Readers see only the published ones; the source keeps its own.
    assert Annotation.objects.published().filter(article=target).count() == 2
    assert Annotation.objects.filter(article=source).count() == 4

    history = AnnotationRevision.objects.get(annotation_id=published.pk)
    assert history.action == AnnotationRevision.Action.CARRIED and history.user == editor
    after = history.after or {}
    assert after["carried_from"] == {
        "article": source.slug,
        "outlet": "AP",
        "annotation": quote.pk,
    }
    assert after["tags"] == ["strikes"]


def test_carrying_twice_duplicates_nothing():
    source, target = linked_pair()
    annotate(source, "Nobody takes the decision to strike lightly.", kind="quote")
    annotate(source, "Shipping line Maersk said")
    annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    again = annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    assert (again.carried, again.review) == (0, 0)
    assert Annotation.objects.filter(article=target).count() == 2
    assert AnnotationCarry.objects.filter(article=target).count() == 2


def test_the_same_annotation_already_on_the_target_is_skipped():
    source, target = linked_pair()
    words = "Nobody takes the decision to strike lightly."
    annotate(source, words, kind="quote")
    annotate(target, words, kind="quote")
    carried = annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    assert (carried.carried, carried.review, carried.skipped) == (0, 0, 1)
    assert carried.summary == "0 carried, 0 need review, 1 already there"


def test_a_name_in_two_places_of_the_target_goes_to_review():
    source = make_article(body=STORY, outlet=make_outlet("AP"))
    # The copy has the annotated sentence twice (a pull quote), the original place edited.
    sentence = "Nobody takes the decision to strike lightly."
    doubled = (
        COPY.replace(sentence, "Nobody takes that decision lightly.")
        + f"\n\n{sentence}\n\n{sentence}"
    )
    target = make_article(body=doubled)
    story_copies_detect(articles=[source, target])
    annotate(source, sentence, kind="quote")
    carried = annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    assert (carried.carried, carried.review) == (0, 1)
    readers_see_their_words(target)


def test_carrying_follows_the_targets_current_version():
    source, target = linked_pair()
    article_correct(
        article=target,
        body=target.body.replace("eight-day strike", "eight-day walkout"),
        structure=None,
        reason="House style",
        user=None,
    )
    target.refresh_from_db()
    annotate(source, "eight-day strike")
    annotate(source, "Nobody takes the decision to strike lightly.", kind="quote")
    carried = annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    assert (carried.carried, carried.review) == (1, 1)
    review = AnnotationReview.objects.get(annotation__article=target)
    assert review.version.number == 2
    readers_see_their_words(target)


def test_articles_that_are_not_copies_are_refused():
    source = make_article(body=STORY)
    other = make_article()
    annotate(source, "Nobody takes the decision to strike lightly.", kind="quote")
    with pytest.raises(ValidationError) as error:
        annotations_carry(source_id=source.pk, target_id=other.pk, user=None)
    assert error.value.messages == [NOT_COPIES]
    with pytest.raises(ValidationError):
        annotations_carry(source_id=source.pk, target_id=source.pk, user=None)
    assert not Annotation.objects.filter(article=other).exists()


@pytest.mark.parametrize("count", [2, 20])
def test_carrying_costs_the_same_queries_whatever_the_number(count, django_assert_num_queries):
    source, target = linked_pair()
    words = [m for m in STORY.split() if len(m) > 6][: count * 2 : 2]
    seen = set()
    for word in words:
        if word in seen:
            continue
        seen.add(word)
        annotate(source, word, tags=[make_tag()])
    annotate(source, PARTS[-1][:40])  # trimmed from the copy: one review
    # Savepoint pair, the target locked, the link with the source, carried before, the
    # source's annotations and their tags, the target's published spans, its version; then
    # annotations, tags, reviews, provenance and history inserted.
    with django_assert_num_queries(14):
        annotations_carry(source_id=source.pk, target_id=target.pk, user=None)
    readers_see_their_words(target)


def test_a_correction_fingerprints_the_new_text_and_links_the_copies_it_now_has():
    source, target = linked_pair()
    before = StoryFingerprint.objects.get(article=source)
    # The source is rewritten into a copy of a third story: its fingerprint must follow.
    third = make_article(
        title="Harbour pilots",
        body="\n\n".join(
            f"Paragraph {n}: the harbour pilots of Rotterdam voted on Tuesday to extend their "
            f"action over pay and rosters, union number {n} said in a statement to members."
            for n in range(8)
        ),
        outlet=make_outlet("AFP"),
    )
    assert story_copies_detect(articles=[third]) == 0
    article_correct(
        article=source,
        body=third.body + "\n\nA line of our own.",
        structure=None,
        reason="wrong story pasted",
        user=None,
    )
    source.refresh_from_db()
    after = StoryFingerprint.objects.get(article=source)
    assert after.content_hash == source.content_hash != before.content_hash
    assert after.signature != before.signature
    assert StoryCopy.objects.filter(article=source, copy=third).exists()
    assert StoryCopy.objects.filter(article=third, copy=source).exists()


def test_an_approved_verdict_is_carried_with_its_claimant_sources_and_review():
    source, target = linked_pair()
    reviewer = make_user("rev", reviewer=True)
    words = "The port handles about 36% of Britain’s container traffic."
    claim = annotate(
        source,
        words,
        kind="claim",
        verdict="true",
        note="Port figures.",
        claimant=make_speaker("Port of Felixstowe"),
        sources=["https://example.org/port"],
        reviewer=reviewer,
        reviewed_at=source.created_at,
    )
    annotations_carry(source_id=source.pk, target_id=target.pk, user=make_user(editor=True))
    carried = Annotation.objects.get(article=target, exact=claim.exact)
    assert carried.status == Status.PUBLISHED
    assert (carried.claimant, carried.sources, carried.reviewer) == (
        claim.claimant,
        ["https://example.org/port"],
        reviewer,
    )


def test_a_draft_on_the_target_s_span_is_skipped_not_an_error():
    source, target = linked_pair()
    words = "The port handles about 36% of Britain’s container traffic."
    annotate(source, words, kind="claim", verdict="true", note="Port figures.")
    annotate(target, words, kind="claim", verdict="false", note="Ours.", status="draft")
    carried = annotations_carry(
        source_id=source.pk, target_id=target.pk, user=make_user(editor=True)
    )
    assert carried.skipped == 1
    assert Annotation.objects.filter(article=target, kind="claim").count() == 1
