"""An annotation's history: the snapshot a revision keeps, recording one, reading one back.

Every write to an annotation records an `AnnotationRevision` in its own transaction (the
annotation and speaker services, the admin), so the history never disagrees with the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from articles.models import Annotation, AnnotationRevision, Tag

REVISION_FIELDS = [
    "exact",
    "kind",
    "status",
    "speaker",
    "claimant",
    "verdict",
    "sources",
    "tags",
    "note",
    "review_comment",
]


def annotation_snapshot(annotation: Annotation, tags: Iterable[Tag] | None = None) -> dict:
    """The values a revision keeps: enough to show a diff and to recreate the annotation.

    Pass `tags` when they are known, to spare a query.
    """
    speaker = annotation.speaker
    tags = annotation.tags.all() if tags is None else tags
    return {
        "kind": annotation.kind,
        "status": annotation.status,
        "start": annotation.start,
        "end": annotation.end,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "speaker_id": speaker.pk if speaker else None,
        "speaker": speaker.name if speaker else "",
        "verdict": annotation.verdict,
        "tags": sorted(tag.name for tag in tags),
        "note": annotation.note,
        "author_id": annotation.author_id,
        **_verdict_snapshot(annotation),
    }


def _verdict_snapshot(annotation: Annotation) -> dict:
    """A claim's claimant, sources and review, kept only where there are some (quotes and
    highlights keep the snapshot they always had)."""
    if annotation.kind != Annotation.Kind.CLAIM:
        return {}
    claimant = annotation.claimant
    reviewed_at = annotation.reviewed_at
    return {
        "claimant_id": claimant.pk if claimant else None,
        "claimant": claimant.name if claimant else "",
        "sources": list(annotation.sources),
        "submitted_by_id": annotation.submitted_by_id,
        "reviewer_id": annotation.reviewer_id,
        "reviewed_at": reviewed_at.isoformat() if reviewed_at else None,
        "review_comment": annotation.review_comment,
    }


def revision_new(
    annotation: Annotation, action: str, user, before: dict | None, after: dict | None
) -> AnnotationRevision:
    """One row of history, unsaved (for `bulk_create`); `revision_record` saves one."""
    return AnnotationRevision(
        annotation_id=annotation.pk,
        article_id=annotation.article_id,
        action=action,
        before=before,
        after=after,
        user=user if user is not None and user.is_authenticated else None,
    )


def revision_record(
    annotation: Annotation, action: str, user, before: dict | None, after: dict | None
) -> AnnotationRevision:
    """One row of history; call it inside the transaction that made the change."""
    revision = revision_new(annotation, action, user, before, after)
    revision.save(force_insert=True)
    return revision


def revision_changes(revision: AnnotationRevision) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field an update changed."""
    before, after = revision.before or {}, revision.after or {}
    if not before or not after:
        return []
    return [
        (f, before.get(f), after.get(f)) for f in REVISION_FIELDS if before.get(f) != after.get(f)
    ]


@dataclass(frozen=True)
class RevisionEntry:
    """A revision as the history lists show it (`_revisions.html`): with what it changed."""

    revision: AnnotationRevision
    changes: list[tuple[str, object, object]]


def revision_entries(revisions: Iterable[AnnotationRevision]) -> list[RevisionEntry]:
    """Each revision with its `revision_changes`, in the order given."""
    return [RevisionEntry(revision, revision_changes(revision)) for revision in revisions]


def revision_summary(revision: AnnotationRevision) -> str:
    """One line for the admin: what an update changed, or the annotation's words."""
    changes = revision_changes(revision)
    if not changes:
        values = revision.after or revision.before or {}
        return f"“{values.get('exact', '')[:80]}”"
    return "; ".join(
        f"{field}: {old or '(none)'} → {new or '(none)'}" for field, old, new in changes
    )
