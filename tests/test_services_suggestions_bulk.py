"""Bulk accept and reject of suggestions across articles, and their undo
(articles.services.suggestions): one transaction, bulk queries, a history entry each."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Annotation, AnnotationRevision, Speaker
from articles.services.annotations import AnnotationFields, annotation_update
from articles.services.suggestions import (
    suggestion_reject,
    suggestions_accept_bulk,
    suggestions_bulk_undo,
    suggestions_propose,
    suggestions_reject_bulk,
)
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.'
)
FIELDS = ("status", "start", "end", "exact", "prefix", "suffix", "speaker_id")
MORE_FIELDS = (*FIELDS, "proposed_speaker", "author_id", "note")


def proposed(n_articles: int = 2) -> list[Annotation]:
    """Real suggestions from the quote finder: Yellen matched, Walsh proposed by name."""
    make_speaker("Janet Yellen", aliases=["Yellen"])
    for _ in range(n_articles):
        suggestions_propose(article=make_article(body=BODY, structure=[]))
    return list(Annotation.objects.suggested().order_by("pk"))


def state(ids) -> dict[int, tuple]:
    return {
        a["pk"]: tuple(a[f] for f in MORE_FIELDS)
        for a in Annotation.objects.filter(pk__in=ids).values("pk", *MORE_FIELDS)
    }


def test_bulk_reject_rejects_across_articles_with_a_history_entry_each():
    editor = make_user(editor=True)
    suggestions = proposed()
    assert len({s.article_id for s in suggestions}) == 2
    ids = [s.pk for s in suggestions]
    outcome = suggestions_reject_bulk(ids=ids, user=editor)
    assert outcome.done == ids and outcome.skipped == 0
    assert set(Annotation.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "rejected"
    }
    history = AnnotationRevision.objects.filter(action="rejected", user=editor)
    assert sorted(history.values_list("annotation_id", flat=True)) == ids
    assert all(r.before is not None and r.before["status"] == "suggested" for r in history)
    assert all(r.after is not None and r.after["status"] == "rejected" for r in history)


def test_rejected_in_bulk_is_never_proposed_again():
    suggestions = proposed(1)
    suggestions_reject_bulk(ids=[s.pk for s in suggestions], user=make_user(editor=True))
    assert suggestions_propose(article=suggestions[0].article) == 0


def test_bulk_accept_publishes_with_matched_or_proposed_speakers():
    editor = make_user(editor=True)
    suggestions = proposed()
    outcome = suggestions_accept_bulk(ids=[s.pk for s in suggestions], user=editor)
    assert len(outcome.done) == 4
    quotes = Annotation.objects.published().select_related("speaker")
    assert {q.speaker.name for q in quotes if q.speaker} == {"Janet Yellen", "Mick Walsh"}
    assert all(q.author == editor and q.proposed_speaker == "" for q in quotes)
    # One speaker made for the proposed name, found again for the second article.
    assert Speaker.objects.filter(name="Mick Walsh").count() == 1
    assert AnnotationRevision.objects.filter(action="accepted").count() == 4


def test_bulk_leaves_alone_what_is_no_longer_pending_or_already_quoted():
    editor = make_user(editor=True)
    suggestions = proposed(1)
    yellen, walsh = suggestions
    suggestion_reject(annotation=yellen, user=editor)
    # An editor quoted Walsh's words meanwhile (the finder's suggestion stays pending).
    make_annotation(walsh.article, walsh.start, walsh.end, Annotation.Kind.QUOTE)
    outcome = suggestions_accept_bulk(ids=[yellen.pk, walsh.pk, 10**9], user=editor)
    assert outcome.done == [] and outcome.skipped == 3
    walsh.refresh_from_db()
    assert walsh.status == "suggested"


def test_undo_of_a_bulk_reject_restores_exactly_and_clears_the_rejection_memory():
    editor = make_user(editor=True)
    suggestions = proposed()
    ids = [s.pk for s in suggestions]
    before = state(ids)
    suggestions_reject_bulk(ids=ids, user=editor)
    outcome = suggestions_bulk_undo(ids=ids, user=editor)
    assert outcome.done == ids
    assert state(ids) == before
    assert not Annotation.objects.filter(status="rejected").exists()
    undone = AnnotationRevision.objects.filter(action="undone")
    assert undone.count() == 4
    assert all(
        r.before is not None
        and r.after is not None
        and r.before["status"] == "rejected"
        and r.after["status"] == "suggested"
        for r in undone
    )
    # Pending again, and accepted like any suggestion.
    assert len(suggestions_accept_bulk(ids=ids, user=editor).done) == 4


def test_undo_of_a_bulk_accept_restores_exactly_speaker_name_and_all():
    editor = make_user(editor=True)
    suggestions = proposed(1)
    ids = [s.pk for s in suggestions]
    before = state(ids)
    assert any(values[MORE_FIELDS.index("proposed_speaker")] for values in before.values())
    suggestions_accept_bulk(ids=ids, user=editor)
    assert suggestions_bulk_undo(ids=ids, user=editor).done == ids
    assert state(ids) == before
    assert not Annotation.objects.published().exists()


def test_undo_leaves_alone_what_changed_since():
    editor = make_user(editor=True)
    suggestions = proposed(1)
    ids = [s.pk for s in suggestions]
    suggestions_accept_bulk(ids=ids, user=editor)
    edited = Annotation.objects.select_related("speaker").get(pk=ids[0])
    assert edited.speaker is not None
    fields = AnnotationFields(
        kind="quote", speaker_name=edited.speaker.name, note="Checked the recording."
    )
    annotation_update(annotation_id=edited.pk, user=editor, fields=fields)
    outcome = suggestions_bulk_undo(ids=ids, user=editor)
    assert outcome.done == [ids[1]] and outcome.skipped == 1
    assert Annotation.objects.get(pk=ids[0]).status == "published"
    # A second undo finds nothing left to undo.
    assert suggestions_bulk_undo(ids=ids, user=editor).done == []


@pytest.mark.parametrize("n_articles", [1, 6])
def test_bulk_queries_do_not_grow_with_the_number_chosen(n_articles):
    editor = make_user(editor=True)
    ids = [s.pk for s in proposed(n_articles)]
    counts = {}
    for name, action in (
        ("reject", suggestions_reject_bulk),
        ("undo", suggestions_bulk_undo),
    ):
        with CaptureQueriesContext(connection) as queries:
            action(ids=ids, user=editor)
        counts[name] = len(queries)
    # savepoint, lock, update, history, release; undo also reads the last revisions.
    assert counts == {"reject": 5, "undo": 6}
    make_speaker("Mick Walsh")  # every speaker known: no look-up per name
    with CaptureQueriesContext(connection) as queries:
        suggestions_accept_bulk(ids=ids, user=editor)
    # savepoint, lock (with the duplicate check), one look-up of the proposed name, update,
    # history, release.
    assert len(queries) <= 8
