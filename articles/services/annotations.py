"""Writing annotations: create, update, delete and restore, each with its revision.

Every function runs in one transaction and records an `AnnotationRevision` in it, so the
history can never disagree with the data. Updates and deletes lock the annotation row
(`select_for_update`), so two editors working on one article serialize instead of losing
writes; a row that vanished meanwhile raises `AnnotationGone` for a 409-style answer.

The rules of an annotation live in `Annotation.clean()`, checked here through
`annotation_check` before anything is stored; a second published annotation of the same kind
on the same span is refused by the database's unique constraint, whose error becomes the
editor's message (`save_unless_duplicate`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from articles.models import (
    DUPLICATE_SPAN,
    SPAN_HOLDING_STATUSES,
    VERDICT_NEEDS_RATIONALE,
    VERDICT_REVIEW_STATUSES,
    Annotation,
    AnnotationReview,
    AnnotationRevision,
    Article,
    Speaker,
    Tag,
)
from articles.names import fold_name, name_slug, unique_slug
from articles.revisions import annotation_snapshot, revision_record
from articles.services.speakers import speaker_find, speaker_get_or_create

Kind = Annotation.Kind
TAG_MAX_LENGTH = 100
# Rounds of "insert with the next free slug" before a tag write gives up (each round loses
# only to a transaction that committed a clashing slug meanwhile).
SLUG_ROUNDS = 10
DUPLICATE_SPAN_CONSTRAINT = "annotation_published_span_unique"
NEW_SPEAKER_NEEDS_NAME = "Type the new speaker's name."
UNKNOWN_SPEAKER = (
    "Unknown speaker “{name}”. Pick one from the suggestions, or tick “new speaker” to add them."
)
# The claimant's checkbox reads "Add them as a speaker" (annotation_form.html).
UNKNOWN_CLAIMANT = (
    "Unknown speaker “{name}”. Pick one from the suggestions, or tick “Add them as a speaker”."
)
SOURCE_NOT_A_URL = "“{url}” is not a web address: give each source as a full http(s) URL."
MAX_SOURCES = 20
TOO_MANY_SOURCES = "At most {limit} sources."


@dataclass(frozen=True, kw_only=True)
class AnnotationFields:
    """What an editor sets on an annotation, creating or editing it (the form builds it).

    `speaker_name` names an existing speaker by name or alias, or, with `new_speaker`, one
    to create; empty for none. `tag_names` are found or created, case-insensitively.
    """

    kind: str
    speaker_name: str = ""
    new_speaker: bool = False
    verdict: str = ""
    claimant_name: str = ""
    new_claimant: bool = False
    sources: Sequence[str] = ()
    tag_names: Sequence[str] = ()
    note: str = ""


@dataclass(frozen=True)
class AnnotationDeleted:
    """What `annotation_delete` did, for the caller to redraw from without a query."""

    revision: AnnotationRevision  # its `article` loaded
    annotation: Annotation  # as it was, with its speaker and tags (`reading_tags`)


class AnnotationGone(Exception):
    """The annotation was deleted (by someone else) before this change reached it."""

    def __init__(self, annotation_id: int):
        self.annotation_id = annotation_id
        super().__init__(
            f"Annotation {annotation_id} no longer exists: another editor deleted it. "
            "Your change was not saved; restore it from the history to edit it again."
        )


# full_clean() checks here only what costs no query. Not the foreign keys: each would be
# looked up (the database refuses a dangling one anyway). No validate_unique: a primary key
# set on restore would be looked up. No validate_constraints: each constraint runs a SELECT;
# the CheckConstraints guard what clean() checks, and the duplicate span is the unique
# constraint's own (see `save_unless_duplicate`). Kind, status, verdict and the span are
# left to clean(), which words their errors for editors (one message per rule).
_NOT_CHECKED_BY_FIELD = ["article", "speaker", "author"]
_NOT_CHECKED_BY_FIELD += ["kind", "status", "verdict", "start", "end"]


def annotation_check(annotation: Annotation) -> None:
    """Raise the ValidationError of every rule `annotation` breaks (see `Annotation.clean`),
    without a query: its article must be loaded with it."""
    annotation.full_clean(
        exclude=_NOT_CHECKED_BY_FIELD, validate_unique=False, validate_constraints=False
    )


def save_unless_duplicate(annotation: Annotation, **save_options) -> None:
    """`annotation.save(**save_options)`; a ValidationError with the editor's message when the
    database's unique constraint refuses a second published annotation of that kind on the
    span (there is no look-up before: the insert or update itself is the check).

    Call it inside the write's `transaction.atomic()`: leaving it with the error rolls back.
    """
    try:
        annotation.save(**save_options)
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) != DUPLICATE_SPAN_CONSTRAINT:
            raise
        label = Kind(annotation.kind).label.lower()
        message = DUPLICATE_SPAN.format(kind=label)
        raise ValidationError({"kind": message}, code="duplicate") from error


def _person_named(
    typed: str, new: bool, *, kind: str, of_kind: str, field: str, unknown: str
) -> Speaker | None:
    """The speaker `typed` names: an existing one (name or alias), or a new one if `new`.

    Checks only; a new speaker is returned unsaved so nothing is stored before every other
    check has passed. On a kind other than `of_kind` the name is not looked up: the unsaved
    speaker makes `Annotation.clean()` refuse it. Errors go on `field`.
    """
    name = " ".join(typed.split())
    if kind != of_kind:
        return Speaker(name=name) if name or new else None
    if not name:
        if new:
            raise ValidationError({field: NEW_SPEAKER_NEEDS_NAME})
        return None
    existing = speaker_find(name)
    if existing is not None:
        return existing
    if not new:
        raise ValidationError({field: unknown.format(name=name)})
    return Speaker(name=name)


def _speaker_named(fields: AnnotationFields) -> Speaker | None:
    """A quote's speaker (`_person_named`)."""
    return _person_named(
        fields.speaker_name,
        fields.new_speaker,
        kind=fields.kind,
        of_kind=Kind.QUOTE,
        field="speaker",
        unknown=UNKNOWN_SPEAKER,
    )


def _claimant_named(fields: AnnotationFields) -> Speaker | None:
    """Who made a claim, found as a quote's speaker is (`_person_named`)."""
    return _person_named(
        fields.claimant_name,
        fields.new_claimant,
        kind=fields.kind,
        of_kind=Kind.CLAIM,
        field="claimant",
        unknown=UNKNOWN_CLAIMANT,
    )


def parse_source_urls(text: str) -> list[str]:
    """A verdict's sources, one URL per line (blank lines ignored), in order, without
    repeats; each must be an http or https URL, else the message names the line."""
    urls: list[str] = []
    check = URLValidator(schemes=["http", "https"])
    for url in filter(None, (line.strip() for line in text.splitlines())):
        try:
            check(url)
        except ValidationError:
            raise ValidationError(SOURCE_NOT_A_URL.format(url=url[:200])) from None
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_SOURCES:
        raise ValidationError(TOO_MANY_SOURCES.format(limit=MAX_SOURCES))
    return urls


def _checked(annotation: Annotation, fields: AnnotationFields) -> None:
    """Set the speaker and claimant `fields` name on `annotation` and check everything,
    every error at once: the speaker, the claimant, the annotation's rules, the tag names."""
    errors: dict = {}
    try:
        annotation.speaker = _speaker_named(fields)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        annotation.claimant = _claimant_named(fields)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        annotation_check(annotation)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        _check_tag_names(fields.tag_names)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _store_new_speaker(annotation: Annotation) -> None:
    if annotation.speaker is not None and annotation.speaker.pk is None:
        # Another editor may have added the same speaker a moment ago: theirs is the one.
        annotation.speaker = speaker_get_or_create(name=annotation.speaker.name)
    if annotation.claimant is not None and annotation.claimant.pk is None:
        annotation.claimant = speaker_get_or_create(name=annotation.claimant.name)


def parse_tag_names(text: str) -> list[str]:
    """Comma-separated tag names, trimmed, without case-insensitive duplicates, in order."""
    names, seen = [], set()
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and fold_name(name) not in seen:
            seen.add(fold_name(name))
            names.append(name)
    return names


def _check_tag_names(names: Sequence[str]) -> None:
    for name in names:
        if len(name) > TAG_MAX_LENGTH or not name_slug(name, fallback=""):
            raise ValidationError(
                {"tags": f"“{name[:40]}” is not a usable tag name (letters or digits, ≤100)."}
            )


def tags_ensure(*, names: Sequence[str]) -> list[Tag]:
    """Tags by name, case-insensitively; missing ones are created (editors coin tags freely).

    One query when every tag exists, four when some are new, however many: a tag another
    editor creates at the same moment is found rather than clashing. Names that differ but
    share a slug ("X Tag", "X-Tag") created at the same moment each get their own tag: the
    insert skips a row whose slug another transaction took (waiting for it to commit), and
    that row is tried again with the next free slug (three more queries per round).
    """
    if not names:
        return []
    _check_tag_names(names)
    found = _tags_named(names)
    spellings: dict[str, str] = {}  # the first spelling of each name
    for name in names:
        spellings.setdefault(fold_name(name), name)
    missing = [name for key, name in spellings.items() if key not in found]
    for _round in range(SLUG_ROUNDS):
        if not missing:
            break
        Tag.objects.bulk_create(_new_tags(missing), ignore_conflicts=True)
        found.update(_tags_named(missing))
        missing = [name for name in missing if fold_name(name) not in found]
    if missing:
        raise ValidationError({"tags": "Too many editors are adding these tags: try again."})
    return [found[fold_name(name)] for name in names]


def _new_tags(names: Sequence[str]) -> list[Tag]:
    """Unsaved tags for `names`, each with the first slug its base (`name_slug`) leaves free.

    In slug order: two editors inserting several tags whose slugs clash then wait for each
    other in one order, never in a cycle (a deadlock).
    """
    bases = [name_slug(name, max_length=110, fallback="tag") for name in names]
    family = Q()
    for base in set(bases):
        family |= Q(slug=base) | Q(slug__startswith=f"{base}-")
    taken = set(Tag.objects.filter(family).values_list("slug", flat=True))
    new = []
    for name, base in zip(names, bases, strict=True):
        slug = unique_slug(base, taken)
        taken.add(slug)
        new.append(Tag(name=name, slug=slug))
    return sorted(new, key=lambda tag: tag.slug)


def _tags_of(names: Sequence[str]) -> list[Tag]:
    """An annotation's tags for `names`, each once: two spellings of one name ("X Tag",
    "x tag") are one tag, and its revision must list it once, as the data holds it."""
    return list(dict.fromkeys(tags_ensure(names=names)))


def _tags_named(names: Sequence[str]) -> dict[str, Tag]:
    lowered = [fold_name(name) for name in names]
    return {
        fold_name(tag.name): tag
        for tag in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=lowered)
    }


# _NAMES_FIRST: new speakers and tags are stored before the annotation is written. Writing an
# annotation bumps its article's annotations version (a row lock, held to commit: see
# articles/sql/annotations_version.sql); a new tag's insert may wait for another editor's
# transaction that inserted a tag with the same name or slug. Done in the other order, two
# editors tagging one article each held the version the other's tag insert... waited behind:
# a deadlock (tests/test_attack_concurrency.py). Names first, nothing is waited for while
# the version is held.


def annotation_create(
    *,
    article: Article,
    start: int,
    end: int,
    exact: str,
    fields: AnnotationFields,
    user,
    status: str = Annotation.Status.PUBLISHED,
) -> Annotation:
    """A new annotation on body[start:end]; everything is checked before anything is stored.

    `exact` is the text the editor selected; the annotation keeps the body's own text there.
    """
    annotation = Annotation(
        article=article,
        kind=fields.kind,
        status=status,
        start=start,
        end=end,
        exact=exact,
        verdict=fields.verdict,
        sources=list(fields.sources),
        note=fields.note.strip(),
        author=user if user is not None and user.is_authenticated else None,
    )
    _checked(annotation, fields)
    verdict_review_status(annotation, None)
    for field, value in Annotation.anchor(article.body, start, end).items():
        setattr(annotation, field, value)
    with transaction.atomic():
        _store_new_speaker(annotation)
        tags = _tags_of(fields.tag_names)  # before the write: see _NAMES_FIRST
        # The same span and kind published already (or a moment ago, by another editor):
        # the database's unique constraint refuses the insert; nothing is stored.
        save_unless_duplicate(annotation, force_insert=True)
        if tags:
            annotation.tags.add(*tags)
        _remember_tags(annotation, tags)
        after = annotation_snapshot(annotation, tags)
        revision_record(annotation, AnnotationRevision.Action.CREATED, user, None, after)
    return annotation


# What a verdict's review covers: changing any of them on an approved claim withdraws the
# verdict until a second editor approves it again.
_REVIEWED_FIELDS = ("kind", "exact", "verdict", "note", "sources")


def verdict_review_status(annotation: Annotation, before: dict | None) -> None:
    """A claim's verdict is public only once a second editor approved it: a new verdict
    (or a changed verdict, rationale or sources on a published or submitted claim) is a
    draft again, with the last review's marks cleared; a claim without a verdict needs no
    review. `before` is the annotation's snapshot before this change (None: new)."""
    if annotation.status not in SPAN_HOLDING_STATUSES:
        return  # suggestions, annotations waiting after a correction: theirs to decide
    if annotation.kind != Kind.CLAIM or not annotation.verdict:
        if annotation.status in VERDICT_REVIEW_STATUSES:
            annotation.status = Annotation.Status.PUBLISHED
        _clear_review(annotation)
        return
    previous = before["status"] if before is not None else None
    # New here (created, or a suggestion accepted as a judged claim), or what a review
    # covers changed.
    changed = (
        before is None
        or previous not in SPAN_HOLDING_STATUSES
        or any(
            before.get(field, [] if field == "sources" else "") != getattr(annotation, field)
            for field in _REVIEWED_FIELDS
        )
    )
    # A draft, or a verdict sent back, stays as it is until its author submits it.
    if changed and previous not in (Annotation.Status.DRAFT, Annotation.Status.RETURNED):
        annotation.status = Annotation.Status.DRAFT
        _clear_review(annotation)
    if changed and not annotation.note.strip():
        # Checked here, not in Annotation.clean(): verdicts approved before reviews existed
        # (and carried, restored or merged as they are) may have none.
        raise ValidationError({"note": VERDICT_NEEDS_RATIONALE})


def _clear_review(annotation: Annotation) -> None:
    annotation.submitted_by = None
    annotation.reviewer = None
    annotation.reviewed_at = None


def _remember_tags(annotation: Annotation, tags: Sequence[Tag]) -> None:
    """`annotation.reading_tags` answers `tags` without a query: the caller renders the
    annotation it just wrote from what it already has."""
    annotation.reading_tags = list(tags)


def _locked(annotation_id: int) -> Annotation:
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        # The article comes along (its text, not its search vector) for the checks and for
        # the caller to redraw.
        .select_related("speaker", "claimant", "author", "article")
        .defer("article__search_vector")
        .filter(pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise AnnotationGone(annotation_id)
    return annotation


@dataclass(frozen=True)
class Span:
    """A span of the article's current text an editor chose: body[start:end] is `exact`
    (whitespace compared collapsed, see Annotation.clean)."""

    start: int
    end: int
    exact: str


SPAN_NOT_ON_CURRENT_TEXT = (
    "This annotation points into an earlier version of the text: settle it on the review "
    "page before moving it."
)


def annotation_update(
    *,
    annotation_id: int,
    user,
    fields: AnnotationFields,
    status: str | None = None,
    action: str = AnnotationRevision.Action.UPDATED,
    span: Span | None = None,
) -> Annotation:
    """Set an annotation's fields to `fields`, its status unless None, and its span to `span`
    unless None (resized: extended or shrunk; its context is taken from the text again).

    `action` names the revision: accepting or rejecting a suggestion is a status change
    recorded as such.
    """
    with transaction.atomic():
        annotation = _locked(annotation_id)
        before = annotation_snapshot(annotation)
        if span is not None and (span.start, span.end) != (annotation.start, annotation.end):
            if annotation.status in (Annotation.Status.NEEDS_REVIEW, Annotation.Status.ON_VERSION):
                raise ValidationError({"exact": SPAN_NOT_ON_CURRENT_TEXT})
            annotation.start, annotation.end, annotation.exact = span.start, span.end, span.exact
        annotation.kind = fields.kind
        annotation.verdict = fields.verdict
        annotation.sources = list(fields.sources)
        annotation.note = fields.note.strip()
        if status is not None:
            annotation.status = status
        _checked(annotation, fields)
        verdict_review_status(annotation, before)
        _store_new_speaker(annotation)
        tags = _tags_of(fields.tag_names)  # before the write: see _NAMES_FIRST
        if (annotation.start, annotation.end) != (before["start"], before["end"]):
            # The body's own words and context, as a new annotation takes them.
            for field, value in Annotation.anchor(
                annotation.article.body, annotation.start, annotation.end
            ).items():
                setattr(annotation, field, value)
        # A kind or status change onto a span published with that kind is refused here.
        save_unless_duplicate(annotation)
        annotation.tags.set(tags)
        _remember_tags(annotation, tags)
        after = annotation_snapshot(annotation, tags)
        revision_record(annotation, action, user, before, after)
    return annotation


def annotation_delete(*, annotation_id: int, user) -> AnnotationDeleted:
    """Delete an annotation; its last values stay in the revision so it can be restored.

    Returns the revision, its `article` loaded, and the annotation as it was.
    """
    with transaction.atomic():
        annotation = _locked(annotation_id)
        tags = list(annotation.tags.all())
        before = annotation_snapshot(annotation, tags)
        revision = revision_record(
            annotation, AnnotationRevision.Action.DELETED, user, before, None
        )
        annotation.delete()
        # What the caller redraws from, without a query: the article (loaded with the lock)
        # and the annotation as it was, with its speaker and tags.
        _remember_tags(annotation, tags)
        revision.article = annotation.article
        return AnnotationDeleted(revision=revision, annotation=annotation)


def annotation_restore(*, annotation_id: int, user) -> Annotation:
    """Bring a deleted annotation back, same id, from the snapshot its deletion kept.

    Refused if the span was published again meanwhile with the same kind.
    """
    with transaction.atomic():
        return _restored(annotation_id, user)


def _restored(annotation_id: int, user) -> Annotation:
    last = (
        # The revision only: locking the article row too (FOR UPDATE) made every other
        # editor's annotation insert on it wait (its foreign key check), in a cycle with
        # this write's own wait for the article's annotations version.
        AnnotationRevision.objects.select_for_update(of=("self",))
        .select_related("article")
        .filter(annotation_id=annotation_id)
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None:
        raise ValidationError(f"There is no history for annotation {annotation_id}.")
    if (
        last.action != AnnotationRevision.Action.DELETED
        or Annotation.objects.filter(pk=annotation_id).exists()
    ):
        raise ValidationError("This annotation is not deleted: there is nothing to restore.")
    values = last.before
    assert values is not None  # a deletion's revision keeps the values (`annotation_delete`)
    speaker = None
    if values["kind"] == Kind.QUOTE and (values.get("speaker_id") or values.get("speaker")):
        # The speaker may have been merged into another since: fall back to the name.
        speaker = Speaker.objects.filter(pk=values.get("speaker_id")).first() or speaker_find(
            values.get("speaker", "")
        )
    annotation = Annotation(
        pk=annotation_id,
        article=last.article,
        kind=values["kind"],
        status=values.get("status", Annotation.Status.PUBLISHED),
        start=values["start"],
        end=values["end"],
        exact=values["exact"],
        prefix=values.get("prefix", ""),
        suffix=values.get("suffix", ""),
        speaker=speaker,
        verdict=values.get("verdict", ""),
        note=values.get("note", ""),
        author=get_user_model().objects.filter(pk=values.get("author_id")).first(),
        **_restored_verdict(values),
    )
    annotation_check(annotation)  # the article's text still holds the words, and so on
    tags = _tags_of(values.get("tags", []))  # before the write: see _NAMES_FIRST
    save_unless_duplicate(annotation, force_insert=True)
    if values.get("review") and annotation.status == Annotation.Status.NEEDS_REVIEW:
        # Deleted while in review (`services.reviews`): back in review, as it was.
        review_restore(annotation, values["review"])
    if tags:
        annotation.tags.add(*tags)
    _remember_tags(annotation, tags)
    after = annotation_snapshot(annotation, tags)
    revision_record(annotation, AnnotationRevision.Action.RESTORED, user, None, after)
    return annotation


def _restored_verdict(values: dict) -> dict:
    """A claim's claimant, sources and review from its snapshot (`revisions`)."""
    if values["kind"] != Kind.CLAIM:
        return {}

    def user(key: str):
        pk = values.get(key)
        return get_user_model().objects.filter(pk=pk).first() if pk else None

    claimant = None
    if values.get("claimant_id"):
        claimant = Speaker.objects.filter(pk=values["claimant_id"]).first()
    if claimant is None and values.get("claimant"):
        # Merged into another speaker since: found by name (or alias).
        claimant = speaker_find(values["claimant"])
    reviewed_at = values.get("reviewed_at")
    return {
        "claimant": claimant,
        "sources": values.get("sources", []),
        "submitted_by": user("submitted_by_id"),
        "reviewer": user("reviewer_id"),
        "reviewed_at": datetime.datetime.fromisoformat(reviewed_at) if reviewed_at else None,
        "review_comment": values.get("review_comment", ""),
    }


def review_restore(annotation: Annotation, values: dict) -> AnnotationReview:
    """Recreate the review a snapshot kept (undo, or restoring a deleted annotation)."""
    review = AnnotationReview(
        annotation=annotation,
        version_id=values["version_id"],
        previous_status=values["previous_status"],
        proposed_start=values.get("proposed_start"),
        proposed_end=values.get("proposed_end"),
        made_on=values.get("made_on"),
        reason=values.get("reason", ""),
    )
    review.save(force_insert=True)
    return review
