"""Editors write annotations through the API: the services' rules, messages and history."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from articles.models import (
    SPAN_TEXT_MISMATCH,
    VERDICT_ONLY_FOR_CLAIMS,
    Annotation,
    AnnotationRevision,
)
from articles.services.annotations import UNKNOWN_SPEAKER
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def article():
    return make_article()


def new_quote(article, **fields) -> dict:
    return {
        "article": article.slug,
        "start": 2,
        "end": 7,
        "exact": "first",
        "kind": "quote",
        "speaker": "Ann Lee",
        "new_speaker": True,
        "tags": ["Drought", "drought", "Water"],
        "note": "  a note ",
        **fields,
    }


def post(client, data, headers):
    return client.post("/api/annotations/", data, content_type="application/json", headers=headers)


def test_an_editor_creates_an_annotation_recorded_in_the_history(client, editor, bearer, article):
    response = post(client, new_quote(article), bearer(editor))
    assert response.status_code == 201, response.content
    body = response.json()
    annotation = Annotation.objects.get()
    assert body["id"] == annotation.pk and body["speaker"]["name"] == "Ann Lee"
    assert [t["name"] for t in body["tags"]] == ["Drought", "Water"]
    assert body["note"] == "a note" and body["author"] == "Eda Editor"
    assert annotation.author == editor and annotation.exact == "first"
    revision = AnnotationRevision.objects.get()
    assert revision.action == "created" and revision.user == editor


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"exact": "other"}, "exact", SPAN_TEXT_MISMATCH),
        (
            {"new_speaker": False, "speaker": "Nobody"},
            "speaker",
            UNKNOWN_SPEAKER.format(name="Nobody"),
        ),
        (
            {"kind": "highlight", "speaker": "", "verdict": "false"},
            "verdict",
            VERDICT_ONLY_FOR_CLAIMS,
        ),
        ({"kind": "rumour"}, "kind", "Unknown kind “rumour”: choose quote, claim or highlight."),
    ],
)
def test_refusals_carry_the_editors_messages_on_their_fields(
    client, editor, bearer, article, fields, field, message
):
    response = post(client, new_quote(article, **fields), bearer(editor))
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert not Annotation.objects.exists() and not AnnotationRevision.objects.exists()


def test_a_duplicate_span_is_refused_with_the_editors_message(client, editor, bearer, article):
    headers = bearer(editor)
    assert post(client, new_quote(article), headers).status_code == 201
    again = post(client, new_quote(article, new_speaker=False), headers)
    assert again.status_code == 422
    assert again.json()["errors"]["kind"] == ["This span is already annotated as a quote."]


def test_malformed_and_incomplete_bodies_are_json_errors(client, editor, bearer):
    headers = bearer(editor)
    broken = client.post(
        "/api/annotations/", "{not json", content_type="application/json", headers=headers
    )
    assert broken.status_code == 400 and broken.json()["detail"] == (
        "The request body is not valid JSON."
    )
    missing = post(client, {"kind": "quote"}, headers)
    assert missing.status_code == 422
    assert {"article", "start", "end", "exact"} <= set(missing.json()["errors"])
    unknown = post(client, {**new_quote(make_article()), "article": "nope"}, headers)
    assert unknown.status_code == 404 and unknown.json()["detail"]


def test_a_signed_in_editors_form_post_is_the_json_error_not_a_500(client, editor, article):
    # The CSRF check reads a multipart form as a form, after which the JSON body cannot
    # be read: the answer a token client gets for a body that is not JSON, not a crash.
    client.force_login(editor)
    response = client.post("/api/annotations/", {"kind": "quote"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."
    assert not Annotation.objects.exists()


def test_patch_changes_only_what_it_names(client, editor, bearer, article):
    speaker, tag = make_speaker("Ann Lee"), make_tag("Drought")
    quote = make_annotation(article, 2, 7, "quote", speaker=speaker, tags=[tag], note="keep")
    response = client.patch(
        f"/api/annotations/{quote.pk}/",
        {"note": "changed"},
        content_type="application/json",
        headers=bearer(editor),
    )
    assert response.status_code == 200, response.content
    quote.refresh_from_db()
    assert quote.note == "changed" and quote.speaker == speaker
    assert list(quote.tags.values_list("name", flat=True)) == ["Drought"]
    revision = AnnotationRevision.objects.get()
    assert revision.action == "updated" and (revision.before or {})["note"] == "keep"
    refused = client.patch(
        f"/api/annotations/{quote.pk}/",
        {"kind": "highlight"},  # a quote's speaker stays: only quotes have one
        content_type="application/json",
        headers=bearer(editor),
    )
    assert refused.status_code == 422 and "speaker" in refused.json()["errors"]


def test_a_claim_with_a_verdict_is_created_as_a_draft_with_its_claimant_and_sources(
    client, editor, bearer, article
):
    make_speaker("Jo Minister")
    data = {"article": article.slug, "start": 2, "end": 7, "exact": "first", "kind": "claim"}
    data |= {"verdict": "false", "claimant": "Jo Minister", "sources": ["https://a.example/"]}
    refused = post(client, {**data, "sources": ["not a url"]}, bearer(editor))
    assert refused.status_code == 422 and "sources" in refused.json()["errors"]
    refused = post(client, data, bearer(editor))
    assert refused.status_code == 422 and "note" in refused.json()["errors"]
    created = post(client, {**data, "note": "Why."}, bearer(editor))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["claimant"]["name"], body["sources"]) == (
        "draft",
        "Jo Minister",
        ["https://a.example/"],
    )
    assert body["reviewed_by"] == "" and body["reviewed_at"] is None
    # Not published yet: the API's reads do not have it.
    assert client.get(f"/api/annotations/{body['id']}/").status_code == 404


def test_patching_an_approved_claims_tags_keeps_its_verdict_claimant_and_sources(
    client, editor, bearer, article
):
    reviewer = make_user("rev", first_name="Rex", last_name="Reviewer")
    claim = make_annotation(
        article,
        2,
        7,
        "claim",
        verdict="false",
        note="Why.",
        claimant=make_speaker("Jo Minister"),
        sources=["https://a.example/"],
        reviewer=reviewer,
        reviewed_at=article.created_at,
    )
    response = client.patch(
        f"/api/annotations/{claim.pk}/",
        {"tags": ["economy"]},
        content_type="application/json",
        headers=bearer(editor),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "published" and body["reviewed_by"] == "Rex Reviewer"
    assert body["claimant"] == {"name": "Jo Minister", "slug": "jo-minister"}
    claim.refresh_from_db()
    assert claim.sources == ["https://a.example/"] and claim.status == "published"
    # Its verdict changed: a draft again, withdrawn from readers.
    response = client.patch(
        f"/api/annotations/{claim.pk}/",
        {"verdict": "true"},
        content_type="application/json",
        headers=bearer(editor),
    )
    assert response.json()["status"] == "draft"
    assert client.get(f"/api/annotations/{claim.pk}/").status_code == 404


def test_delete_keeps_a_restorable_revision(client, editor, bearer, article):
    annotation = make_annotation(article, 2, 7)
    response = client.delete(f"/api/annotations/{annotation.pk}/", headers=bearer(editor))
    assert response.status_code == 204
    assert not Annotation.objects.exists()
    assert AnnotationRevision.objects.get().action == "deleted"
    again = client.delete(f"/api/annotations/{annotation.pk}/", headers=bearer(editor))
    assert again.status_code == 404


def test_suggestions_cannot_be_reached_through_the_api(client, editor, bearer, article):
    suggestion = make_annotation(article, 2, 7, "quote", status="suggested")
    headers = bearer(editor)
    assert client.delete(f"/api/annotations/{suggestion.pk}/", headers=headers).status_code == 404
    assert client.get(f"/api/annotations/{suggestion.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("reader", 403), ("editor", 201), ("staff", 201)],
)
def test_create_per_role(client, bearer, article, reader, editor, staff, role, status):
    headers = (
        {}
        if role == "anonymous"
        else bearer({"reader": reader, "editor": editor, "staff": staff}[role])
    )
    response = post(client, new_quote(article), headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("role", "patch_status", "delete_status"),
    [("anonymous", 401, 401), ("reader", 403, 403), ("editor", 200, 204), ("staff", 200, 204)],
)
def test_update_and_delete_per_role(
    client, bearer, article, reader, editor, staff, role, patch_status, delete_status
):
    annotation = make_annotation(article, 2, 7)
    users = {"reader": reader, "editor": editor, "staff": staff}
    headers = {} if role == "anonymous" else bearer(users[role])
    url = f"/api/annotations/{annotation.pk}/"
    patch = client.patch(url, {"note": "n"}, content_type="application/json", headers=headers)
    assert patch.status_code == patch_status
    assert client.delete(url, headers=headers).status_code == delete_status


def test_an_editor_taken_out_of_the_group_loses_write_access_at_once(client, bearer, article):
    user = make_user(editor=True)
    headers = bearer(user)
    assert post(client, new_quote(article), headers).status_code == 201
    user.groups.clear()
    assert (
        post(client, new_quote(article, start=8, end=17, exact="paragraph"), headers).status_code
        == 403
    )


def test_a_write_costs_a_fixed_number_of_queries(
    client, editor, bearer, article, django_assert_num_queries
):
    make_speaker("Ann Lee")
    headers = bearer(editor)
    post(client, new_quote(article, start=8, end=17, exact="paragraph", new_speaker=False), headers)
    # Token, article, speaker by name; savepoint, insert, tags found, tag links, revision,
    # release. Tags known already: none created.
    with django_assert_num_queries(9):
        response = post(client, new_quote(article, new_speaker=False), headers)
    assert response.status_code == 201
