"""Settling the annotations a correction sent to review, and undoing that.

An annotation in review (`Annotation.Status.NEEDS_REVIEW`, with its `AnnotationReview`) keeps
the span, text and context of the version it was made on. An editor decides, each choice one
keyword-only service in its own transaction, recorded in the history with the review itself
in the `before` snapshot, so `annotation_review_undo` (and, after a delete, the history's
restore) puts it back in review exactly as it was:

- `annotation_review_accept`: onto the span re-anchoring proposed;
- `annotation_review_respan`: onto words the editor selects in the current text;
- `annotation_review_keep`: a note on the version it was made on, never on the current text;
- `annotation_review_delete`: gone (restorable).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Annotation, AnnotationReview, AnnotationRevision, ArticleVersion
from articles.revisions import annotation_snapshot, revision_record
from articles.services.annotations import (
    annotation_check,
    annotation_restore,
    review_restore,
    save_unless_duplicate,
)

Status = Annotation.Status
Action = AnnotationRevision.Action

SETTLED = "This annotation does not need a review any more."
NO_PROPOSAL = (
    "There is no proposal to accept: select a new span, keep it on its version or delete it."
)
WORDS_MISSING = "These words are not in the current text: select them in the text."
WORDS_AMBIGUOUS = "These words stand {count} times in the current text: select the ones you mean."
WORDS_REQUIRED = "Select the words in the current text (or type them)."
VERSION_LOST = "Version {number} does not hold these words: it cannot keep the note."
NOTHING_TO_UNDO = "There is no review of this annotation to undo."
TEXT_CHANGED_SINCE = "The text was corrected since this review: it can no longer be undone."

# What the history records of each choice, and what `annotation_review_undo` reverses.
REVIEW_ACTIONS = frozenset({Action.REVIEWED, Action.RESPANNED, Action.KEPT_ON_VERSION})


def review_snapshot(review: AnnotationReview) -> dict:
    """The review as the history keeps it, enough to recreate it (`review_restore`)."""
    return {
        "version_id": review.version_id,
        "previous_status": review.previous_status,
        "proposed_start": review.proposed_start,
        "proposed_end": review.proposed_end,
        "made_on": review.made_on_number,
        "reason": review.reason,
    }


def _in_review(annotation_id: int) -> tuple[Annotation, AnnotationReview, list[str]]:
    """The annotation locked, with its review and its tag names; ValidationError if it was
    settled (or deleted) meanwhile."""
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("article", "speaker")
        .defer("article__search_vector")
        .filter(pk=annotation_id, status=Status.NEEDS_REVIEW)
        .first()
    )
    review = (
        AnnotationReview.objects.select_related("version")
        .defer("version__body", "version__structure")
        .filter(annotation_id=annotation_id)
        .first()
    )
    if annotation is None or review is None:
        raise ValidationError(SETTLED)
    names = sorted(annotation.tags.values_list("name", flat=True))
    return annotation, review, names


def _snapshot(annotation: Annotation, names: list[str], **extra) -> dict:
    values = annotation_snapshot(annotation, [])
    values["tags"] = names
    values.update(extra)
    return values


def _settle(
    annotation: Annotation,
    review: AnnotationReview,
    names: list[str],
    *,
    user,
    action: str,
    start: int,
    end: int,
    exact: str | None = None,
) -> Annotation:
    """Put the annotation on start–end of the current text with the status it had before
    the review, its context recomputed; one revision."""
    before = _snapshot(annotation, names, review=review_snapshot(review))
    body = annotation.article.body
    annotation.start, annotation.end = start, end
    annotation.status = review.previous_status
    # What the editor selected, checked against the text (`Annotation.clean`); then stored
    # as the text has it.
    annotation.exact = body[start:end] if exact is None else exact
    annotation_check(annotation)
    for field, value in Annotation.anchor(body, start, end).items():
        setattr(annotation, field, value)
    save_unless_duplicate(annotation)
    review.delete()
    after = _snapshot(annotation, names, version=annotation.article.version_number)
    revision_record(annotation, action, user, before, after)
    return annotation


def annotation_review_accept(*, annotation_id: int, user) -> Annotation:
    """Put an annotation that needs review on the span re-anchoring proposed, with the
    status it had before (published, or a suggestion again); recorded in the history.

    ValidationError when there is no proposal, the review was settled meanwhile, or the
    span is already published with that kind.
    """
    with transaction.atomic():
        annotation, review, names = _in_review(annotation_id)
        if review.proposed_start is None or review.proposed_end is None:
            raise ValidationError(NO_PROPOSAL)
        return _settle(
            annotation,
            review,
            names,
            user=user,
            action=Action.REVIEWED,
            start=review.proposed_start,
            end=review.proposed_end,
        )


def words_in(body: str, exact: str) -> tuple[int, int]:
    """The one place `exact` stands in `body` (whitespace compared loosely, as a selection
    across paragraphs sends it); ValidationError when it is nowhere or in several places."""
    words = exact.split()
    if not words:
        raise ValidationError({"exact": WORDS_REQUIRED})
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    found = list(pattern.finditer(body))
    if not found:
        raise ValidationError({"exact": WORDS_MISSING})
    if len(found) > 1:
        raise ValidationError({"exact": WORDS_AMBIGUOUS.format(count=len(found))})
    return found[0].start(), found[0].end()


def annotation_review_respan(
    *, annotation_id: int, user, exact: str, start: int | None = None, end: int | None = None
) -> Annotation:
    """Put an annotation that needs review on words the editor selected in the current text
    (start, end and their text, as the create form sends them), or, without offsets (no
    JavaScript), on the one place the typed words stand; its text and context recomputed.

    ValidationError when the selection does not match the text, the words are nowhere or
    in several places, or the span is already published with that kind.
    """
    with transaction.atomic():
        annotation, review, names = _in_review(annotation_id)
        if start is None or end is None:
            start, end = words_in(annotation.article.body, exact)
            exact = annotation.article.body[start:end]
        return _settle(
            annotation,
            review,
            names,
            user=user,
            action=Action.RESPANNED,
            start=start,
            end=end,
            exact=exact,
        )


def annotation_review_keep(*, annotation_id: int, user) -> Annotation:
    """Keep an annotation that needs review as a note on the version it was made on: its
    span stays into that version's text (checked), it is never marked on the current text
    and never follows a correction again; recorded in the history."""
    with transaction.atomic():
        annotation, review, names = _in_review(annotation_id)
        number = review.made_on_number
        body = (
            ArticleVersion.objects.filter(article_id=annotation.article_id, number=number)
            .values_list("body", flat=True)
            .first()
        )
        if body is None or body[annotation.start : annotation.end] != annotation.exact:
            raise ValidationError(VERSION_LOST.format(number=number))
        before = _snapshot(annotation, names, review=review_snapshot(review))
        annotation.status = Status.ON_VERSION
        annotation.on_version = number
        annotation.save(update_fields=["status", "on_version", "updated_at"])
        review.delete()
        after = _snapshot(annotation, names, version=annotation.article.version_number)
        after["on_version"] = number
        revision_record(annotation, Action.KEPT_ON_VERSION, user, before, after)
        return annotation


def annotation_review_delete(*, annotation_id: int, user) -> Annotation:
    """Delete an annotation that needs review; the history keeps it with its review, so the
    Undo (or the history's restore) brings it back in review."""
    with transaction.atomic():
        annotation, review, names = _in_review(annotation_id)
        before = _snapshot(annotation, names, review=review_snapshot(review))
        revision_record(annotation, Action.DELETED, user, before, None)
        # The database deletes the review with it (ON DELETE CASCADE).
        annotation.delete()
        annotation.pk = annotation_id
        return annotation


def annotation_review_undo(*, annotation_id: int, user) -> Annotation:
    """Undo the last review choice on an annotation: back in review, on the span, text and
    context it had, with its review as it was; recorded in the history.

    A delete is undone by restoring (`annotation_restore`, which recreates the review). Refused
    when the annotation changed since, or the text was corrected since (the review's spans
    belong to the text it was made for).
    """
    with transaction.atomic():
        last = (
            AnnotationRevision.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(annotation_id=annotation_id)
            .order_by("-created_at", "-id")
            .first()
        )
        if last is None or not (last.before or {}).get("review"):
            raise ValidationError(NOTHING_TO_UNDO)
        if last.action == Action.DELETED:
            return annotation_restore(annotation_id=annotation_id, user=user)
        if last.action not in REVIEW_ACTIONS:
            raise ValidationError(NOTHING_TO_UNDO)
        after = last.after or {}
        if after.get("version") != last.article.version_number:
            raise ValidationError(TEXT_CHANGED_SINCE)
        annotation = (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("article", "speaker")
            .defer("article__search_vector")
            .filter(pk=annotation_id)
            .first()
        )
        if annotation is None:
            raise ValidationError(NOTHING_TO_UNDO)
        values = last.before
        assert values is not None
        names = sorted(annotation.tags.values_list("name", flat=True))
        now = _snapshot(annotation, names)
        for field in ("start", "end", "exact", "prefix", "suffix"):
            setattr(annotation, field, values[field])
        annotation.status = Status.NEEDS_REVIEW
        annotation.on_version = None
        annotation.save(
            update_fields=[
                "start",
                "end",
                "exact",
                "prefix",
                "suffix",
                "status",
                "on_version",
                "updated_at",
            ]
        )
        review_restore(annotation, values["review"])
        revision_record(annotation, Action.REVIEW_UNDONE, user, now, _snapshot(annotation, names))
        return annotation
