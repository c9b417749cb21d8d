"""New versions of an article's text, and the annotations that follow them.

`article_correct` is the one way a text changes after import: the site's *Correct the text*
form, the admin's and a re-imported file with new content all call it. In one transaction it
stores the new `ArticleVersion`, puts the text on the article and re-anchors every
annotation and suggestion (`articles.reanchoring`): untouched spans follow the diff, the
words found again without doubt move (in the history), everything else goes to review
(`Annotation.Status.NEEDS_REVIEW`, with an `AnnotationReview`), where readers never see it.

The story fingerprint (`articles.services.copies`) is made again from the new text in the
same transaction, and copies it now has are linked.

`correction_preview` answers the same question without writing: what would happen to the
annotations, for the form's summary before saving.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F

from articles.content_hashing import content_hash
from articles.models import (
    SPAN_HOLDING_STATUSES,
    Annotation,
    AnnotationReview,
    AnnotationRevision,
    Article,
    ArticleVersion,
    SourceFile,
)
from articles.reanchoring import KEPT, MOVED, REVIEW, Anchor, Decision, TextMap, reanchor
from articles.revisions import annotation_snapshot, revision_new
from articles.services.copies import story_copies_detect
from articles.services.suggestions import suggestions_propose_changed

REASON_REQUIRED = "Say why the text changes: the reason is kept with the version."
BODY_REQUIRED = "The text cannot be empty."
TEXT_UNCHANGED = "The text is unchanged: there is nothing to correct."
TEXT_TAKEN = "Another article already has exactly this text."
STRUCTURE_INVALID = "The text's blocks do not fit the text (block {index})."

# Phase one of moving spans: every span that changes first jumps past any real text, so
# no intermediate state of the update breaks the unique index on published spans.
_PARKING_OFFSET = 1_000_000_000

Status = Annotation.Status


@dataclass(frozen=True)
class CorrectionPreview:
    """What a correction would do: the diff, and each annotation's fate."""

    text_map: TextMap
    decisions: list[Decision]
    annotations: list[Annotation]
    already_in_review: int

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(d.outcome for d in self.decisions)
        return {
            KEPT: counted[KEPT],
            MOVED: counted[MOVED],
            REVIEW: counted[REVIEW],
            "already_in_review": self.already_in_review,
        }


@dataclass(frozen=True)
class Corrected:
    version: ArticleVersion
    counts: dict[str, int]


def normalise_body(body: str) -> str:
    """The text as the importer stores it: newlines only (a browser's textarea sends CRLF),
    no trailing whitespace at the end."""
    return body.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _anchors(annotations: Sequence[Annotation]) -> list[Anchor]:
    return [Anchor(a.pk, a.start, a.end, a.exact, a.prefix, a.suffix) for a in annotations]


def _followed(article: Article) -> tuple[list[Annotation], int]:
    """The article's annotations that re-anchoring moves, and how many already wait for a
    review (they keep the span of the version they were made on)."""
    annotations = list(
        Annotation.objects.filter(article=article)
        # Notes kept on an earlier version stay on it: they never follow the text.
        .exclude(status=Status.ON_VERSION)
        .select_related("speaker", "claimant")
        .order_by("start", "-end", "id")
    )
    followed = [a for a in annotations if a.status != Status.NEEDS_REVIEW]
    return followed, len(annotations) - len(followed)


def correction_preview(*, article: Article, body: str) -> CorrectionPreview:
    """What correcting `article` to `body` would do, without writing anything (two queries
    at most: the annotations)."""
    body = normalise_body(body)
    annotations, in_review = _followed(article)
    text_map, decisions = reanchor(article.body, body, _anchors(annotations))
    decisions = _without_collisions(annotations, decisions)
    return CorrectionPreview(text_map, decisions, annotations, in_review)


def _without_collisions(
    annotations: Sequence[Annotation], decisions: Sequence[Decision]
) -> list[Decision]:
    """Decisions where two published annotations of one kind would land on one span: the
    moved one goes to review instead (the unique index allows only one)."""
    taken: set[tuple[int, int, str]] = set()
    for annotation, decision in zip(annotations, decisions, strict=True):
        if annotation.status in SPAN_HOLDING_STATUSES and decision.outcome == KEPT:
            taken.add((decision.start or 0, decision.end or 0, annotation.kind))
    result = []
    for annotation, decision in zip(annotations, decisions, strict=True):
        key = (decision.start or 0, decision.end or 0, annotation.kind)
        if annotation.status in SPAN_HOLDING_STATUSES and decision.outcome == MOVED:
            if key in taken:
                decision = Decision(
                    decision.key,
                    REVIEW,
                    decision.start,
                    decision.end,
                    "another annotation of this kind holds the same words",
                    decision.candidates,
                )
            else:
                taken.add(key)
        result.append(decision)
    return result


def structure_follow(text_map: TextMap, structure: Sequence[dict]) -> list[dict]:
    """Blocks for the new text: its paragraphs (runs between blank lines), a heading where
    an old heading's text is still there, unchanged, at the same place."""
    new = text_map.new
    headings = set()
    for block in structure:
        if block.get("kind") == "heading":
            mapped = text_map.untouched(block["start"], block["end"])
            if mapped is not None:
                headings.add(mapped)
    blocks, position = [], 0
    for part in new.split("\n\n"):
        stripped = part.strip("\n")
        if stripped:
            start = position + part.index(stripped)
            end = start + len(stripped)
            kind = "heading" if (start, end) in headings else "paragraph"
            blocks.append({"kind": kind, "start": start, "end": end})
        position += len(part) + 2
    return blocks


def _check_structure(body: str, structure: Sequence[dict]) -> None:
    previous_end = 0
    for index, block in enumerate(structure):
        start, end = block.get("start"), block.get("end")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or not previous_end <= start < end <= len(body)
            or block.get("kind") not in ("heading", "paragraph")
        ):
            raise ValidationError({"structure": STRUCTURE_INVALID.format(index=index)})
        previous_end = end


def article_correct(
    *,
    article: Article,
    body: str,
    structure: Sequence[dict] | None,
    reason: str,
    note: str = "",
    user,
    source_file: SourceFile | None = None,
    title: str | None = None,
    kind: str = ArticleVersion.Kind.CORRECTION,
) -> Corrected:
    """Make `body` (and `title`, when given) the article's new version and re-anchor every
    annotation and suggestion, in one transaction; ValidationError (nothing written) when
    the reason is missing, the text is empty, unchanged or another article's.

    `structure` None: the blocks follow from the text (`structure_follow`). Rejected
    suggestions follow when they can and otherwise stay as they were: they are remembered
    by their words, so the quote finder never proposes them again.
    """
    body = normalise_body(body)
    reason, note = " ".join(reason.split()), note.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = REASON_REQUIRED
    if not body:
        errors["body"] = BODY_REQUIRED
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Article.objects.select_for_update().defer("search_vector").get(pk=article.pk)
        title = locked.title if title is None else title
        if body == locked.body and title == locked.title:
            raise ValidationError({"body": TEXT_UNCHANGED})
        digest = content_hash(title, body)
        if Article.objects.filter(content_hash=digest).exclude(pk=locked.pk).exists():
            raise ValidationError({"body": TEXT_TAKEN})
        preview = correction_preview(article=locked, body=body)
        text_map = preview.text_map
        blocks = (
            structure_follow(text_map, locked.structure) if structure is None else list(structure)
        )
        _check_structure(body, blocks)
        counts = preview.counts
        version = ArticleVersion(
            article=locked,
            number=locked.version_number + 1,
            kind=kind,
            title=title,
            body=body,
            structure=blocks,
            content_hash=digest,
            source_file=source_file,
            created_by=user if user is not None and user.is_authenticated else None,
            reason=reason,
            note=note,
            reanchored={k: v for k, v in counts.items() if k != "already_in_review"},
        )
        version.save(force_insert=True)
        _apply(preview, version, user)
        _follow_reviews(text_map, version)
        locked.title, locked.body, locked.structure = title, body, blocks
        locked.content_hash = digest
        locked.version_number = version.number
        locked.text_modified_at = version.created_at
        locked.text_modified_kind = kind
        locked.correction_note = note
        locked.save(
            update_fields=[
                "title",
                "body",
                "structure",
                "content_hash",
                "version_number",
                "text_modified_at",
                "text_modified_kind",
                "correction_note",
                "updated_at",
            ]
        )
        # The story fingerprint follows the text (copies found with it, in the same
        # transaction): a fingerprint of the old text would link, or fail to link, copies
        # by words the article no longer has.
        story_copies_detect(articles=[locked])
        # The quote finder looks again, at the changed paragraphs only.
        suggestions_propose_changed(
            article=locked,
            changed=[(op.j1, op.j2) for op in text_map.opcodes if op.tag != "equal"],
            blocks=blocks,
        )
    return Corrected(version=version, counts=counts)


def _apply(preview: CorrectionPreview, version: ArticleVersion, user) -> None:
    """Write every decision: new spans and contexts, reviews, and the history."""
    new = preview.text_map.new
    moved_ids = []
    changed: list[Annotation] = []
    reviews: list[AnnotationReview] = []
    revisions: list[AnnotationRevision] = []
    recorded: list[tuple[Annotation, str, dict]] = []
    for annotation, decision in zip(preview.annotations, preview.decisions, strict=True):
        if decision.outcome in (KEPT, MOVED):
            assert decision.start is not None and decision.end is not None
            context = Annotation.anchor(new, decision.start, decision.end)
            if (
                (decision.start, decision.end) == (annotation.start, annotation.end)
                and context["prefix"] == annotation.prefix
                and context["suffix"] == annotation.suffix
            ):
                continue
            before = annotation_snapshot(annotation, []) if decision.outcome == MOVED else {}
            annotation.start, annotation.end = decision.start, decision.end
            annotation.prefix, annotation.suffix = context["prefix"], context["suffix"]
            moved_ids.append(annotation.pk)
            changed.append(annotation)
            if decision.outcome == MOVED:
                recorded.append((annotation, AnnotationRevision.Action.MOVED, before))
        elif annotation.status != Status.REJECTED:
            before = annotation_snapshot(annotation, [])
            reviews.append(
                AnnotationReview(
                    annotation=annotation,
                    version=version,
                    previous_status=annotation.status,
                    proposed_start=decision.start,
                    proposed_end=decision.end,
                    made_on=version.number - 1,
                    reason=decision.reason[:200],
                )
            )
            annotation.status = Status.NEEDS_REVIEW
            changed.append(annotation)
            recorded.append((annotation, AnnotationRevision.Action.NEEDS_REVIEW, before))
    if moved_ids:
        Annotation.objects.filter(pk__in=moved_ids).update(
            start=F("start") + _PARKING_OFFSET, end=F("end") + _PARKING_OFFSET
        )
    if changed:
        _write_spans(changed)
    if reviews:
        AnnotationReview.objects.bulk_create(reviews)
    if recorded:
        tags = _tag_names([annotation.pk for annotation, _, _ in recorded])
        for annotation, action, before in recorded:
            names = tags.get(annotation.pk, [])
            before["tags"] = names
            after = annotation_snapshot(annotation, [])
            after["tags"] = names
            after["version"] = version.number
            revisions.append(revision_new(annotation, action, user, before, after))
        AnnotationRevision.objects.bulk_create(revisions)


# One UPDATE from arrays: bulk_update's CASE per field grows with the square of the rows
# (1,000 annotations took about 1.5 s of the correction; this takes a few ms).
_WRITE_SPANS_SQL = """
UPDATE articles_annotation AS a
SET start = v.start, "end" = v.stop, prefix = v.prefix, suffix = v.suffix, status = v.status
FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::text[], %s::text[], %s::text[])
    AS v(id, start, stop, prefix, suffix, status)
WHERE a.id = v.id
"""


def _write_spans(annotations: Sequence[Annotation]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _WRITE_SPANS_SQL,
            [
                [a.pk for a in annotations],
                [a.start for a in annotations],
                [a.end for a in annotations],
                [a.prefix for a in annotations],
                [a.suffix for a in annotations],
                [a.status for a in annotations],
            ],
        )


def _tag_names(annotation_ids: list[int]) -> dict[int, list[str]]:
    rows = Annotation.tags.through.objects.filter(annotation_id__in=annotation_ids).values_list(
        "annotation_id", "tag__name"
    )
    names: dict[int, list[str]] = {}
    for annotation_id, name in rows:
        names.setdefault(annotation_id, []).append(name)
    return {key: sorted(value) for key, value in names.items()}


def _follow_reviews(text_map: TextMap, version: ArticleVersion) -> None:
    """Reviews still open from an earlier correction: their proposal follows this diff too
    (dropped when this correction touched it)."""
    open_reviews = list(
        AnnotationReview.objects.filter(annotation__article_id=version.article_id).exclude(
            version=version
        )
    )
    for review in open_reviews:
        mapped = None
        if review.proposed_start is not None and review.proposed_end is not None:
            mapped = text_map.untouched(review.proposed_start, review.proposed_end)
        review.proposed_start, review.proposed_end = mapped if mapped else (None, None)
        review.version = version
    if open_reviews:
        AnnotationReview.objects.bulk_update(
            open_reviews, ["proposed_start", "proposed_end", "version"]
        )
