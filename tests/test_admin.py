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
