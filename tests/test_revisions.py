"""An annotation's history (articles/revisions.py): snapshots, records, changes read back."""

from __future__ import annotations

import pytest

from articles.models import AnnotationRevision
from articles.revisions import (
    annotation_snapshot,
    revision_changes,
    revision_new,
    revision_record,
    revision_summary,
)
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db


def test_a_snapshot_keeps_what_recreating_the_annotation_needs(django_assert_num_queries):
    speaker = make_speaker("Ann Smith")
    quote = make_annotation(make_article(), 0, 4, "quote", speaker=speaker, note="n")
    quote.tags.set([make_tag("b"), make_tag("a")])
    snapshot = annotation_snapshot(quote)
    assert snapshot["speaker"] == "Ann Smith" and snapshot["speaker_id"] == speaker.pk
    assert snapshot["tags"] == ["a", "b"] and snapshot["note"] == "n"
    assert {"start", "end", "exact", "prefix", "suffix", "kind", "status"} <= snapshot.keys()
    with django_assert_num_queries(0):  # tags given: no query
        assert annotation_snapshot(quote, tags=[])["tags"] == []


def test_a_record_belongs_to_the_user_only_when_signed_in(django_assert_num_queries):
    annotation = make_annotation(make_article(), 0, 4)
    editor = make_user(editor=True)
    with django_assert_num_queries(1):
        revision = revision_record(annotation, "created", editor, None, {"exact": "x"})
    assert (revision.annotation_id, revision.article_id, revision.user) == (
        annotation.pk,
        annotation.article_id,
        editor,
    )
    assert revision_new(annotation, "deleted", None, {}, None).user is None
    assert AnnotationRevision.objects.count() == 1  # revision_new saves nothing


def test_changes_and_summary_name_what_an_update_changed():
    update = AnnotationRevision(
        before={"kind": "highlight", "note": "", "tags": ["a"], "exact": "w"},
        after={"kind": "claim", "note": "checked", "tags": ["a"], "exact": "w"},
    )
    assert revision_changes(update) == [("kind", "highlight", "claim"), ("note", "", "checked")]
    assert revision_summary(update) == "kind: highlight → claim; note: (none) → checked"
    created = AnnotationRevision(before=None, after={"exact": "the words"})
    assert revision_changes(created) == [] and revision_summary(created) == "“the words”"
