from __future__ import annotations

import pytest

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db

MODELS = ["outlet", "speaker", "tag", "article", "sourcefile", "annotation", "annotationrevision"]


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_it_lists_and_searches_every_model_for_staff(staff_client, model):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker(), tags=[make_tag()])
    assert staff_client.get(f"/admin/articles/{model}/").status_code == 200
    assert staff_client.get(f"/admin/articles/{model}/?q=a").status_code == 200


def test_it_shows_the_article_change_page_with_its_annotations(staff_client):
    article = make_article()
    make_annotation(article, 0, 5)
    response = staff_client.get(f"/admin/articles/article/{article.pk}/change/")
    assert response.status_code == 200
    assert article.body[0:5] in response.content.decode()


def test_it_returns_a_login_redirect_for_non_staff(client):
    client.force_login(make_user(editor=True))
    assert client.get("/admin/articles/article/").status_code == 302


def test_annotation_changes_in_the_admin_are_recorded_and_shown_as_history(staff_client):
    from articles.models import AnnotationRevision

    annotation = make_annotation(make_article(), 0, 5, note="before")
    url = f"/admin/articles/annotation/{annotation.pk}/change/"
    form = {
        "article": annotation.article_id,
        "kind": "highlight",
        "status": "published",
        "start": 0,
        "end": 5,
        "speaker": "",
        "verdict": "",
        "note": "after",
    }
    assert staff_client.post(url, form).status_code == 302
    revision = AnnotationRevision.objects.get()
    assert revision.before is not None and revision.after is not None
    assert (revision.action, revision.before["note"], revision.after["note"]) == (
        "updated",
        "before",
        "after",
    )
    assert "note: before → after" in staff_client.get(url).content.decode()
    delete = f"/admin/articles/annotation/{annotation.pk}/delete/"
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert AnnotationRevision.objects.filter(action="deleted").count() == 1


def test_saving_an_article_in_the_admin_never_rewrites_its_text(staff_client):
    article = make_article(body="First line.\n\nSecond paragraph here.")
    annotation = make_annotation(article, 13, 19)
    url = f"/admin/articles/article/{article.pk}/change/"
    form = {
        "title": "A new title",
        "slug": article.slug,
        "summary": "",
        "published_on": "2020-01-07",
        "outlet": article.outlet_id,
        "agency": "",
        "original_url": "",
        "source_note": "",
        "language": "en",
        # A browser sends textareas with CRLF line ends; the body must ignore it.
        "body": "First line.\r\n\r\nSecond paragraph here.",
        "annotations-TOTAL_FORMS": "1",
        "annotations-INITIAL_FORMS": "1",
        "annotations-MIN_NUM_FORMS": "0",
        "annotations-MAX_NUM_FORMS": "0",
        "annotations-0-id": annotation.pk,
        "annotations-0-article": article.pk,
    }
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "A new title"
    assert article.body == "First line.\n\nSecond paragraph here."
    assert article.body[13:19] == Annotation.objects.get().exact


def test_the_article_page_lists_annotations_read_only_without_delete_boxes(staff_client):
    article = make_article()
    make_annotation(article, 0, 5)
    html = staff_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="annotations-0-DELETE"' not in html
    assert 'name="annotations-0-start"' not in html


def test_a_saved_annotations_span_cannot_be_moved_in_the_admin(staff_client):
    annotation = make_annotation(make_article(), 0, 5)
    url = f"/admin/articles/annotation/{annotation.pk}/change/"
    form = {"kind": "highlight", "status": "published", "start": 0, "end": 999999, "note": ""}
    assert staff_client.post(url, form).status_code == 302
    annotation.refresh_from_db()
    assert (annotation.start, annotation.end) == (0, 5)


def test_an_annotation_added_in_the_admin_must_lie_inside_the_text(staff_client):
    article = make_article(body="Short text.")
    form = {"article": article.pk, "kind": "highlight", "status": "published", "note": ""}
    response = staff_client.post("/admin/articles/annotation/add/", {**form, "start": 0, "end": 99})
    assert response.status_code == 200
    assert "outside the article text" in response.content.decode()  # Annotation.clean()
    assert not Annotation.objects.exists()
    response = staff_client.post("/admin/articles/annotation/add/", {**form, "start": 0, "end": 5})
    assert response.status_code == 302
    assert Annotation.objects.get().exact == "Short"


def test_publishing_a_duplicate_span_in_the_admin_gets_a_message_not_an_error(staff_client):
    article = make_article()
    make_annotation(article, 0, 5, "quote")
    suggestion = make_annotation(article, 0, 5, "quote", status="suggested")
    url = f"/admin/articles/annotation/{suggestion.pk}/change/"
    form = {"kind": "quote", "status": "published", "speaker": "", "verdict": "", "note": ""}
    response = staff_client.post(url, form)
    assert response.status_code == 200
    assert "This span is already annotated with this kind." in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"
    # Another kind on the same span is fine.
    assert staff_client.post(url, {**form, "kind": "highlight"}).status_code == 302


def test_a_verdict_set_in_the_admin_is_a_draft_and_only_a_reviewer_publishes_it(staff_client):
    article = make_article(body="Short text here.")
    form = {"article": article.pk, "kind": "claim", "status": "published", "verdict": "false"}
    form |= {"start": 0, "end": 5, "note": "", "sources": "[]"}
    response = staff_client.post("/admin/articles/annotation/add/", form)
    assert response.status_code == 200
    assert "A verdict needs its rationale" in response.content.decode()
    response = staff_client.post("/admin/articles/annotation/add/", {**form, "note": "Why."})
    assert response.status_code == 302
    claim = Annotation.objects.get()
    assert claim.status == "draft"
    url = f"/admin/articles/annotation/{claim.pk}/change/"
    change = {**form, "note": "Why.", "status": "published"}
    response = staff_client.post(url, change)
    assert response.status_code == 200
    assert "published by a second editor approving it" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "draft"
