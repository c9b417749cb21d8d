"""The annotation service: checks, revisions, restore, concurrency."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection

from articles.models import Annotation, AnnotationRevision, Speaker, Tag
from articles.permissions import EDITORS_GROUP
from articles.services import annotations as service
from articles.services.annotations import AnnotationFields
from articles.services.speakers import speaker_create, speaker_merge
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db

BODY = "Café owners said “prices will fall” 🍩 soon.\n\nSecond block."


@pytest.fixture
def article():
    return make_article(body=BODY, structure=None)


@pytest.fixture
def editor():
    return make_user(editor=True)


def span(text):
    start = BODY.index(text)
    return {"start": start, "end": start + len(text), "exact": text}


FIELDS = {"kind", "speaker_name", "new_speaker", "verdict", "tag_names", "note"}


def create(**arguments):
    """`annotation_create` with the fields given among the other arguments."""
    fields = AnnotationFields(**{k: arguments.pop(k) for k in FIELDS & arguments.keys()})
    return service.annotation_create(fields=fields, **arguments)


def update(**arguments):
    """`annotation_update` with the fields given among the other arguments."""
    fields = AnnotationFields(**{k: arguments.pop(k) for k in FIELDS & arguments.keys()})
    return service.annotation_update(fields=fields, **arguments)


def test_create_stores_context_and_a_created_revision(article, editor):
    annotation = create(
        article=article, kind="highlight", user=editor, tag_names=["Food"], **span("soon")
    )
    assert annotation.prefix.endswith("🍩 ") and annotation.suffix.startswith(".")
    revision = AnnotationRevision.objects.get()
    assert (revision.annotation_id, revision.action, revision.user) == (
        annotation.pk,
        "created",
        editor,
    )
    assert revision.after is not None
    assert revision.after["tags"] == ["Food"] and revision.after["exact"] == "soon"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start": 0, "end": len(BODY) + 1, "exact": "x"}, "start", "outside the article text"),
        ({"start": 3, "end": 3, "exact": ""}, "start", "The selection is empty"),
        ({"start": 0, "end": 4, "exact": "Cafe"}, "exact", "does not match"),
        ({**span("soon"), "kind": "rumour"}, "kind", "Unknown kind"),
        ({**span("soon"), "kind": "quote", "verdict": "true"}, "verdict", "Only claims"),
        ({**span("soon"), "kind": "claim", "verdict": "maybe"}, "verdict", "Unknown verdict"),
        ({**span("soon"), "kind": "highlight", "speaker_name": "Ann"}, "speaker", "Only quotes"),
        ({**span("soon"), "kind": "quote", "speaker_name": "Nobody"}, "speaker", "Unknown speaker"),
        ({**span("soon"), "tag_names": ["!!!"]}, "tags", "not a usable tag name"),
    ],
)
def test_create_refuses_bad_input_and_stores_nothing(article, editor, fields, field, message):
    arguments = {"kind": "highlight", **fields}
    with pytest.raises(ValidationError) as error:
        create(article=article, user=editor, **arguments)
    assert message in " ".join(error.value.message_dict[field])
    assert not Annotation.objects.exists() and not AnnotationRevision.objects.exists()
    assert not Speaker.objects.exists() and not Tag.objects.exists()


def test_offsets_are_code_points(article, editor):
    annotation = create(article=article, kind="highlight", user=editor, **span("🍩 soon"))
    assert BODY[annotation.start : annotation.end] == "🍩 soon"
    assert annotation.end - annotation.start == 6  # 🍩 is one code point, two UTF-16 units


def test_tags_are_matched_ignoring_case_and_new_ones_get_free_slugs(article, editor):
    existing = make_tag("Energy")
    Tag.objects.create(name="C", slug="c")
    annotation = create(
        article=article,
        kind="highlight",
        user=editor,
        tag_names=["energy", "C++", "New Tag"],
        **span("soon"),
    )
    tags = {t.name: t.slug for t in annotation.tags.all()}
    assert tags == {"Energy": existing.slug, "C++": "c-2", "New Tag": "new-tag"}


def test_update_changes_kind_and_drops_fields_the_new_kind_cannot_have(article, editor):
    speaker = make_speaker("Ann")
    annotation = make_annotation(article, 0, 4, "quote", speaker=speaker)
    updated = update(annotation_id=annotation.pk, user=editor, kind="highlight")
    assert updated.speaker is None and updated.kind == "highlight"
    revision = AnnotationRevision.objects.get()
    assert revision.before is not None and revision.after is not None
    assert revision.before["speaker"] == "Ann" and revision.after["speaker"] == ""


def test_update_can_change_status_with_its_own_action_for_suggestions(article, editor):
    annotation = make_annotation(article, 0, 4, "quote", status="suggested")
    update(
        annotation_id=annotation.pk,
        user=editor,
        kind="quote",
        status="published",
        action=AnnotationRevision.Action.ACCEPTED,
    )
    annotation.refresh_from_db()
    assert annotation.status == "published"
    assert AnnotationRevision.objects.get().action == "accepted"


def test_update_and_delete_of_a_vanished_annotation_raise_gone(article, editor):
    annotation = make_annotation(article, 0, 4)
    pk = annotation.pk
    annotation.delete()
    with pytest.raises(service.AnnotationGone):
        update(annotation_id=pk, user=editor, kind="highlight", note="late")
    with pytest.raises(service.AnnotationGone):
        service.annotation_delete(annotation_id=pk, user=editor)
    assert not AnnotationRevision.objects.exists()


def test_restore_brings_back_the_same_annotation_even_after_a_speaker_merge(article, editor):
    old = make_speaker("Ann Smith")
    keep = make_speaker("Ann B. Smith")
    annotation = make_annotation(article, 0, 4, "quote", speaker=old, tags=[make_tag("x")])
    pk = annotation.pk
    service.annotation_delete(annotation_id=pk, user=editor)
    speaker_merge(keep_id=keep.pk, duplicate_ids=[old.pk], user=editor)
    restored = service.annotation_restore(annotation_id=pk, user=editor)
    assert restored.pk == pk and restored.speaker == keep  # found by the alias the merge kept
    assert [t.name for t in restored.tags.all()] == ["x"]
    with pytest.raises(ValidationError, match="nothing to restore"):
        service.annotation_restore(annotation_id=pk, user=editor)


def test_restore_of_an_unknown_annotation_says_so(editor):
    with pytest.raises(ValidationError, match="no history"):
        service.annotation_restore(annotation_id=12345, user=editor)


def test_a_new_speaker_created_meanwhile_is_reused(article, editor):
    speaker_create(name="Fresh Face")
    annotation = create(
        article=article,
        kind="quote",
        user=editor,
        speaker_name="fresh face",
        new_speaker=True,
        **span("soon"),
    )
    assert annotation.speaker.name == "Fresh Face" and Speaker.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_editors_annotating_one_article_at_once_lose_nothing(article):
    Group.objects.get_or_create(name=EDITORS_GROUP)  # flushed by earlier transactional tests
    editors = [make_user(editor=True) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def annotate(user, text):
        try:
            barrier.wait()
            for shorter in range(5):  # five spans: the same span twice would be refused
                start = BODY.index(text)
                end = start + len(text) - shorter
                create(
                    article=article,
                    kind="highlight",
                    user=user,
                    tag_names=["shared"],
                    start=start,
                    end=end,
                    exact=BODY[start:end],
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=annotate, args=(editors[0], "prices")),
        threading.Thread(target=annotate, args=(editors[1], "Second block")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Annotation.objects.count() == 10 and AnnotationRevision.objects.count() == 10
    assert Tag.objects.filter(name="shared").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_click_stores_one_annotation_and_refuses_the_other(article):
    Group.objects.get_or_create(name=EDITORS_GROUP)  # flushed by earlier transactional tests
    editor = make_user(editor=True)
    barrier = threading.Barrier(2)
    outcomes = []

    def annotate():
        try:
            barrier.wait()
            create(article=article, kind="claim", user=editor, tag_names=["x"], **span("soon"))
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=annotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["This span is already annotated as a claim.", "stored"]
    # The refused one left nothing behind: no row, no revision, no tag link.
    assert Annotation.objects.count() == 1 and AnnotationRevision.objects.count() == 1
    assert Annotation.tags.through.objects.count() == 1


def test_an_identical_annotation_is_refused_but_a_suggestion_is_not(article, editor):
    create(article=article, kind="highlight", user=editor, **span("soon"))
    with pytest.raises(ValidationError, match="already annotated as a highlight"):
        create(article=article, kind="highlight", user=editor, **span("soon"))
    suggestion = create(
        article=article, kind="highlight", user=editor, status="suggested", **span("soon")
    )
    with pytest.raises(ValidationError, match="already annotated as a highlight"):
        update(annotation_id=suggestion.pk, user=editor, kind="highlight", status="published")
    assert Annotation.objects.published().count() == 1


def test_restore_is_refused_when_the_span_was_annotated_again_meanwhile(article, editor):
    first = create(article=article, kind="claim", user=editor, **span("soon"))
    service.annotation_delete(annotation_id=first.pk, user=editor)
    create(article=article, kind="claim", user=editor, **span("soon"))
    with pytest.raises(ValidationError, match="already annotated as a claim"):
        service.annotation_restore(annotation_id=first.pk, user=editor)
    assert Annotation.objects.count() == 1


def test_an_update_may_resize_the_span_taking_the_text_and_context_from_the_body():
    from articles.services.annotations import Span

    body = "The minister said the budget was balanced. Critics disagreed."
    article = make_article(body=body)
    at = body.index("budget")
    annotation = make_annotation(article, at, at + 6, "highlight")
    editor = make_user(editor=True)
    fields = AnnotationFields(kind="highlight")
    wider = body.index("the budget was balanced")
    span = Span(start=wider, end=wider + 23, exact="the budget was balanced")
    moved = service.annotation_update(
        annotation_id=annotation.pk, user=editor, fields=fields, span=span
    )
    assert (moved.start, moved.end, moved.exact) == (wider, wider + 23, "the budget was balanced")
    assert moved.prefix == body[:wider][-32:] and moved.suffix == body[wider + 23 :][:32]
    revision = AnnotationRevision.objects.filter(annotation_id=annotation.pk).first()
    assert revision is not None and revision.before is not None and revision.after is not None
    assert (revision.before["exact"], revision.after["exact"]) == ("budget", span.exact)
    # Words the body does not have there are refused, and nothing changes.
    with pytest.raises(ValidationError) as error:
        service.annotation_update(
            annotation_id=annotation.pk,
            user=editor,
            fields=fields,
            span=Span(start=0, end=3, exact="Tha"),
        )
    assert "exact" in error.value.message_dict
    annotation.refresh_from_db()
    assert annotation.exact == "the budget was balanced"
    # A claim's approved verdict covers its words: resizing it makes the verdict a draft.
    claim = make_annotation(
        article, 0, 3, "claim", verdict="false", note="Why.", status="published"
    )
    judged = AnnotationFields(kind="claim", verdict="false", note="Why.")
    resized = service.annotation_update(
        annotation_id=claim.pk, user=editor, fields=judged, span=Span(0, 12, "The minister")
    )
    assert resized.status == Annotation.Status.DRAFT
