"""Writing speakers: create (or find), rename and edit aliases, merge duplicates."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower, Now

from articles.models import Annotation, AnnotationRevision, Speaker, SpeakerRedirect
from articles.names import fold_name, name_slug, unique_slug
from articles.revisions import annotation_snapshot, revision_new

NAME_MAX_LENGTH = 200
NAME_CONSTRAINT = "speaker_name_ci_unique"
SLUG_CONSTRAINT = "articles_speaker_slug_key"  # Django's name for unique=True's constraint
# Rounds of "insert with the next free slug" before a speaker write gives up (each round
# loses only to a transaction that committed a clashing slug meanwhile).
SLUG_ROUNDS = 10


def speaker_find(name: str) -> Speaker | None:
    """The speaker called `name` or known by it as an alias (case-insensitive); names win."""
    name = " ".join(name.split())
    if not name:
        return None
    matches = sorted(
        Speaker.objects.named(name), key=lambda s: (fold_name(s.name) != fold_name(name), s.pk)
    )
    return matches[0] if matches else None


def parse_aliases(text: str) -> list[str]:
    """Comma- or newline-separated aliases, trimmed, without case-insensitive duplicates."""
    aliases, seen = [], set()
    for raw in text.replace("\n", ",").split(","):
        alias = " ".join(raw.split())
        if alias and fold_name(alias) not in seen:
            seen.add(fold_name(alias))
            aliases.append(alias)
    return aliases


def _check_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "A speaker needs a name."})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Names are at most {NAME_MAX_LENGTH} characters."})
    # Another speaker's alias counts too: a quote by that name would have two speakers.
    others = Speaker.objects.named(name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    clash = others.order_by("pk").first()
    if clash is not None:
        if fold_name(clash.name) == fold_name(name):
            message = f"“{clash.name}” already exists: merge the two instead of renaming."
        else:
            message = (
                f"“{name}” is an alias of another speaker, “{clash.name}”: "
                "merge the two speakers instead."
            )
        raise ValidationError({"name": message})
    return name


def _check_aliases_free(aliases: Sequence[str], *, exclude_pk: int) -> None:
    """No alias may be another speaker's name: a quote by that name would have two speakers.

    Compared with the database's lower() (the unique index's idea of the same name).
    """
    if not aliases:
        return
    clash = (
        Speaker.objects.alias(lowered_name=Lower("name"))
        .filter(lowered_name__in=[fold_name(alias) for alias in aliases])
        .exclude(pk=exclude_pk)
        .order_by("pk")
        .first()
    )
    if clash is not None:
        alias = next(a for a in aliases if fold_name(a) == fold_name(clash.name))
        raise ValidationError(
            {
                "aliases": (
                    f"“{alias}” is the name of another speaker, “{clash.name}”: "
                    "merge the two speakers instead of adding it as an alias."
                )
            }
        )


def _free_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = name_slug(name, fallback="speaker")
    taken = Speaker.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return unique_slug(base, taken.values_list("slug", flat=True))


def speaker_create(*, name: str, aliases: Sequence[str] = (), description: str = "") -> Speaker:
    """A new speaker, with the first free slug of their name; a ValidationError if the name
    is taken (as a name or an alias).

    Another editor may add a speaker at the same moment: one whose name differs but shares
    the slug ("Ann Lee", "Ann-Lee") makes the insert fail on the slug, which is tried again
    with the next free one in a savepoint; one with the same name makes the insert fail on
    the name, answered like the check before it ("already exists").
    """
    for _round in range(SLUG_ROUNDS):
        try:
            # One atomic block per attempt (a savepoint inside a caller's transaction): a
            # refused insert leaves no trace, and the next attempt checks afresh.
            with transaction.atomic():
                checked = _check_name(name)
                speaker = Speaker(
                    name=checked,
                    slug=_free_slug(checked),
                    aliases=list(aliases),
                    description=description,
                )
                speaker.save(force_insert=True)
                return speaker
        except IntegrityError as error:
            constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
            if constraint == NAME_CONSTRAINT:
                message = f"“{checked}” already exists: pick them rather than adding them again."
                raise ValidationError({"name": message}) from error
            if constraint != SLUG_CONSTRAINT:
                raise
    raise ValidationError({"name": "Too many editors are adding speakers: try again."})


def speaker_get_or_create(
    *, name: str, aliases: Sequence[str] = (), description: str = ""
) -> Speaker:
    """The speaker called `name` (case-insensitively, or by an alias), created if missing,
    with `aliases` and `description`.

    Another editor may create the same speaker at the same moment: the name is unique
    case-insensitively, so one insert fails (rolled back to `speaker_create`'s own savepoint)
    and that one picks up the other's row.
    """
    name = " ".join(name.split())
    existing = speaker_find(name)
    if existing is not None:
        return existing
    try:
        return speaker_create(name=name, aliases=aliases, description=description)
    except (IntegrityError, ValidationError):
        existing = speaker_find(name)
        if existing is None:
            raise
        return existing


def speaker_update(
    *, speaker_id: int, name: str, aliases: Sequence[str], description: str | None = None
) -> Speaker:
    """Rename a speaker and replace its aliases; the old name becomes an alias.

    Article pages showing the speaker get a new version from the database: the trigger
    `articles_speaker_renamed` (0006_annotations_version) bumps the annotations version of
    every article quoting a speaker whose name or slug changed.
    """
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().filter(pk=speaker_id).first()
        if speaker is None:
            raise ValidationError("This speaker no longer exists (merged or deleted meanwhile).")
        name = _check_name(name, exclude_pk=speaker.pk)
        aliases = [a for a in aliases if fold_name(a) != fold_name(name)]
        old = speaker.name
        if fold_name(old) != fold_name(name) and fold_name(old) not in {
            fold_name(a) for a in aliases
        }:
            # Articles still say the old name: keep it findable.
            aliases.append(old)
        for alias in aliases:
            if len(alias) > NAME_MAX_LENGTH:
                raise ValidationError({"aliases": f"“{alias[:40]}…” is too long for an alias."})
        _check_aliases_free(aliases, exclude_pk=speaker.pk)
        if name != old:
            # The slug stays: bookmarks and shared links to the speaker page keep working.
            speaker.name = name
        speaker.aliases = aliases
        if description is not None:
            speaker.description = description
        speaker.save()
        return speaker


def speaker_merge(*, keep_id: int, duplicate_ids: Sequence[int], user) -> Speaker:
    """Fold duplicates into the kept speaker: their quotes move, their names become aliases,
    and their pages' addresses (with those of speakers merged into them before) redirect to
    the kept speaker's.

    Each moved quote gets an `updated` revision, so its history tells who merged it.
    """
    duplicate_ids = [pk for pk in dict.fromkeys(duplicate_ids) if pk != keep_id]
    if not duplicate_ids:
        raise ValidationError("Choose a different speaker to merge with.")
    with transaction.atomic():
        speakers = {
            s.pk: s
            for s in Speaker.objects.select_for_update().filter(pk__in=[keep_id, *duplicate_ids])
        }
        keep = speakers.get(keep_id)
        if keep is None or any(pk not in speakers for pk in duplicate_ids):
            raise ValidationError("A speaker to merge no longer exists; reload the page.")
        known = {fold_name(keep.name), *(fold_name(a) for a in keep.aliases)}
        for pk in duplicate_ids:
            for alias in [speakers[pk].name, *speakers[pk].aliases]:
                if fold_name(alias) not in known:
                    known.add(fold_name(alias))
                    keep.aliases.append(alias)
        # Their quotes, and the claims they made (claimant).
        quotes = list(
            Annotation.objects.select_for_update(of=("self",))
            .filter(Q(speaker_id__in=duplicate_ids) | Q(claimant_id__in=duplicate_ids))
            .order_by("pk")  # locked in one order, so two merges never wait in a cycle
            .select_related("speaker", "claimant")
            .prefetch_related("tags")
        )
        revisions = []
        for quote in quotes:
            before = annotation_snapshot(quote)
            if quote.speaker_id in duplicate_ids:
                quote.speaker = keep
            if quote.claimant_id in duplicate_ids:
                quote.claimant = keep
            action = AnnotationRevision.Action.UPDATED
            revisions.append(revision_new(quote, action, user, before, annotation_snapshot(quote)))
        # The update's trigger gives the quoting articles' pages a new version.
        moved = Annotation.objects.filter(pk__in=[q.pk for q in quotes])
        moved.filter(speaker_id__in=duplicate_ids).update(speaker=keep, updated_at=Now())
        if any(q.claimant_id == keep.pk for q in quotes):
            moved.filter(claimant_id__in=duplicate_ids).update(claimant=keep, updated_at=Now())
        AnnotationRevision.objects.bulk_create(revisions)
        # Before the delete, whose cascade would take the duplicates' own redirects along.
        SpeakerRedirect.objects.filter(speaker_id__in=duplicate_ids).update(speaker=keep)
        SpeakerRedirect.objects.bulk_create(
            [SpeakerRedirect(slug=speakers[pk].slug, speaker=keep) for pk in duplicate_ids],
            update_conflicts=True,
            unique_fields=["slug"],
            update_fields=["speaker"],
        )
        Speaker.objects.filter(pk__in=duplicate_ids).delete()
        keep.save(update_fields=["aliases"])
        return keep
