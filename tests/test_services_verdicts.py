"""A claim's verdict under review (articles/services/verdicts.py, and the rules the annotation
service applies to verdicts): draft, submitted, approved or sent back, each step recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles.models import VERDICT_NEEDS_RATIONALE, Annotation, AnnotationRevision
from articles.services import verdicts
from articles.services.annotations import (
    SOURCE_NOT_A_URL,
    AnnotationFields,
    annotation_create,
    annotation_delete,
    annotation_restore,
    annotation_update,
    parse_source_urls,
)
from articles.services.speakers import speaker_merge
from tests.factories import make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

Status = Annotation.Status
Action = AnnotationRevision.Action
BODY = "The minister said unemployment had halved. Critics disagreed."
WORDS = "unemployment had halved"


def judged(**fields) -> AnnotationFields:
    values = {"kind": "claim", "verdict": "false", "note": "ONS figures show a 10% fall."}
    return AnnotationFields(**{**values, **fields})


def claim_by(author, **fields) -> Annotation:
    article = make_article(body=BODY)
    at = BODY.index(WORDS)
    return annotation_create(
        article=article,
        start=at,
        end=at + len(WORDS),
        exact=WORDS,
        fields=judged(**fields),
        user=author,
    )


@pytest.fixture
def author():
    return make_user("author", editor=True, first_name="Ada", last_name="Author")


@pytest.fixture
def reviewer():
    return make_user("reviewer", reviewer=True, first_name="Rex", last_name="Reviewer")


def actions(claim: Annotation) -> list[str]:
    revisions = AnnotationRevision.objects.filter(annotation_id=claim.pk)
    return list(revisions.order_by("created_at", "id").values_list("action", flat=True))


def test_a_new_verdict_is_a_draft_and_a_claim_without_one_is_published(author):
    assert claim_by(author).status == Status.DRAFT
    assert claim_by(author, verdict="", note="").status == Status.PUBLISHED


def test_a_verdict_needs_its_rationale(author):
    with pytest.raises(ValidationError) as error:
        claim_by(author, note="  ")
    assert error.value.message_dict == {"note": [VERDICT_NEEDS_RATIONALE]}
    assert not Annotation.objects.exists()


def test_sources_are_http_urls_kept_in_order_without_repeats():
    text = "https://ons.gov.uk/a\n\n  http://example.org/b \nhttps://ons.gov.uk/a"
    assert parse_source_urls(text) == ["https://ons.gov.uk/a", "http://example.org/b"]
    for bad in ("ons.gov.uk", "javascript:alert(1)", "ftp://x.example/", "two https://a.example/"):
        with pytest.raises(ValidationError) as error:
            parse_source_urls(bad)
        assert error.value.messages == [SOURCE_NOT_A_URL.format(url=bad)]


def test_submit_then_approve_publishes_with_the_reviewer_and_the_date(author, reviewer):
    claim = claim_by(author, sources=["https://ons.gov.uk/"])
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    approved = verdicts.verdict_approve(annotation_id=claim.pk, user=reviewer)
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED == approved.status
    assert (claim.reviewer, claim.submitted_by) == (reviewer, author)
    assert claim.reviewed_at is not None and claim.sources == ["https://ons.gov.uk/"]
    assert actions(claim) == [Action.CREATED, Action.SUBMITTED, Action.APPROVED]
    assert Annotation.objects.published().filter(pk=claim.pk).exists()


def test_only_the_author_or_staff_submit(author, reviewer):
    claim = claim_by(author)
    with pytest.raises(PermissionDenied) as error:
        verdicts.verdict_submit(annotation_id=claim.pk, user=reviewer)
    assert str(error.value) == verdicts.NOT_THE_AUTHOR
    staff = make_user("desk-chief", is_staff=True)
    verdicts.verdict_submit(annotation_id=claim.pk, user=staff)
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED and claim.submitted_by == staff


def test_a_non_reviewer_is_refused_before_the_state_is_looked_at(author):
    claim = claim_by(author)  # a draft: not submitted either
    with pytest.raises(PermissionDenied) as error:
        verdicts.verdict_approve(annotation_id=claim.pk, user=make_user(editor=True))
    assert str(error.value) == verdicts.NOT_A_REVIEWER


def test_the_author_or_the_submitter_may_not_approve(author, reviewer):
    claim = claim_by(author)
    staff = make_user("desk-chief", is_staff=True)
    verdicts.verdict_submit(annotation_id=claim.pk, user=staff)  # staff submit it
    for who in (author, staff):
        with pytest.raises(PermissionDenied) as error:
            verdicts.verdict_approve(annotation_id=claim.pk, user=who)
        expected = verdicts.NOT_A_REVIEWER if who is author else verdicts.OWN_VERDICT
        assert str(error.value) == expected
    staff_author = make_user("staff", is_staff=True)
    own = claim_by(staff_author, verdict="true")
    verdicts.verdict_submit(annotation_id=own.pk, user=staff_author)
    with pytest.raises(PermissionDenied, match="second editor"):
        verdicts.verdict_approve(annotation_id=own.pk, user=staff_author)
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED and claim.reviewer is None


def test_an_editor_who_is_not_a_reviewer_may_not_review(author):
    claim = claim_by(author)
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    editor = make_user(editor=True)
    with pytest.raises(PermissionDenied):
        verdicts.verdict_approve(annotation_id=claim.pk, user=editor)
    with pytest.raises(PermissionDenied):
        verdicts.verdict_send_back(annotation_id=claim.pk, user=editor, comment="No")


def test_sent_back_with_a_comment_then_changed_and_submitted_again(author, reviewer):
    claim = claim_by(author)
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    with pytest.raises(ValidationError) as error:
        verdicts.verdict_send_back(annotation_id=claim.pk, user=reviewer, comment=" ")
    assert error.value.message_dict == {"comment": [verdicts.COMMENT_NEEDED]}
    verdicts.verdict_send_back(annotation_id=claim.pk, user=reviewer, comment="Cite the ONS.")
    claim.refresh_from_db()
    assert (claim.status, claim.review_comment, claim.reviewer) == (
        Status.RETURNED,
        "Cite the ONS.",
        reviewer,
    )
    # The author changes it: still sent back (the comment stays in view) until submitted.
    fields = judged(sources=["https://ons.gov.uk/"])
    edited = annotation_update(annotation_id=claim.pk, user=author, fields=fields)
    assert edited.status == Status.RETURNED
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    verdicts.verdict_approve(annotation_id=claim.pk, user=reviewer)
    claim.refresh_from_db()
    assert claim.status == Status.PUBLISHED and claim.review_comment == ""
    assert actions(claim)[1:] == [
        Action.SUBMITTED,
        Action.SENT_BACK,
        Action.UPDATED,
        Action.SUBMITTED,
        Action.APPROVED,
    ]
    sent_back = AnnotationRevision.objects.get(annotation_id=claim.pk, action=Action.SENT_BACK)
    assert (sent_back.after or {})["review_comment"] == "Cite the ONS."


@pytest.mark.parametrize(
    "step",
    [
        lambda pk, user: verdicts.verdict_approve(annotation_id=pk, user=user),
        lambda pk, user: verdicts.verdict_send_back(annotation_id=pk, user=user, comment="x"),
    ],
)
def test_only_a_submitted_verdict_is_reviewed(author, reviewer, step):
    claim = claim_by(author)
    with pytest.raises(ValidationError, match="only a submitted verdict"):
        step(claim.pk, reviewer)
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    with pytest.raises(ValidationError, match="is awaiting review: only a draft or a verdict"):
        verdicts.verdict_submit(annotation_id=claim.pk, user=author)


def test_changing_an_approved_verdict_withdraws_it_until_approved_again(author, reviewer):
    claim = claim_by(author)
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    verdicts.verdict_approve(annotation_id=claim.pk, user=reviewer)
    # Tags and the claimant are not what a reviewer approved: the verdict stays public.
    speaker = make_speaker("Jo Minister")
    fields = judged(tag_names=["economy"], claimant_name="Jo Minister")
    kept = annotation_update(annotation_id=claim.pk, user=author, fields=fields)
    assert kept.status == Status.PUBLISHED and kept.claimant == speaker
    assert kept.reviewer == reviewer
    fields = judged(verdict="mostly-false", claimant_name="Jo Minister")
    changed = annotation_update(annotation_id=claim.pk, user=author, fields=fields)
    assert changed.status == Status.DRAFT
    assert (changed.reviewer, changed.reviewed_at, changed.submitted_by) == (None, None, None)
    # Clearing the verdict leaves a claim with nothing to review: published at once.
    cleared = annotation_update(
        annotation_id=claim.pk, user=author, fields=judged(verdict="", note="")
    )
    assert cleared.status == Status.PUBLISHED


def test_an_unknown_claimant_is_refused_unless_new(author):
    with pytest.raises(ValidationError) as error:
        claim_by(author, claimant_name="Nobody Known")
    assert "Unknown speaker “Nobody Known”" in error.value.message_dict["claimant"][0]
    claim = claim_by(author, claimant_name="Nobody Known", new_claimant=True)
    assert claim.claimant is not None and claim.claimant.name == "Nobody Known"


def test_a_quote_has_no_claimant(author):
    with pytest.raises(ValidationError) as error:
        claim_by(author, kind="highlight", verdict="", claimant_name="Jo")
    assert "claimant" in error.value.message_dict


def test_a_two_claims_on_one_span_are_refused_even_in_draft(author):
    claim = claim_by(author)
    with pytest.raises(ValidationError, match="already annotated as a claim"):
        annotation_create(
            article=claim.article,
            start=claim.start,
            end=claim.end,
            exact=claim.exact,
            fields=judged(verdict="true"),
            user=author,
        )


def test_delete_and_restore_keep_the_verdict_its_claimant_sources_and_review(author, reviewer):
    make_speaker("Jo Minister")
    claim = claim_by(author, claimant_name="Jo Minister", sources=["https://ons.gov.uk/"])
    verdicts.verdict_submit(annotation_id=claim.pk, user=author)
    verdicts.verdict_approve(annotation_id=claim.pk, user=reviewer)
    annotation_delete(annotation_id=claim.pk, user=author)
    restored = annotation_restore(annotation_id=claim.pk, user=author)
    assert restored.status == Status.PUBLISHED
    assert restored.claimant is not None and restored.claimant.name == "Jo Minister"
    assert restored.sources == ["https://ons.gov.uk/"]
    assert (restored.reviewer, restored.submitted_by) == (reviewer, author)
    assert restored.reviewed_at is not None


def test_merging_a_claimant_moves_their_claims(author):
    keep, duplicate = make_speaker("Jo Minister"), make_speaker("J. Minister")
    claim = claim_by(author, claimant_name="J. Minister")
    speaker_merge(keep_id=keep.pk, duplicate_ids=[duplicate.pk], user=author)
    claim.refresh_from_db()
    assert claim.claimant == keep
    last = AnnotationRevision.objects.filter(annotation_id=claim.pk).first()
    assert last is not None and last.before is not None and last.after is not None
    assert (last.before["claimant"], last.after["claimant"]) == ("J. Minister", "Jo Minister")


def test_steps_on_a_deleted_claim_say_it_is_gone(author, reviewer):
    claim = claim_by(author)
    annotation_delete(annotation_id=claim.pk, user=author)
    with pytest.raises(verdicts.AnnotationGone):
        verdicts.verdict_submit(annotation_id=claim.pk, user=author)
