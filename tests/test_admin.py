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
    assert (revision.action, revision.before["note"], revision.after["note"]) == (
        "updated",
        "before",
        "after",
    )
    assert "note: before → after" in staff_client.get(url).content.decode()
    delete = f"/admin/articles/annotation/{annotation.pk}/delete/"
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert AnnotationRevision.objects.filter(action="deleted").count() == 1
