"""Copies of one story across outlets: finding them, and carrying annotations between them.

`story_copies_detect` fingerprints articles (`articles.copy_detection`) and links each to
the copies it has among all fingerprinted articles (`StoryCopy`, both directions). The
indexing worker runs it over every batch it indexes, `manage.py find_copies` over the
articles already stored.

`annotations_carry` puts the published annotations of one copy on another through the
re-anchoring rules of a correction (`articles.reanchoring`, the copy's text as the "new"
version): words the diff leaves in place, or found again at the one place whose context
agrees, are created published on the target, in its history with where they came from;
everything else is created there as needing review (`AnnotationReview`), never published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from articles.copy_detection import BANDS, BINS, COPY_THRESHOLD, fingerprint
from articles.models import (
    SPAN_HOLDING_STATUSES,
    Annotation,
    AnnotationCarry,
    AnnotationReview,
    AnnotationRevision,
    Article,
    ArticleVersion,
    StoryCopy,
    StoryFingerprint,
)
from articles.reanchoring import KEPT, MOVED, Anchor, reanchor
from articles.revisions import annotation_snapshot, revision_new
from articles.services.annotations import annotation_check

NOT_COPIES = "These articles are not linked as copies of one story."
SAME_ARTICLE = "An article cannot take annotations from itself."

Status = Annotation.Status

# New links only (ON CONFLICT DO NOTHING), and the articles they touch: their pages show
# "Also published by", so their `updated_at` (in the page version) moves on.
_LINK_SQL = """
WITH linked AS (
    INSERT INTO articles_storycopy (article_id, copy_id, similarity, created_at)
    SELECT v.article_id, v.copy_id, v.similarity, now()
    FROM unnest(%s::bigint[], %s::bigint[], %s::float[]) AS v(article_id, copy_id, similarity)
    ON CONFLICT (article_id, copy_id) DO NOTHING
    RETURNING article_id
), touched AS (
    UPDATE articles_article SET updated_at = clock_timestamp()
    WHERE id IN (SELECT article_id FROM linked)
)
SELECT count(*) FROM linked
"""


# The fingerprints of a batch in one statement: every signature and every band list in one
# flat array each (PostgreSQL has no arrays of arrays of different rows), cut per article by
# its ordinal. The ORM's bulk upsert of the same rows cost the indexer about 1 ms an article
# (bench/copies.py); an unchanged text is not written again (its GIN entries stay put).
_FINGERPRINTS_SQL = f"""
WITH flat AS (SELECT %s::bigint[] AS signatures, %s::bigint[] AS bands)
INSERT INTO articles_storyfingerprint (article_id, signature, bands, shingles, content_hash)
SELECT v.article_id,
       flat.signatures[(v.n - 1) * {BINS} + 1 : v.n * {BINS}],
       flat.bands[(v.n - 1) * {BANDS} + 1 : v.n * {BANDS}],
       v.shingles, v.content_hash
FROM flat, unnest(%s::bigint[], %s::integer[], %s::text[])
    WITH ORDINALITY AS v(article_id, shingles, content_hash, n)
ON CONFLICT (article_id) DO UPDATE
SET signature = EXCLUDED.signature, bands = EXCLUDED.bands, shingles = EXCLUDED.shingles,
    content_hash = EXCLUDED.content_hash
WHERE articles_storyfingerprint.content_hash IS DISTINCT FROM EXCLUDED.content_hash
"""


def story_copies_detect(*, articles: Sequence[Article]) -> int:
    """Fingerprint `articles` (each with `id`, `body` and `content_hash` loaded) and link
    them to their copies; returns how many new links (each direction counts) were made.

    Three queries whatever the number of articles: the fingerprints written (one upsert),
    the copies found through the bands' index (one), the links and the pages' versions
    (one statement). Texts too short to tell (see `MIN_SHINGLES`) get no fingerprint.
    Run inside the caller's transaction or in its own.
    """
    ids: list[int] = []
    hashes: list[str] = []
    counts: list[int] = []
    signatures: list[int] = []
    bands: list[int] = []
    for article in articles:
        found = fingerprint(article.body)
        if found is not None:
            ids.append(article.pk)
            hashes.append(article.content_hash)
            counts.append(found.shingles)
            signatures.extend(found.signature)
            bands.extend(found.bands)
    if not ids:
        return 0
    # No savepoint inside the indexer's transaction: its batch is one unit already.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(_FINGERPRINTS_SQL, [signatures, bands, ids, counts, hashes])
        pairs = StoryFingerprint.objects.copies_found(ids, COPY_THRESHOLD)
        if not pairs:
            return 0
        # Both directions: an article's copies are then one look-up from either side.
        links = {(a, b): s for a, b, s in pairs} | {(b, a): s for a, b, s in pairs}
        with connection.cursor() as cursor:
            cursor.execute(
                _LINK_SQL,
                [
                    [a for a, _ in links],
                    [b for _, b in links],
                    list(links.values()),
                ],
            )
            return cursor.fetchone()[0]


@dataclass(frozen=True)
class Carried:
    """What carrying did: published on the target, sent to review there, and skipped as
    carried before (or already there: the same kind on the same words)."""

    carried: int
    review: int
    skipped: int

    @property
    def summary(self) -> str:
        parts = [
            f"{self.carried} carried",
            f"{self.review} need{'s' if self.review == 1 else ''} review",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} already there")
        return ", ".join(parts)


def _source_annotations(source: Article, target: Article) -> tuple[list[Annotation], dict]:
    """The source's published annotations not carried to `target` yet, in text order, and
    their tag ids (two queries, three with the carried ones)."""
    carried = set(
        AnnotationCarry.objects.filter(article=target).values_list(
            "source_annotation_id", flat=True
        )
    )
    annotations = [
        a
        for a in Annotation.objects.filter(article=source, status=Status.PUBLISHED)
        .select_related("speaker")
        .order_by("start", "-end", "id")
        if a.pk not in carried
    ]
    tags: dict[int, list] = {}
    if annotations:
        through = Annotation.tags.through.objects.filter(
            annotation_id__in=[a.pk for a in annotations]
        ).select_related("tag")
        for row in through:
            tags.setdefault(row.annotation_id, []).append(row.tag)
    return annotations, tags


def annotations_carry(*, source_id: int, target_id: int, user) -> Carried:
    """Carry the published annotations of article `source_id` to its copy `target_id`, in
    one transaction (see the module's rules); ValidationError when they are not copies.

    Idempotent: annotations carried before are skipped, and so are those whose kind and
    words the target already has published. A fixed number of queries whatever the number
    of annotations (pinned by tests/test_services_copies.py).
    """
    if source_id == target_id:
        raise ValidationError(SAME_ARTICLE)
    with transaction.atomic():
        target = (
            Article.objects.select_for_update(of=("self",))
            .select_related("outlet")
            .only("id", "slug", "body", "version_number", "outlet__name")
            .filter(pk=target_id)
            .first()
        )
        link = (
            StoryCopy.objects.filter(article_id=target_id, copy_id=source_id)
            .select_related("copy__outlet")
            .only("id", "copy__id", "copy__slug", "copy__body", "copy__outlet__name")
            .first()
        )
        if target is None or link is None:
            raise ValidationError(NOT_COPIES)
        source = link.copy
        annotations, tags = _source_annotations(source, target)
        if not annotations:
            return Carried(0, 0, 0)
        anchors = [Anchor(a.pk, a.start, a.end, a.exact, a.prefix, a.suffix) for a in annotations]
        _, decisions = reanchor(source.body, target.body, anchors)
        # Spans the target's unique constraint holds already: published, or a verdict in review.
        on_target = Annotation.objects.filter(article=target, status__in=SPAN_HOLDING_STATUSES)
        taken = set(on_target.values_list("start", "end", "kind"))
        version = ArticleVersion.objects.only("id").get(
            article=target, number=target.version_number
        )
        created: list[tuple[Annotation, Annotation, AnnotationReview | None]] = []
        skipped = 0
        for original, decision in zip(annotations, decisions, strict=True):
            copy = Annotation(
                article=target,
                kind=original.kind,
                speaker=original.speaker,
                proposed_speaker=original.proposed_speaker,
                verdict=original.verdict,
                note=original.note,
                author_id=original.author_id,
                # A claim's verdict, approved on the source, comes with its review.
                claimant_id=original.claimant_id,
                sources=list(original.sources),
                submitted_by_id=original.submitted_by_id,
                reviewer_id=original.reviewer_id,
                reviewed_at=original.reviewed_at,
            )
            review = None
            if decision.outcome in (KEPT, MOVED):
                assert decision.start is not None and decision.end is not None
                if (decision.start, decision.end, original.kind) in taken:
                    skipped += 1
                    continue
                taken.add((decision.start, decision.end, original.kind))
                copy.status = Status.PUBLISHED
                copy.start, copy.end = decision.start, decision.end
                for field, value in Annotation.anchor(target.body, copy.start, copy.end).items():
                    setattr(copy, field, value)
                annotation_check(copy)
            else:
                # Kept as it was made on the source, as a correction keeps an annotation it
                # sends to review: its words, context and span there; the proposal is the
                # target's.
                copy.status = Status.NEEDS_REVIEW
                copy.start, copy.end = original.start, original.end
                copy.exact, copy.prefix, copy.suffix = (
                    original.exact,
                    original.prefix,
                    original.suffix,
                )
                review = AnnotationReview(
                    version=version,
                    previous_status=Status.PUBLISHED,
                    proposed_start=decision.start,
                    proposed_end=decision.end,
                    reason=f"Carried from {source.outlet.name}: {decision.reason}"[:200],
                )
            created.append((original, copy, review))
        if created:
            _write_carried(created, tags, source, target, user)
    carried = sum(1 for _, copy, _ in created if copy.status == Status.PUBLISHED)
    return Carried(carried, len(created) - carried, skipped)


def _write_carried(
    created: list[tuple[Annotation, Annotation, AnnotationReview | None]],
    tags: dict,
    source: Article,
    target: Article,
    user,
) -> None:
    """The carried annotations, their tags, reviews, provenance and history: five inserts."""
    Annotation.objects.bulk_create([copy for _, copy, _ in created])
    Annotation.tags.through.objects.bulk_create(
        [
            Annotation.tags.through(annotation_id=copy.pk, tag_id=tag.pk)
            for original, copy, _ in created
            for tag in tags.get(original.pk, [])
        ]
    )
    reviews = []
    for _, copy, review in created:
        if review is not None:
            review.annotation = copy
            reviews.append(review)
    AnnotationReview.objects.bulk_create(reviews)
    AnnotationCarry.objects.bulk_create(
        [
            AnnotationCarry(
                annotation=copy,
                article=target,
                source_annotation_id=original.pk,
                source_article=source,
            )
            for original, copy, _ in created
        ]
    )
    revisions = []
    for original, copy, _ in created:
        after = annotation_snapshot(copy, tags.get(original.pk, []))
        after["carried_from"] = {
            "article": source.slug,
            "outlet": source.outlet.name,
            "annotation": original.pk,
        }
        revisions.append(revision_new(copy, AnnotationRevision.Action.CARRIED, user, None, after))
    AnnotationRevision.objects.bulk_create(revisions)
