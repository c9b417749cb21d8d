"""Annotating through HTMX: create, details, edit, delete, restore; errors store nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, AnnotationRevision, Speaker, Tag
from articles.services.annotations import AnnotationFields
from articles.services.annotations import annotation_create as create_annotation
from articles.services.annotations import annotation_delete as delete_annotation
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user
from tests.htmx import parse

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
BODY = 'He said "we will win" today. ✨ Emoji first, then more.\n\nSecond paragraph follows here.'


@pytest.fixture
def editor():
    return make_user("ed", editor=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article():
    return make_article(body=BODY, structure=None)


def span(article, text):
    start = article.body.index(text)
    return {"start": start, "end": start + len(text), "exact": text}


def create(client, article, headers=HX, **data):
    return client.post(
        reverse("articles:annotation_create", args=[article.slug]), data, headers=headers
    )


def test_it_creates_a_quote_with_a_new_speaker_and_returns_the_fragments(editor_client, article):
    response = create(
        editor_client,
        article,
        kind="quote",
        speaker="Jane Roe",
        new_speaker="on",
        tags="politics, Elections",
        note=" said twice ",
        **span(article, "we will win"),
    )
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert annotation.speaker is not None
    assert annotation.speaker.name == "Jane Roe"
    assert annotation.exact == "we will win"
    assert annotation.note == "said twice"
    assert sorted(t.name for t in annotation.tags.all()) == ["Elections", "politics"]
    html = response.content.decode()
    # Only what changed, out of band: the paragraph with the new mark, and the list, whole
    # since it was empty.
    assert 'id="article-body"' not in html
    assert '<p data-start="0" hx-swap-oob="outerHTML:#article-body > [data-start=\'0\']">' in html
    assert "Second paragraph" not in html  # the other paragraph is unchanged
    assert 'id="annotation-list" class="annotation-list" hx-swap-oob="true"' in html
    assert f'id="annotation-{annotation.pk}"' in html and f'id="item-{annotation.pk}"' in html
    assert response["HX-Reswap"] == "none"  # the form stays; the rest swaps out of band
    assert "Quote saved." in html
    assert "<html" not in html
    assert "annotation-saved" in response["HX-Trigger-After-Settle"]
    revision = AnnotationRevision.objects.get()
    assert revision.user is not None and revision.after is not None
    assert revision.action == "created" and revision.user.username == "ed"
    assert revision.after["speaker"] == "Jane Roe" and revision.before is None


def test_offsets_count_code_points_not_utf16_units(editor_client, article):
    response = create(editor_client, article, kind="highlight", **span(article, "Emoji first"))
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert article.body[annotation.start : annotation.end] == "Emoji first"


def test_a_selection_across_paragraphs_may_send_one_newline_for_the_separator(
    editor_client, article
):
    start = article.body.index("then more.")
    end = article.body.index("Second paragraph") + len("Second paragraph")
    response = create(
        editor_client,
        article,
        kind="highlight",
        start=start,
        end=end,
        exact="then more.\nSecond paragraph",
    )
    assert response.status_code == 200
    assert Annotation.objects.get().exact == "then more.\n\nSecond paragraph"


def test_overlapping_annotations_are_allowed(editor_client, article):
    make_annotation(article, *[span(article, "we will win")[k] for k in ("start", "end")])
    response = create(
        editor_client,
        article,
        kind="claim",
        verdict="false",
        note="Polls say otherwise.",
        **span(article, 'will win" today'),
    )
    assert response.status_code == 200
    assert Annotation.objects.count() == 2


def test_a_claim_gets_its_verdict_and_a_highlight_its_existing_tags(editor_client, article):
    tag = make_tag("Economy")
    fields = {"kind": "claim", "verdict": "mostly-false", "note": "Not quite."}
    create(editor_client, article, **fields, **span(article, "today"))
    create(editor_client, article, kind="highlight", tags="economy", **span(article, "Second"))
    claim, highlight = Annotation.objects.order_by("start")
    assert claim.verdict == "mostly-false"
    # A verdict waits for a second editor: a draft until submitted and approved.
    assert claim.status == Annotation.Status.DRAFT
    assert list(highlight.tags.all()) == [tag]
    assert Tag.objects.count() == 1


def test_an_existing_speaker_is_found_by_alias_ignoring_case(editor_client, article):
    speaker = make_speaker("Recep Tayyip Erdoğan", aliases=["Erdogan"])
    create(editor_client, article, kind="quote", speaker="ERDOGAN", **span(article, "we will win"))
    assert Annotation.objects.get().speaker == speaker
    assert Speaker.objects.count() == 1


def test_without_htmx_it_redirects_to_the_new_mark(editor_client, article):
    response = create(
        editor_client, article, headers={}, kind="highlight", **span(article, "today")
    )
    annotation = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{annotation.pk}")


ERRORS = [
    ({"start": 0, "end": 9999, "exact": "x"}, "outside the article text"),
    ({"start": 5, "end": 3, "exact": "x"}, "The selection is empty"),
    ({"start": -1, "end": 3, "exact": "He "}, "greater than or equal to 0"),
    ({"start": 0, "end": 7, "exact": "She said"}, "does not match the article"),
]


@pytest.mark.parametrize(("offsets", "message"), ERRORS)
def test_bad_offsets_get_a_message_and_store_nothing(editor_client, article, offsets, message):
    response = create(editor_client, article, kind="highlight", **offsets)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Annotation.objects.exists() and not AnnotationRevision.objects.exists()


def test_a_refusal_also_replaces_the_status_line(editor_client, article, django_assert_num_queries):
    """#13 bug 5: after a save, a refused duplicate showed its error in the form while the
    status line still said "Claim saved"."""
    assert create(editor_client, article, kind="claim", **span(article, "today")).status_code == 200
    # session, user with editor status, article, savepoint, the refused insert, rollback to
    # and release of the savepoint; the status line adds none.
    with django_assert_num_queries(7):
        response = create(editor_client, article, kind="claim", **span(article, "today"))
    assert response.status_code == 422
    html = response.content.decode()
    assert '<div id="annotate-status" hx-swap-oob="innerHTML">' in html
    assert "Not saved: see the form" in html and "saved." not in html.replace("Not saved", "")
    # Without htmx, the form page alone.
    plain = create(editor_client, article, headers={}, kind="claim", **span(article, "today"))
    assert plain.status_code == 422 and "hx-swap-oob" not in plain.content.decode()


def test_an_unknown_speaker_is_refused_unless_new_speaker_is_ticked(editor_client, article):
    response = create(
        editor_client, article, kind="quote", speaker="Nobody Known", **span(article, "today")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown speaker “Nobody Known”" in html
    assert 'value="Nobody Known"' in html  # what the editor typed is kept
    assert not Annotation.objects.exists() and not Speaker.objects.exists()


def test_a_verdict_on_a_quote_is_refused(editor_client, article):
    speaker = make_speaker()
    response = create(
        editor_client,
        article,
        kind="quote",
        speaker=speaker.name,
        verdict="true",
        **span(article, "today"),
    )
    assert response.status_code == 422
    assert "Only claims have a verdict" in response.content.decode()
    assert not Annotation.objects.exists()


def test_an_unknown_kind_is_refused(editor_client, article):
    response = create(editor_client, article, kind="rumour", **span(article, "today"))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Annotation.objects.exists()


def test_a_new_speaker_is_not_stored_when_the_span_is_wrong(editor_client, article):
    response = create(
        editor_client,
        article,
        kind="quote",
        speaker="Fresh Face",
        new_speaker="on",
        start=0,
        end=2,
        exact="zz",
    )
    assert response.status_code == 422
    assert not Speaker.objects.exists()


def test_a_post_with_the_csrf_header_is_accepted(editor, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(article.get_absolute_url())
    token = page.cookies["csrftoken"].value
    response = create(
        client,
        article,
        headers={**HX, "X-CSRFToken": token},
        kind="highlight",
        **span(article, "today"),
    )
    assert response.status_code == 200
    assert Annotation.objects.count() == 1


def test_create_takes_a_fixed_number_of_queries(editor_client, article, django_assert_num_queries):
    for i in range(5):
        make_annotation(article, i, i + 3)
    speaker = make_speaker("Known")
    make_tag("one")
    data = {"kind": "quote", "speaker": speaker.name, "tags": "one, two", **span(article, "today")}

    # session, user with editor status, article, speaker, savepoint, insert (a unique
    # constraint refuses a duplicate: no lock, no look-up), tags (find, free slugs, insert,
    # find the new), link, revision, release; then the article's annotations as outlines.
    with django_assert_num_queries(14):
        assert create(editor_client, article, **data).status_code == 200
    data = {**data, **span(article, "today.")}
    with django_assert_num_queries(14):
        assert create(editor_client, article, **{**data, "tags": "one, three"}).status_code == 200
    # Existing tags only (the usual case): one query finds them.
    data = {**data, **span(article, "Second")}
    with django_assert_num_queries(11):
        assert create(editor_client, article, **{**data, "tags": "one, two"}).status_code == 200
    # A highlight without tags or speaker, as most are.
    data = {"kind": "highlight", **span(article, "paragraph")}
    with django_assert_num_queries(8):
        assert create(editor_client, article, **data).status_code == 200


def test_details_show_the_history_with_previous_values(editor_client, article, editor):
    create(editor_client, article, kind="highlight", note="first", **span(article, "today"))
    annotation = Annotation.objects.get()
    other = make_user("second-editor", editor=True)
    editor_client.force_login(other)
    editor_client.post(
        reverse("articles:annotation_edit", args=[annotation.pk]),
        {"kind": "claim", "verdict": "true", "note": "second"},
        headers=HX,
    )
    response = editor_client.get(
        reverse("articles:annotation_detail", args=[annotation.pk]), headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Created</strong> by ed" in html
    assert "Updated</strong> by second-editor" in html
    assert "<del>first</del>" in html and "<ins>second</ins>" in html
    assert "<del>highlight</del> → <ins>claim</ins>" in html
    full = editor_client.get(reverse("articles:annotation_detail", args=[annotation.pk]))
    assert "<html" in full.content.decode()


def test_details_take_a_fixed_number_of_queries(editor_client, article, django_assert_num_queries):
    annotation = make_annotation(article, 0, 2, tags=[make_tag(), make_tag()])
    with django_assert_num_queries(5):
        editor_client.get(reverse("articles:annotation_detail", args=[annotation.pk]), headers=HX)


def test_edit_form_is_prefilled(editor_client, article):
    speaker = make_speaker("Ann Speaker")
    annotation = make_annotation(article, 0, 2, "quote", speaker=speaker, tags=[make_tag("Alpha")])
    response = editor_client.get(
        reverse("articles:annotation_edit", args=[annotation.pk]), headers=HX
    )
    html = response.content.decode()
    assert 'value="Ann Speaker"' in html and 'value="Alpha"' in html
    assert re.search(r'value="quote"[^>]* checked', html)


def test_editing_a_claim_keeps_its_claimant_and_sources_and_its_approved_verdict(
    editor_client, article
):
    """The form comes filled with the claimant and sources: saving only new tags changes
    nothing a reviewer approved, so the verdict stays published."""
    claim = make_annotation(
        article,
        0,
        2,
        "claim",
        verdict="false",
        note="Why.",
        claimant=make_speaker("Jo Minister"),
        sources=["https://a.example/1", "https://b.example/2"],
    )
    url = reverse("articles:annotation_edit", args=[claim.pk])
    html = editor_client.get(url, headers=HX).content.decode()
    assert 'value="Jo Minister"' in html
    assert ">https://a.example/1\nhttps://b.example/2</textarea>" in html
    form = {"kind": "claim", "verdict": "false", "note": "Why.", "claimant": "Jo Minister"}
    form |= {"sources": "https://a.example/1\nhttps://b.example/2", "tags": "economy"}
    assert editor_client.post(url, form, headers=HX).status_code == 200
    claim.refresh_from_db()
    assert claim.status == "published" and claim.claimant is not None
    assert claim.sources == ["https://a.example/1", "https://b.example/2"]


def test_edit_changes_fields_and_records_a_revision(
    editor_client, article, django_assert_num_queries
):
    annotation = make_annotation(article, 0, 2, "claim", verdict="true")
    url = reverse("articles:annotation_edit", args=[annotation.pk])
    data = {"kind": "claim", "verdict": "false", "tags": "a, b", "note": "checked"}
    # session, user with editor status, savepoint, the annotation locked with its article, its tags,
    # update, tags (find, free slugs, insert, find the new, linked, link), revision, release,
    # the outlines.
    with django_assert_num_queries(15):
        response = editor_client.post(url, data, headers=HX)
    assert response.status_code == 200
    assert "Claim updated." in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.verdict == "false" and annotation.note == "checked"
    revision = AnnotationRevision.objects.get()
    assert revision.before is not None and revision.after is not None
    assert revision.before["verdict"] == "true" and revision.after["verdict"] == "false"
    assert revision.after["tags"] == ["a", "b"]


def test_an_edit_may_resize_the_span_and_answers_with_the_whole_body_and_list(
    editor_client, article, django_assert_num_queries
):
    at = article.body.index("win")
    annotation = make_annotation(article, at, at + 3, "highlight")
    url = reverse("articles:annotation_edit", args=[annotation.pk])
    page = editor_client.get(url, headers=HX).content.decode()
    assert f'data-span-edit data-start="{annotation.start}"' in page
    assert 'role="slider" data-edge="end"' in page
    data = {"kind": "highlight", **span(article, "we will win")}
    # session, user, savepoint, the annotation locked, its tags, update, tags set, revision,
    # release; then the article and its annotations for the whole body and list.
    with django_assert_num_queries(11):
        response = editor_client.post(url, data, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Highlight updated." in html and 'id="article-body"' in html
    saved = json.loads(response["HX-Trigger-After-Settle"])
    assert saved == {"annotation-saved": {"id": annotation.pk, "target": "body"}}
    annotation.refresh_from_db()
    assert annotation.exact == "we will win"
    # A span sent in part is refused with its message; the span stays.
    response = editor_client.post(url, {"kind": "highlight", "start": 0}, headers=HX)
    assert response.status_code == 422
    assert "The new span came incomplete" in response.content.decode()
    # Words that are not the text there are refused too.
    bad = {"kind": "highlight", "start": 0, "end": 3, "exact": "XYZ"}
    assert editor_client.post(url, bad, headers=HX).status_code == 422
    annotation.refresh_from_db()
    assert annotation.exact == "we will win"


def test_edit_errors_keep_the_annotation_unchanged(editor_client, article):
    annotation = make_annotation(article, 0, 2, "highlight")
    url = reverse("articles:annotation_edit", args=[annotation.pk])
    response = editor_client.post(url, {"kind": "highlight", "verdict": "true"}, headers=HX)
    assert response.status_code == 422
    assert "Only claims have a verdict" in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.verdict == "" and not AnnotationRevision.objects.exists()


def test_editing_a_deleted_annotation_is_a_clear_conflict(editor_client, article, editor):
    annotation = make_annotation(article, 0, 2)
    pk = annotation.pk
    delete_annotation(annotation_id=pk, user=editor)  # by another editor, with its revision
    url = reverse("articles:annotation_edit", args=[pk])
    response = editor_client.post(url, {"kind": "highlight", "note": "late"}, headers=HX)
    assert response.status_code == 409
    assert "another editor deleted it" in response.content.decode()
    assert response["HX-Retarget"] == "#annotate-status"
    delete = editor_client.post(reverse("articles:annotation_delete", args=[pk]), headers=HX)
    assert delete.status_code == 409


def test_delete_offers_undo_and_undo_restores_the_same_annotation(
    editor_client, article, django_assert_num_queries
):
    speaker = make_speaker()
    annotation = make_annotation(
        article, 3, 9, "quote", speaker=speaker, note="n", tags=[make_tag("t")]
    )
    # session, user with editor status, savepoint, the annotation locked with its article, its tags,
    # revision, unlink the tags, delete, release, the outlines.
    with django_assert_num_queries(10):
        response = editor_client.post(
            reverse("articles:annotation_delete", args=[annotation.pk]), headers=HX
        )
    html = response.content.decode()
    assert "Quote deleted." in html and "data-undo" in html
    assert f'id="annotation-{annotation.pk}"' not in html
    assert not Annotation.objects.exists()
    # session, user with editor status, savepoint, the last revision locked with its article, is it
    # alive, speaker, author, insert (a unique constraint refuses a duplicate: no lock, no
    # look-up), tags, link, revision, release, the outlines.
    with django_assert_num_queries(13):
        response = editor_client.post(
            reverse("articles:annotation_restore", args=[annotation.pk]), headers=HX
        )
    assert response.status_code == 200
    restored = Annotation.objects.get()
    assert restored.pk == annotation.pk and restored.speaker == speaker
    assert [t.name for t in restored.tags.all()] == ["t"] and restored.note == "n"
    actions = list(AnnotationRevision.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["deleted", "restored"]
    again = editor_client.post(
        reverse("articles:annotation_restore", args=[annotation.pk]), headers=HX
    )
    assert again.status_code == 409 and "nothing to restore" in again.content.decode()


def test_article_history_offers_restore_for_deleted_annotations(editor_client, article):
    create(editor_client, article, kind="highlight", **span(article, "today"))
    annotation = Annotation.objects.get()
    editor_client.post(reverse("articles:annotation_delete", args=[annotation.pk]), headers=HX)
    response = editor_client.get(reverse("articles:article_history", args=[article.slug]))
    html = response.content.decode()
    assert "Deleted</strong> #" in html and "Restore “today”" in html
    editor_client.post(reverse("articles:annotation_restore", args=[annotation.pk]))
    assert (
        "Restore “"
        not in editor_client.get(
            reverse("articles:article_history", args=[article.slug])
        ).content.decode()
    )


def test_the_article_page_shows_tools_to_editors_only(client, editor, article):
    make_annotation(article, 0, 2)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "annotate.js" not in html and 'id="annotate-form"' not in html
    client.force_login(make_user())
    html = client.get(article.get_absolute_url()).content.decode()
    assert "annotate.js" not in html and "/delete/" not in html
    client.force_login(editor)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "annotate.js" in html and 'id="annotate-form"' in html
    assert 'id="annotation-actions-template"' in html
    assert 'data-start="0"' in html


def test_without_javascript_details_edit_and_delete_work_as_pages(editor_client, article):
    annotation = make_annotation(article, 0, 2, "highlight")
    details = editor_client.get(reverse("articles:annotation_detail", args=[annotation.pk]))
    assert "<div hx-disable>" in details.content.decode()  # no panel to swap into
    edit_url = reverse("articles:annotation_edit", args=[annotation.pk])
    assert "<div hx-disable>" in editor_client.get(edit_url).content.decode()
    response = editor_client.post(edit_url, {"kind": "highlight", "note": "plain"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"#annotation-{annotation.pk}"
    )
    response = editor_client.post(reverse("articles:annotation_delete", args=[annotation.pk]))
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert not Annotation.objects.exists()


def test_details_of_an_annotation_deleted_meanwhile_say_so(editor_client, article):
    create(editor_client, article, kind="highlight", **span(article, "today"))
    annotation = Annotation.objects.get()
    editor_client.post(reverse("articles:annotation_delete", args=[annotation.pk]), headers=HX)
    response = editor_client.get(
        reverse("articles:annotation_detail", args=[annotation.pk]), headers=HX
    )
    assert response.status_code == 409 and "deleted meanwhile" in response.content.decode()
    assert editor_client.get(reverse("articles:annotation_detail", args=[99999])).status_code == 404


def test_without_htmx_a_refused_annotation_gets_the_form_page_with_its_message(
    editor_client, article
):
    response = create(
        editor_client,
        article,
        headers={},
        kind="quote",
        speaker="Nobody Known",
        **span(article, "we will win"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Unknown speaker" in html and "<html" in html
    assert f'href="{article.get_absolute_url()}"' in html
    assert not Annotation.objects.exists()


def test_the_same_span_and_kind_twice_is_refused_and_stores_nothing(editor_client, article):
    data = {"kind": "quote", "speaker": "Jane Roe", "new_speaker": "on"}
    assert create(editor_client, article, **data, **span(article, "we will win")).status_code == 200
    response = create(editor_client, article, **data, **span(article, "we will win"))
    assert response.status_code == 422
    assert "This span is already annotated as a quote." in response.content.decode()
    assert Annotation.objects.count() == 1
    assert AnnotationRevision.objects.count() == 1
    without_htmx = create(
        editor_client, article, headers={}, **data, **span(article, "we will win")
    )
    assert without_htmx.status_code == 422
    assert Annotation.objects.count() == 1


def test_other_kinds_overlaps_and_suggestions_on_the_same_span_are_allowed(editor_client, article):
    text = span(article, "we will win")
    make_annotation(article, text["start"], text["end"], "quote", status="suggested")
    make_annotation(article, text["start"], text["end"], "quote", status="rejected")
    assert create(editor_client, article, kind="quote", **text).status_code == 200
    assert create(editor_client, article, kind="claim", **text).status_code == 200
    assert (
        create(editor_client, article, kind="quote", **span(article, "we will")).status_code == 200
    )
    assert Annotation.objects.published().count() == 3


def test_editing_the_kind_into_a_clash_is_refused(editor_client, article):
    make_annotation(article, 0, 7, "claim")
    highlight = make_annotation(article, 0, 7, "highlight")
    url = reverse("articles:annotation_edit", args=[highlight.pk])
    response = editor_client.post(url, {"kind": "claim"}, headers=HX)
    assert response.status_code == 422
    assert "This span is already annotated as a claim." in response.content.decode()
    highlight.refresh_from_db()
    assert highlight.kind == "highlight" and not AnnotationRevision.objects.exists()
    # Editing other fields of an annotation never clashes with itself.
    response = editor_client.post(url, {"kind": "highlight", "note": "fine"}, headers=HX)
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [HX, {}])
def test_ids_that_never_existed_are_404_not_a_conflict(
    editor_client, headers, django_assert_num_queries
):
    never = 99999
    # session, user with editor status; the annotation (locked for writes), and its history.
    with django_assert_num_queries(4):
        edit = editor_client.get(reverse("articles:annotation_edit", args=[never]), headers=headers)
    assert edit.status_code == 404
    update = editor_client.post(
        reverse("articles:annotation_edit", args=[never]), {"kind": "highlight"}, headers=headers
    )
    assert update.status_code == 404
    with django_assert_num_queries(7):  # and savepoint, rollback, release
        delete = editor_client.post(
            reverse("articles:annotation_delete", args=[never]), headers=headers
        )
    assert delete.status_code == 404
    restore = editor_client.post(
        reverse("articles:annotation_restore", args=[never]), headers=headers
    )
    assert restore.status_code == 404
    assert "another editor deleted it" not in delete.content.decode()


def test_deleted_annotations_still_get_the_conflict_message(editor_client, article, editor):
    annotation = create_annotation(
        article=article,
        fields=AnnotationFields(kind="highlight"),
        user=editor,
        **span(article, "today"),
    )
    pk = annotation.pk
    editor_client.post(reverse("articles:annotation_delete", args=[pk]), headers=HX)
    edit = editor_client.get(reverse("articles:annotation_edit", args=[pk]), headers=HX)
    assert edit.status_code == 409 and "another editor deleted it" in edit.content.decode()
    delete = editor_client.post(reverse("articles:annotation_delete", args=[pk]), headers=HX)
    assert delete.status_code == 409 and "another editor deleted it" in delete.content.decode()
    assert (
        editor_client.post(
            reverse("articles:annotation_restore", args=[pk]), headers=HX
        ).status_code
        == 200
    )
    again = editor_client.post(reverse("articles:annotation_restore", args=[pk]), headers=HX)
    assert again.status_code == 409 and "not deleted" in again.content.decode()


def test_restoring_a_live_annotation_without_history_is_a_conflict_not_404(editor_client, article):
    suggestion = make_annotation(article, 0, 2, "quote", status="suggested")  # no revision yet
    response = editor_client.post(
        reverse("articles:annotation_restore", args=[suggestion.pk]), headers=HX
    )
    assert response.status_code == 409


def test_the_filter_counts_follow_each_write(editor_client, article):
    response = create(editor_client, article, kind="highlight", **span(article, "today"))
    nav = parse(response.content.decode()).get("#annotation-filters")
    assert nav.attrs["hx-swap-oob"] == "outerHTML"
    assert "Highlights" in nav.html() and "Claims" not in nav.html()
    response = create(editor_client, article, kind="claim", **span(article, "Second paragraph"))
    assert "Claims" in parse(response.content.decode()).get("#annotation-filters").html()
