"""Quote-finder suggestions: proposing them, accepting and rejecting them.

A suggestion is an `Annotation` of kind quote with status `suggested`. Its speaker is either
an existing `Speaker` (the finder's name matched a speaker's name or an alias) or, when
nothing matched, the finder's name in `proposed_speaker`; accepting creates that speaker.
Rejected suggestions are kept with status `rejected` so the same span or the same words are
never proposed again for that article; a suggestion an editor deleted counts the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.db import copy_rows
from articles.models import Annotation, AnnotationRevision, Article, Speaker
from articles.quotefinder import find_quotes, speaker_key
from articles.revisions import annotation_snapshot, revision_new, revision_record
from articles.services.annotations import annotation_check, save_unless_duplicate, tags_ensure
from articles.services.speakers import speaker_get_or_create


@dataclass(frozen=True)
class SpeakerBook:
    """Every speaker, loaded in one query: the finder's `known_speakers` and a lookup back."""

    known: dict[str, list[str]]
    by_name: dict[str, Speaker]
    # Folded last word of any name or alias -> canonical names, so each article hands the
    # finder only the speakers it could mean (the finder scans all it is given per quote).
    by_last_word: dict[str, set[str]]
    # Speakers with a form whose last word has no letter or digit at all: always offered.
    always: frozenset[str]

    @classmethod
    def load(cls) -> SpeakerBook:
        known: dict[str, list[str]] = {}
        by_name: dict[str, Speaker] = {}
        by_last_word: dict[str, set[str]] = {}
        always: set[str] = set()
        speakers = list(Speaker.objects.only("id", "name", "slug", "aliases"))
        for speaker in speakers:
            known[speaker.name] = list(speaker.aliases)
            for alias in speaker.aliases:
                by_name.setdefault(speaker_key(alias), speaker)
            for form in (speaker.name, *speaker.aliases):
                words = speaker_key(form).split()
                runs = _WORD_RUN.findall(words[-1]) if words else []
                if runs:
                    # "o'brien" is found by its last run, "brien", as the body's runs split it.
                    by_last_word.setdefault(runs[-1], set()).add(speaker.name)
                elif words:
                    always.add(speaker.name)
        # A speaker's own name wins over someone else's alias.
        by_name.update({speaker_key(s.name): s for s in speakers})
        return cls(known, by_name, by_last_word, frozenset(always))

    def known_for(self, body: str) -> dict[str, list[str]]:
        """The speakers whose name or alias ends with a word of `body`: all the finder could
        map a name found in `body` onto, so its answer is the same as with every speaker."""
        names = set(self.always)
        for word in set(_WORD_RUN.findall(body.replace("’", "'").casefold())):
            names.update(self.by_last_word.get(word, ()))
        return {name: self.known[name] for name in names}

    def match(self, name: str | None) -> Speaker | None:
        return self.by_name.get(speaker_key(name)) if name else None


_WORD_RUN = re.compile(r"\w+")


def suggestions_propose(*, article: Article) -> int:
    """Run the quote finder over one article and store what is new as suggestions.

    Returns how many suggestions were created. Spans or words an editor already annotated,
    rejected or has pending are skipped, so running it twice creates nothing the second time.
    """
    return suggestions_propose_bulk(articles=[article])


def suggestions_propose_bulk(*, articles: Sequence[Article]) -> int:
    """`suggestions_propose` for many articles at once, as the importer calls it per chunk.

    Four queries whatever the number of articles: speakers, existing annotations, deleted
    suggestions, one COPY (none when nothing was found).
    """
    articles = [a for a in articles if a.body]
    if not articles:
        return 0
    book = SpeakerBook.load()
    taken = _taken_by_article(articles)
    suggestions: list[Annotation] = []
    for article in articles:
        spans, texts, quote_spans = taken.get(article.id, (set(), set(), []))
        known = book.known_for(article.body)
        for proposal in find_quotes(article.body, known_speakers=known):
            if proposal.end <= proposal.start:
                continue
            if (proposal.start, proposal.end) in spans or proposal.text in texts:
                continue
            if any(proposal.start < end and start < proposal.end for start, end in quote_spans):
                continue
            suggestions.append(_suggestion(article, proposal.start, proposal.end, proposal, book))
    _store(suggestions)
    return len(suggestions)


def suggestions_propose_changed(
    *, article: Article, changed: Sequence[tuple[int, int]], blocks: Sequence[dict]
) -> int:
    """After a correction: the quote finder over the paragraphs (`blocks` of the new text)
    that the `changed` stretches of the new text touch, and nothing else; what it finds is
    stored as suggestions unless already annotated, pending or rejected (by span or by
    words: a rejected quote is remembered by its words across versions, never proposed
    again). Returns how many were created; no query when nothing changed."""
    touched = [
        b
        for b in blocks
        # A deletion is an empty stretch: it touches the paragraph it stands in.
        if any(
            (start < b["end"] and b["start"] < end)
            or (start == end and b["start"] <= start <= b["end"])
            for start, end in changed
        )
    ]
    if not touched:
        return 0
    book = SpeakerBook.load()
    spans, texts, quote_spans = _taken_by_article([article]).get(article.id, (set(), set(), []))
    suggestions: list[Annotation] = []
    for block in touched:
        text = article.body[block["start"] : block["end"]]
        for proposal in find_quotes(text, known_speakers=book.known_for(text)):
            start, end = block["start"] + proposal.start, block["start"] + proposal.end
            if end <= start or (start, end) in spans or proposal.text in texts:
                continue
            if any(start < e and s < end for s, e in quote_spans):
                continue
            suggestions.append(_suggestion(article, start, end, proposal, book))
    _store(suggestions)
    return len(suggestions)


def _store(suggestions: list[Annotation]) -> None:
    """One COPY for all of them (`articles.db`): a chunk of imports can carry thousands of
    suggestions."""
    copy_rows(suggestions)


def _taken_by_article(
    articles: Iterable[Article],
) -> dict[int, tuple[set[tuple[int, int]], set[str], list[tuple[int, int]]]]:
    """Per article: spans and words already annotated (any status) or deleted while still a
    suggestion (an editor's "no" too), and the spans of live quotes."""
    taken: dict[int, tuple[set[tuple[int, int]], set[str], list[tuple[int, int]]]] = {}
    ids = [a.id for a in articles]
    rows = list(
        Annotation.objects.filter(article__in=ids).values_list(
            "article_id", "kind", "status", "start", "end", "exact"
        )
    )
    deleted = AnnotationRevision.objects.filter(
        article__in=ids,
        action=AnnotationRevision.Action.DELETED,
        before__status=Annotation.Status.SUGGESTED,
    ).values_list("article_id", "before")
    for article_id, before in deleted:
        assert before is not None  # the filter on `before__status` leaves out empty ones
        # Rejected-like: counts for spans and words, never for overlapping quotes.
        rows.append(
            (
                article_id,
                "",
                Annotation.Status.REJECTED,
                before["start"],
                before["end"],
                before["exact"],
            )
        )
    for article_id, kind, status, start, end, exact in rows:
        spans, texts, quote_spans = taken.setdefault(article_id, (set(), set(), []))
        spans.add((start, end))
        texts.add(exact)
        # An editor's quote (or a pending suggestion) over the same words, even with other
        # boundaries, makes a new proposal noise.
        if kind == Annotation.Kind.QUOTE and status != Annotation.Status.REJECTED:
            quote_spans.append((start, end))
    return taken


def _suggestion(article: Article, start: int, end: int, proposal, book: SpeakerBook) -> Annotation:
    speaker = book.match(proposal.speaker)
    return Annotation(
        article=article,
        kind=Annotation.Kind.QUOTE,
        status=Annotation.Status.SUGGESTED,
        start=start,
        end=end,
        **Annotation.anchor(article.body, start, end),
        speaker=speaker,
        proposed_speaker="" if speaker or not proposal.speaker else proposal.speaker[:200],
    )


def suggestion_accept(
    *,
    annotation: Annotation,
    user,
    speaker: Speaker | None = None,
    speaker_name: str | None = None,
    start: int | None = None,
    end: int | None = None,
    note: str | None = None,
    tag_names: Sequence[str] = (),
) -> Annotation:
    """Publish a suggestion as an ordinary quote authored by `user`, with `tag_names` (found
    or created, as the annotating form's).

    The speaker is, in order: `speaker`, the speaker named `speaker_name` (found by name or
    alias, or created), the suggestion's matched speaker, or the speaker it proposed (found
    or created). `start`/`end`/`note` let an editor correct the suggestion while accepting.
    Raises ValidationError if someone else accepted or rejected it meanwhile.
    """
    # Names before the write, as annotation_create does (see its _NAMES_FIRST note).
    tags = tags_ensure(names=tag_names) if tag_names else []
    with transaction.atomic():
        current = _lock_pending(annotation)
        before = _snapshot(current)
        if start is not None or end is not None:
            _move(
                current,
                current.start if start is None else start,
                current.end if end is None else end,
            )
        if speaker is None and speaker_name is not None:
            speaker = _speaker_found_or_new(speaker_name) if speaker_name.strip() else None
        elif speaker is None:
            speaker = current.speaker
            if speaker is None and current.proposed_speaker:
                speaker = _speaker_found_or_new(current.proposed_speaker)
        current.speaker = speaker
        current.proposed_speaker = ""
        if note is not None:
            current.note = note
        current.status = Annotation.Status.PUBLISHED
        current.author = user
        annotation_check(current)
        # An editor may have quoted the same words since the finder proposed them: the
        # unique constraint refuses the update then.
        save_unless_duplicate(
            current,
            update_fields=[
                *("start", "end", "exact", "prefix", "suffix", "speaker", "proposed_speaker"),
                *("note", "status", "author", "updated_at"),
            ],
        )
        if tags:
            current.tags.add(*tags)
        after = annotation_snapshot(current, tags)
        after["proposed_speaker"] = current.proposed_speaker
        revision_record(current, AnnotationRevision.Action.ACCEPTED, user, before, after)
    return current


def suggestion_reject(*, annotation: Annotation, user) -> Annotation:
    """Mark a suggestion rejected; it stays stored so it is never proposed again."""
    with transaction.atomic():
        current = _lock_pending(annotation)
        before = _snapshot(current)
        current.status = Annotation.Status.REJECTED
        current.save(update_fields=["status", "updated_at"])
        _record(current, AnnotationRevision.Action.REJECTED, before, user)
    return current


def _lock_pending(annotation: Annotation) -> Annotation:
    current = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("article", "speaker")
        .filter(pk=annotation.pk)
        .first()
    )
    if current is None:
        raise ValidationError("This suggestion no longer exists.")
    if current.status == Annotation.Status.PUBLISHED:
        raise ValidationError("This suggestion has already been accepted.")
    if current.status == Annotation.Status.REJECTED:
        raise ValidationError("This suggestion has already been rejected.")
    return current


def _move(annotation: Annotation, start: int, end: int) -> None:
    """The suggestion's new span, its words and context taken from the body (the span is
    checked with the rest, by `annotation_check`)."""
    annotation.start, annotation.end = start, end
    for field, value in Annotation.anchor(annotation.article.body, start, end).items():
        setattr(annotation, field, value)


def _speaker_found_or_new(name: str) -> Speaker:
    """The speaker called `name`, created if missing with their surname as an alias, so the
    finder matches "Yellen" to "Janet Yellen" next time."""
    parts = name.split()
    return speaker_get_or_create(name=name, aliases=parts[-1:] if len(parts) > 1 else [])


def _snapshot(annotation: Annotation) -> dict:
    # Suggestions carry no tags: spare the query the annotating snapshot would make.
    values = annotation_snapshot(annotation, tags=())
    values["proposed_speaker"] = annotation.proposed_speaker
    return values


def _record(annotation: Annotation, action: str, before: dict, user) -> None:
    revision_record(annotation, action, user, before, _snapshot(annotation))


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk action did: the suggestions it acted on (ids, in id order) and how many of
    those asked for it left alone (no longer pending, or already quoted on the same words)."""

    done: list[int]
    skipped: int


# What `suggestions_bulk_undo` reverses: a suggestion's accept or reject, nothing else.
UNDOABLE = frozenset({AnnotationRevision.Action.ACCEPTED, AnnotationRevision.Action.REJECTED})


def suggestions_reject_bulk(*, ids: Sequence[int], user) -> BulkOutcome:
    """Reject many pending suggestions, across articles, in one transaction: each stays
    stored as rejected (never proposed again) with its history entry. Three queries whatever
    the number: lock the pending ones, one UPDATE, one INSERT of the history."""
    with transaction.atomic():
        pending = _lock_pending_many(ids)
        befores = {s.pk: _snapshot(s) for s in pending}
        now = timezone.now()
        for suggestion in pending:
            suggestion.status, suggestion.updated_at = Annotation.Status.REJECTED, now
        done = [s.pk for s in pending]
        if done:
            Annotation.objects.filter(pk__in=done).update(
                status=Annotation.Status.REJECTED, updated_at=now
            )
            _record_many(pending, AnnotationRevision.Action.REJECTED, befores, user)
    return BulkOutcome(done=done, skipped=len(set(ids)) - len(done))


def suggestions_accept_bulk(*, ids: Sequence[int], user) -> BulkOutcome:
    """Publish many pending suggestions, across articles, as quotes authored by `user`, in
    one transaction, each with its history entry. The speaker is the one each suggestion
    matched, or the one it proposed (found or created, as `suggestion_accept` does). A
    suggestion whose words someone has quoted meanwhile is left alone (counted as skipped).

    Three queries whatever the number (lock with the duplicate check, one UPDATE, one
    INSERT of the history), plus a speaker look-up per distinct proposed name that matched nobody.
    """
    with transaction.atomic():
        chosen = _lock_pending_many(ids, with_duplicates=True)
        pending = [s for s in chosen if not getattr(s, "quoted_already", False)]
        befores = {s.pk: _snapshot(s) for s in pending}
        proposed = {s.proposed_speaker for s in pending if s.speaker is None and s.proposed_speaker}
        speakers = {name: _speaker_found_or_new(name) for name in sorted(proposed)}
        # Two suggestions on the same words (the finder never makes them, but a correction's
        # re-run could): the first is accepted, the other would break the unique span.
        seen: set[tuple[int, int, int]] = set()
        accepted: list[Annotation] = []
        now = timezone.now()
        for suggestion in pending:
            span = (suggestion.article_id, suggestion.start, suggestion.end)
            if span in seen:
                continue
            seen.add(span)
            if suggestion.speaker is None and suggestion.proposed_speaker:
                suggestion.speaker = speakers[suggestion.proposed_speaker]
            suggestion.proposed_speaker = ""
            suggestion.status = Annotation.Status.PUBLISHED
            suggestion.author = user
            suggestion.updated_at = now
            accepted.append(suggestion)
        if accepted:
            fields = ["status", "speaker", "proposed_speaker", "author", "updated_at"]
            Annotation.objects.bulk_update(accepted, fields)
            _record_many(accepted, AnnotationRevision.Action.ACCEPTED, befores, user)
    done = [s.pk for s in accepted]
    return BulkOutcome(done=done, skipped=len(set(ids)) - len(done))


def suggestions_bulk_undo(*, ids: Sequence[int], user) -> BulkOutcome:
    """Undo the accept or reject last recorded on each of `ids`: back to a pending suggestion
    exactly as it was before (span, words, speaker or proposed name, note, author), which
    also clears the rejection memory (a rejected suggestion is that memory). One transaction,
    four queries whatever the number (lock, the last revisions, one UPDATE, one INSERT of
    the history; a fifth reads speakers an undone accept had changed); each undo is in the
    history. A suggestion changed since (edited, deleted, decided again) is left alone and
    counted as skipped."""
    with transaction.atomic():
        current = {
            a.pk: a
            for a in Annotation.objects.select_for_update(of=("self",))
            .select_related("speaker")
            .filter(pk__in=ids)
        }
        last = (
            AnnotationRevision.objects.filter(annotation_id__in=list(current))
            .order_by("annotation_id", "-created_at", "-id")
            .distinct("annotation_id")
        )
        befores: dict[int, dict] = {}
        restored: list[Annotation] = []
        respoken: set[int] = set()
        now = timezone.now()
        for revision in last:
            annotation = current[revision.annotation_id]
            before, after = revision.before or {}, revision.after or {}
            if revision.action not in UNDOABLE or after.get("status") != annotation.status:
                continue
            befores[annotation.pk] = _snapshot(annotation)
            for field in ("start", "end", "exact", "prefix", "suffix", "note"):
                setattr(annotation, field, before[field])
            if annotation.speaker_id != before["speaker_id"]:
                # Read back below (assigning the id forgets the loaded speaker).
                annotation.speaker_id = before["speaker_id"]
                if annotation.speaker_id is not None:
                    respoken.add(annotation.speaker_id)
            annotation.proposed_speaker = before.get("proposed_speaker", "")
            annotation.author_id = before["author_id"]
            annotation.status = Annotation.Status.SUGGESTED
            annotation.updated_at = now
            restored.append(annotation)
        if restored:
            fields = [
                *("start", "end", "exact", "prefix", "suffix", "note", "speaker"),
                *("proposed_speaker", "author", "status", "updated_at"),
            ]
            Annotation.objects.bulk_update(restored, fields)
            # The snapshot names the speaker: one query for those whose speaker changed back
            # to another one (none when each kept its speaker or went back to none).
            speakers = Speaker.objects.in_bulk(respoken) if respoken else {}
            for annotation in restored:
                if annotation.speaker_id in respoken:
                    annotation.speaker = speakers.get(annotation.speaker_id)
            _record_many(restored, AnnotationRevision.Action.SUGGESTION_UNDONE, befores, user)
    done = sorted(a.pk for a in restored)
    return BulkOutcome(done=done, skipped=len(set(ids)) - len(done))


def _lock_pending_many(ids: Sequence[int], *, with_duplicates: bool = False) -> list[Annotation]:
    """The pending suggestions among `ids`, locked, in id order: one query. With
    `with_duplicates`, each says (`quoted_already`) whether a published quote stands on
    exactly its words (the unique span's partial index answers it)."""
    rows = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("speaker")
        .filter(pk__in=ids, kind=Annotation.Kind.QUOTE, status=Annotation.Status.SUGGESTED)
        .order_by("pk")
    )
    if with_duplicates:
        rows = rows.annotate(
            quoted_already=Exists(
                Annotation.objects.published().filter(
                    article=OuterRef("article"),
                    start=OuterRef("start"),
                    end=OuterRef("end"),
                    kind=Annotation.Kind.QUOTE,
                )
            )
        )
    return list(rows)


def _record_many(
    annotations: Sequence[Annotation], action: str, befores: dict[int, dict], user
) -> None:
    """One history entry per annotation, in one INSERT."""
    AnnotationRevision.objects.bulk_create(
        revision_new(a, action, user, befores[a.pk], _snapshot(a)) for a in annotations
    )
