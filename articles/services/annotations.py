"""Writing annotations: create, update, delete and restore, each with its revision.

Every function runs in one transaction and records an `AnnotationRevision` in it, so the
history can never disagree with the data. Updates and deletes lock the annotation row
(`select_for_update`), so two editors working on one article serialize instead of losing
writes; a row that vanished meanwhile raises `AnnotationGone` for a 409-style answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from articles.models import Annotation, AnnotationRevision, Article, Speaker, Tag
from articles.names import fold_name, name_slug
from articles.services.speakers import speaker_create, speaker_find, unique_slug

Kind = Annotation.Kind
TAG_MAX_LENGTH = 100


class AnnotationGone(Exception):
    """The annotation was deleted (by someone else) before this change reached it."""

    def __init__(self, annotation_id: int):
        self.annotation_id = annotation_id
        super().__init__(
            f"Annotation {annotation_id} no longer exists: another editor deleted it. "
            "Your change was not saved; restore it from the history to edit it again."
        )


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
    }


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def check_span(article: Article, start: int, end: int, exact: str) -> None:
    """Offsets in range and `exact` equal to the body there.

    Whitespace is compared collapsed: the browser never sees the separators between blocks,
    so a selection across paragraphs sends a single newline where the body may have two.
    """
    length = len(article.body)
    if not 0 <= start < end <= length:
        raise ValidationError(
            {
                "start": (
                    f"The selection {start}–{end} is outside the article text "
                    f"(0–{length}). Reload the page and select again."
                )
            }
        )
    if _normalize_space(article.body[start:end]) != _normalize_space(exact):
        raise ValidationError(
            {
                "exact": (
                    "The selected text does not match the article at these offsets "
                    "(the page may be out of date). Reload the page and select again."
                )
            }
        )


def _check_kind_fields(kind: str, speaker: Speaker | None, verdict: str) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown kind “{kind}”: choose quote, claim or highlight."})
    errors = {}
    if verdict and kind != Kind.CLAIM:
        errors["verdict"] = "Only claims have a verdict: choose “claim” or clear the verdict."
    if verdict and verdict not in Annotation.Verdict.values:
        errors["verdict"] = f"Unknown verdict “{verdict}”."
    if speaker is not None and kind != Kind.QUOTE:
        errors["speaker"] = "Only quotes have a speaker: choose “quote” or clear the speaker."
    if errors:
        raise ValidationError(errors)


def resolve_speaker(kind: str, name: str, *, new_speaker: bool) -> Speaker | None:
    """The speaker a quote names: an existing one (name or alias), or a new one if asked.

    Checks only; a new speaker is returned unsaved so nothing is stored before every other
    check has passed.
    """
    name = name.strip()
    if not name:
        if new_speaker:
            raise ValidationError({"speaker": "Type the new speaker's name."})
        return None
    if kind != Kind.QUOTE:
        raise ValidationError(
            {"speaker": "Only quotes have a speaker: choose “quote” or clear the speaker."}
        )
    existing = speaker_find(name)
    if existing is not None:
        return existing
    if not new_speaker:
        raise ValidationError(
            {
                "speaker": (
                    f"Unknown speaker “{name}”. Pick one from the suggestions, "
                    "or tick “new speaker” to add them."
                )
            }
        )
    return Speaker(name=name)


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

    At most four queries however many tags; a tag another editor creates at the same moment
    is found rather than clashing.
    """
    if not names:
        return []
    _check_tag_names(names)
    found = _tags_named(names)
    missing = [name for name in names if fold_name(name) not in found]
    if missing:
        taken = Tag.objects.filter(slug__in=[name_slug(n, max_length=110) for n in missing])
        slugs = set(taken.values_list("slug", flat=True))
        new = []
        for name in missing:
            slug = unique_slug(name_slug(name, max_length=110, fallback="tag"), slugs)
            slugs.add(slug)
            new.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(new, ignore_conflicts=True)
        found.update(_tags_named(missing))
    return [found[fold_name(name)] for name in names]


def _tags_named(names: Sequence[str]) -> dict[str, Tag]:
    lowered = [fold_name(name) for name in names]
    return {
        fold_name(tag.name): tag
        for tag in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=lowered)
    }


REVISION_FIELDS = ["kind", "status", "speaker", "verdict", "tags", "note"]


def revision_changes(revision: AnnotationRevision) -> list[tuple[str, object, object]]:
    """(field, before, after) for each field an update changed."""
    before, after = revision.before or {}, revision.after or {}
    if not before or not after:
        return []
    return [
        (f, before.get(f), after.get(f)) for f in REVISION_FIELDS if before.get(f) != after.get(f)
    ]


def revision_summary(revision: AnnotationRevision) -> str:
    changes = revision_changes(revision)
    if not changes:
        values = revision.after or revision.before or {}
        return f"“{values.get('exact', '')[:80]}”"
    return "; ".join(
        f"{field}: {old or '(none)'} → {new or '(none)'}" for field, old, new in changes
    )


def revision_record(
    annotation: Annotation,
    action: str,
    user,
    before: dict | None,
    after: dict | None,
) -> AnnotationRevision:
    """One row of history; call it inside the transaction that made the change."""
    return AnnotationRevision.objects.create(
        annotation_id=annotation.pk,
        article_id=annotation.article_id,
        action=action,
        before=before,
        after=after,
        user=user if user is not None and user.is_authenticated else None,
    )


def check_not_annotated(
    article_id: int, start: int, end: int, kind: str, *, excluding: int | None = None
) -> None:
    """Refuse a second published annotation of the same kind on exactly the same span.

    Locks the article row first (FOR NO KEY UPDATE, so readers and other inserts' key locks
    are not blocked), so two editors — or one double click — cannot both pass the check.
    Overlapping spans and other kinds stay allowed; suggestions never clash. The unique
    constraint `annotation_published_span_unique` backs this up; creating relies on it alone
    (no lock, no look-up), a status or kind change checks here for the clear message first.
    """
    Article.objects.select_for_update(no_key=True).filter(pk=article_id).values("pk").first()
    clash = Annotation.objects.published().filter(
        article_id=article_id, start=start, end=end, kind=kind
    )
    if excluding is not None:
        clash = clash.exclude(pk=excluding)
    if clash.exists():
        raise _duplicate(kind)


def _new_speaker(name: str) -> Speaker:
    try:
        with transaction.atomic():
            return speaker_create(name=name)
    except (IntegrityError, ValidationError):
        # Another editor added the same speaker a moment ago: theirs is the one.
        existing = speaker_find(name)
        if existing is None:
            raise
        return existing


def annotation_create(
    *,
    article: Article,
    kind: str,
    start: int,
    end: int,
    exact: str,
    user,
    speaker: Speaker | None = None,
    speaker_name: str = "",
    new_speaker: bool = False,
    verdict: str = "",
    tag_names: Sequence[str] = (),
    note: str = "",
    status: str = Annotation.Status.PUBLISHED,
) -> Annotation:
    """A new annotation on body[start:end]; everything is checked before anything is stored."""
    check_span(article, start, end, exact)
    if speaker is None:
        speaker = resolve_speaker(kind, speaker_name, new_speaker=new_speaker)
    _check_kind_fields(kind, speaker, verdict)
    _check_tag_names(tag_names)
    try:
        with transaction.atomic():
            if speaker is not None and speaker.pk is None:
                speaker = _new_speaker(speaker.name)
            annotation = Annotation.objects.create(
                article=article,
                kind=kind,
                status=status,
                start=start,
                end=end,
                **Annotation.anchor(article.body, start, end),
                speaker=speaker,
                verdict=verdict,
                note=note.strip(),
                author=user if user is not None and user.is_authenticated else None,
            )
            tags = tags_ensure(names=tag_names)
            if tags:
                annotation.tags.add(*tags)
            _remember_tags(annotation, tags)
            after = annotation_snapshot(annotation, tags)
            revision_record(annotation, AnnotationRevision.Action.CREATED, user, None, after)
    except IntegrityError as error:
        # The same span and kind published already (or a moment ago, by another editor):
        # the database's unique constraint refused the insert; nothing was stored.
        if _constraint_of(error) == DUPLICATE_SPAN_CONSTRAINT:
            raise _duplicate(kind) from error
        raise
    return annotation


DUPLICATE_SPAN_CONSTRAINT = "annotation_published_span_unique"


def _constraint_of(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _duplicate(kind: str) -> ValidationError:
    label = Kind(kind).label.lower()
    return ValidationError(
        {"kind": f"This span is already annotated as a {label}."}, code="duplicate"
    )


def _remember_tags(annotation: Annotation, tags: Sequence[Tag]) -> None:
    """`annotation.reading_tags` answers `tags` without a query: the caller renders the
    annotation it just wrote from what it already has."""
    annotation.reading_tags = list(tags)


def _locked(annotation_id: int) -> Annotation:
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        # The article comes along (its text, not its search vector) for the caller to redraw.
        .select_related("speaker", "author", "article")
        .defer("article__search_vector")
        .filter(pk=annotation_id)
        .first()
    )
    if annotation is None:
        raise AnnotationGone(annotation_id)
    return annotation


UNSET = object()


def annotation_update(
    *,
    annotation_id: int,
    user,
    kind: str | object = UNSET,
    speaker: Speaker | None | object = UNSET,
    speaker_name: str | object = UNSET,
    new_speaker: bool = False,
    verdict: str | object = UNSET,
    tag_names: Sequence[str] | object = UNSET,
    note: str | object = UNSET,
    status: str | object = UNSET,
    action: str = AnnotationRevision.Action.UPDATED,
) -> Annotation:
    """Change some fields of an annotation (only those passed); the span never changes.

    `action` names the revision: accepting or rejecting a suggestion is a status change
    recorded as such.
    """
    with transaction.atomic():
        annotation = _locked(annotation_id)
        before = annotation_snapshot(annotation)
        new_kind = annotation.kind if kind is UNSET else kind
        if speaker is UNSET and speaker_name is not UNSET:
            speaker = resolve_speaker(new_kind, speaker_name, new_speaker=new_speaker)
        new_speaker_obj = annotation.speaker if speaker is UNSET else speaker
        if new_kind != Kind.QUOTE and speaker is UNSET:
            new_speaker_obj = None  # a quote turned claim or highlight loses its speaker
        new_verdict = annotation.verdict if verdict is UNSET else verdict
        if new_kind != Kind.CLAIM and verdict is UNSET:
            new_verdict = ""
        _check_kind_fields(new_kind, new_speaker_obj, new_verdict)
        if status is not UNSET and status not in Annotation.Status.values:
            raise ValidationError({"status": f"Unknown status “{status}”."})
        if tag_names is not UNSET:
            _check_tag_names(tag_names)
        new_status = annotation.status if status is UNSET else status
        if new_status == Annotation.Status.PUBLISHED and (
            new_kind != annotation.kind or new_status != annotation.status
        ):
            check_not_annotated(
                annotation.article_id,
                annotation.start,
                annotation.end,
                new_kind,
                excluding=annotation.pk,
            )
        if new_speaker_obj is not None and new_speaker_obj.pk is None:
            new_speaker_obj = _new_speaker(new_speaker_obj.name)
        annotation.kind = new_kind
        annotation.speaker = new_speaker_obj
        annotation.verdict = new_verdict
        if note is not UNSET:
            annotation.note = note.strip()
        if status is not UNSET:
            annotation.status = status
        annotation.save()
        tags = None
        if tag_names is not UNSET:
            tags = tags_ensure(names=tag_names)
            annotation.tags.set(tags)
            _remember_tags(annotation, tags)
        after = annotation_snapshot(annotation, tags)
        revision_record(annotation, action, user, before, after)
    return annotation


def annotation_delete(*, annotation_id: int, user) -> AnnotationRevision:
    """Delete an annotation; its last values stay in the revision so it can be restored.

    The revision comes back with `article` and `deleted` (the annotation as it was) loaded.
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
        revision.deleted = annotation
        return revision


def annotation_restore(*, annotation_id: int, user) -> Annotation:
    """Bring a deleted annotation back, same id, from the snapshot its deletion kept."""
    with transaction.atomic():
        last = (
            AnnotationRevision.objects.select_for_update()
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
        article = last.article
        start, end = values["start"], values["end"]
        if article.body[start:end] != values["exact"]:
            raise ValidationError("The article text changed since; this annotation cannot return.")
        status = values.get("status", Annotation.Status.PUBLISHED)
        if status == Annotation.Status.PUBLISHED:
            check_not_annotated(article.pk, start, end, values["kind"])
        speaker = None
        if values["kind"] == Kind.QUOTE and (values.get("speaker_id") or values.get("speaker")):
            # The speaker may have been merged into another since: fall back to the name.
            speaker = Speaker.objects.filter(pk=values.get("speaker_id")).first() or speaker_find(
                values.get("speaker", "")
            )
        annotation = Annotation.objects.create(
            pk=annotation_id,
            article=article,
            kind=values["kind"],
            status=status,
            start=start,
            end=end,
            exact=values["exact"],
            prefix=values.get("prefix", ""),
            suffix=values.get("suffix", ""),
            speaker=speaker,
            verdict=values.get("verdict", ""),
            note=values.get("note", ""),
            author=get_user_model().objects.filter(pk=values.get("author_id")).first(),
        )
        tags = tags_ensure(names=values.get("tags", []))
        if tags:
            annotation.tags.add(*tags)
        _remember_tags(annotation, tags)
        after = annotation_snapshot(annotation, tags)
        revision_record(annotation, AnnotationRevision.Action.RESTORED, user, None, after)
    return annotation
