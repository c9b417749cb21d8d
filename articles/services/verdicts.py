"""A claim's verdict under review: submitted by its author, approved or sent back by a second
editor, as fact-checkers publish a rating (the IFCN's code of principles).

A claim given a verdict is a draft (`annotation_create` and `annotation_update` put it
there): readers, feeds, exports and ClaimReview see it only once a reviewer who neither
wrote it nor submitted it approved it. Each step locks the claim, checks its state, and
records its revision in the same transaction, so the history never disagrees with the data.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Annotation, AnnotationRevision
from articles.permissions import is_reviewer
from articles.revisions import annotation_snapshot, revision_record
from articles.services.annotations import AnnotationGone, save_unless_duplicate

Status = Annotation.Status
Action = AnnotationRevision.Action

NOT_SUBMITTABLE = "This verdict is {state}: only a draft or a verdict sent back can be submitted."
NOT_SUBMITTED = "This verdict is {state}: only a submitted verdict can be approved or sent back."
NOT_THE_AUTHOR = "Only the editor who wrote this verdict submits it (or staff)."
# How a verdict's state reads in the messages above.
STATES: dict[str, str] = {
    Status.DRAFT: "in draft",
    Status.SUBMITTED: "awaiting review",
    Status.RETURNED: "sent back",
    Status.PUBLISHED: "published",
}
NOT_A_REVIEWER = "Only reviewers may approve or send back a verdict."
OWN_VERDICT = (
    "You wrote or submitted this verdict: a second editor must review it (another reviewer)."
)
COMMENT_NEEDED = "Say what the author should change: the comment goes back with the verdict."
COMMENT_MAX_LENGTH = 5000


def _claim_locked(annotation_id: int) -> Annotation:
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("speaker", "claimant", "article")
        .defer("article__search_vector")
        .filter(pk=annotation_id, kind=Annotation.Kind.CLAIM)
        .first()
    )
    if annotation is None:
        raise AnnotationGone(annotation_id)
    return annotation


def _submitted_locked(annotation_id: int, user) -> Annotation:
    """The claim, locked, once it is submitted and `user` may review it; else the refusal."""
    claim = _claim_locked(annotation_id)
    if not is_reviewer(user):
        raise PermissionDenied(NOT_A_REVIEWER)  # before the state: it is not theirs to know
    if claim.status != Status.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED.format(state=_state(claim)))
    refusal = reviewer_refusal(claim, user)
    if refusal:
        raise PermissionDenied(refusal)
    return claim


def _state(annotation: Annotation) -> str:
    return STATES.get(annotation.status, annotation.get_status_display().lower())


def reviewer_refusal(annotation: Annotation, user) -> str | None:
    """Why `user` may not approve or send back `annotation`'s verdict, or None: they must be
    a reviewer (or staff), and neither its author nor the editor who submitted it."""
    if not is_reviewer(user):
        return NOT_A_REVIEWER
    if user.pk in (annotation.author_id, annotation.submitted_by_id):
        return OWN_VERDICT
    return None


def may_submit(annotation: Annotation, user) -> bool:
    """The verdict's author submits it; staff too (an author who left, a verdict whose
    author was removed)."""
    return user.pk == annotation.author_id or user.is_staff or annotation.author_id is None


def verdict_submit(*, annotation_id: int, user) -> Annotation:
    """Submit a draft verdict (or one sent back, after changing it) for review: its author
    does (`may_submit`)."""
    with transaction.atomic():
        claim = _claim_locked(annotation_id)
        if not may_submit(claim, user):
            raise PermissionDenied(NOT_THE_AUTHOR)
        if claim.status not in (Status.DRAFT, Status.RETURNED):
            raise ValidationError(NOT_SUBMITTABLE.format(state=_state(claim)))
        tags = list(claim.tags.all())
        before = annotation_snapshot(claim, tags)
        claim.status = Status.SUBMITTED
        claim.submitted_by = user
        claim.save(update_fields=["status", "submitted_by", "updated_at"])
        revision_record(claim, Action.SUBMITTED, user, before, annotation_snapshot(claim, tags))
    return claim


def verdict_approve(*, annotation_id: int, user) -> Annotation:
    """Publish a submitted verdict: readers, feeds and ClaimReview see it from now on.

    Refused (PermissionDenied) to anyone but a reviewer other than its author and submitter.
    """
    with transaction.atomic():
        claim = _submitted_locked(annotation_id, user)
        tags = list(claim.tags.all())
        before = annotation_snapshot(claim, tags)
        claim.status = Status.PUBLISHED
        claim.reviewer = user
        claim.reviewed_at = timezone.now()
        claim.review_comment = ""
        # Published on a span another claim was published on meanwhile: refused, as ever.
        save_unless_duplicate(
            claim,
            update_fields=["status", "reviewer", "reviewed_at", "review_comment", "updated_at"],
        )
        revision_record(claim, Action.APPROVED, user, before, annotation_snapshot(claim, tags))
    return claim


def verdict_send_back(*, annotation_id: int, user, comment: str) -> Annotation:
    """Return a submitted verdict to its author with `comment` (required): it stays unpublished
    until they change it and submit it again."""
    comment = comment.strip()
    with transaction.atomic():
        claim = _submitted_locked(annotation_id, user)
        if not comment:
            raise ValidationError({"comment": COMMENT_NEEDED})
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ValidationError(
                {"comment": f"At most {COMMENT_MAX_LENGTH} characters (this is {len(comment)})."}
            )
        tags = list(claim.tags.all())
        before = annotation_snapshot(claim, tags)
        claim.status = Status.RETURNED
        claim.reviewer = user
        claim.reviewed_at = timezone.now()
        claim.review_comment = comment
        claim.save(
            update_fields=["status", "reviewer", "reviewed_at", "review_comment", "updated_at"]
        )
        revision_record(claim, Action.SENT_BACK, user, before, annotation_snapshot(claim, tags))
    return claim
