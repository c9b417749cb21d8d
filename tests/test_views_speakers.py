"""The editors' speaker page: rename, aliases, merge."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, Speaker
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(editor=True))
    return client


def test_the_page_lists_speakers_with_quote_counts_and_filters(editor_client):
    speaker = make_speaker("Angela Merkel", aliases=["Kanzlerin"])
    make_annotation(make_article(), 0, 3, "quote", speaker=speaker)
    make_speaker("Olaf Scholz")
    html = editor_client.get(reverse("articles:speakers_manage")).content.decode()
    assert "Angela Merkel" in html and "Olaf Scholz" in html and 'value="Kanzlerin"' in html
    fragment = editor_client.get(reverse("articles:speakers_manage"), {"q": "kanzler"}, headers=HX)
    html = fragment.content.decode()
    assert "<html" not in html and "Angela Merkel" in html and "Scholz" not in html


def test_the_page_takes_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    for i in range(10):
        make_speaker(f"Speaker {i}")
    with django_assert_num_queries(3):
        editor_client.get(reverse("articles:speakers_manage"))


def test_rename_and_aliases_answer_with_the_row(editor_client, django_assert_num_queries):
    speaker = make_speaker("Jon Doe")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    # No slug lookup: a rename keeps the slug. One to check no alias is another's name. No
    # update of the quotes: a trigger gives their articles' pages a new version.
    with django_assert_num_queries(9):
        response = editor_client.post(
            url, {"name": "John Doe", "aliases": "JD, jd, J. Doe"}, headers=HX
        )
    html = response.content.decode()
    assert response.status_code == 200 and "Saved." in html and f'id="speaker-{speaker.pk}"' in html
    speaker.refresh_from_db()
    assert speaker.name == "John Doe" and speaker.aliases == ["JD", "J. Doe", "Jon Doe"]


def test_a_rename_onto_an_existing_name_is_refused(editor_client):
    make_speaker("Jane Roe")
    speaker = make_speaker("Jane R.")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    response = editor_client.post(url, {"name": "JANE ROE", "aliases": ""}, headers=HX)
    assert response.status_code == 422
    assert "merge the two instead" in response.content.decode()
    speaker.refresh_from_db()
    assert speaker.name == "Jane R."


def test_merge_moves_quotes_and_answers_with_the_table(editor_client, django_assert_num_queries):
    keep = make_speaker("Recep Tayyip Erdoğan")
    duplicate = make_speaker("Erdogan")
    article = make_article()
    for i in range(3):
        make_annotation(article, i, i + 2, "quote", speaker=duplicate)
    url = reverse("articles:speaker_merge", args=[duplicate.pk])
    # The same for any number of quotes; three of them keep the duplicate's page address (its
    # redirects move to the kept speaker, its own slug becomes one, and the delete's
    # cascade finds none left; it looks for quotes and for claims naming the duplicate, both
    # protected, and finds none).
    with django_assert_num_queries(19):
        response = editor_client.post(url, {"into": "recep tayyip erdoğan"}, headers=HX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#speaker-table"
    assert "Merged into Recep Tayyip Erdoğan." in response.content.decode()
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Recep Tayyip Erdoğan"]
    assert Annotation.objects.filter(speaker=keep).count() == 3


def test_merge_into_an_unknown_speaker_is_refused(editor_client):
    speaker = make_speaker("Someone")
    url = reverse("articles:speaker_merge", args=[speaker.pk])
    response = editor_client.post(url, {"into": "Nobody"}, headers=HX)
    assert response.status_code == 422 and "Unknown speaker “Nobody”" in response.content.decode()
    assert 'name="into" value="Nobody"' in response.content.decode()  # kept, to correct it
    assert Speaker.objects.count() == 1


def test_without_htmx_the_page_redirects_with_a_message(editor_client):
    speaker = make_speaker("Someone")
    make_speaker("Other")
    url = reverse("articles:speaker_merge", args=[speaker.pk])
    response = editor_client.post(url, {"into": "Other"}, follow=True)
    assert "Merged into Other." in response.content.decode()


def test_editing_a_speaker_merged_away_meanwhile_says_so(editor_client):
    speaker = make_speaker("Gone")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    speaker.delete()
    response = editor_client.post(url, {"name": "Back", "aliases": ""}, headers=HX)
    assert response.status_code == 422 and "no longer exists" in response.content.decode()


def test_a_rename_shows_on_article_pages_at_once(client, editor_client):
    speaker = make_speaker("Old Name")
    article = make_article()
    make_annotation(article, 0, 5, "quote", speaker=speaker)
    assert "Old Name" in client.get(article.get_absolute_url()).content.decode()
    editor_client.post(reverse("articles:speaker_edit", args=[speaker.pk]), {"name": "New Name"})
    assert "New Name" in client.get(article.get_absolute_url()).content.decode()


def test_logout_shows_the_logged_out_page(editor_client):
    response = editor_client.post(reverse("logout"))
    assert response.status_code == 200 and "You are logged out" in response.content.decode()


def test_an_alias_that_is_another_speakers_name_is_refused(editor_client):
    other = make_speaker("Mark Esper")
    speaker = make_speaker("Secretary Esper", aliases=["The Secretary"])
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    response = editor_client.post(
        url, {"name": "Secretary Esper", "aliases": "Esper, MARK  ESPER"}, headers=HX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "“MARK ESPER” is the name of another speaker, “Mark Esper”" in html
    assert "merge the two speakers" in html
    # What the editor typed stays in the fields, to correct it; nothing is stored.
    assert 'name="aliases" value="Esper, MARK  ESPER"' in html
    speaker.refresh_from_db()
    assert speaker.aliases == ["The Secretary"]
    other.refresh_from_db()
    assert other.aliases == []


def test_alias_clashes_compare_names_as_the_database_lowercases_them(editor_client):
    make_speaker("İsmail Kahraman")  # "İ".lower() is "i̇" in Python, "i" in PostgreSQL
    speaker = make_speaker("Kahraman")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    response = editor_client.post(
        url, {"name": "Kahraman", "aliases": "ismail kahraman"}, headers=HX
    )
    assert response.status_code == 422
    assert "another speaker, “İsmail Kahraman”" in response.content.decode()
    speaker.refresh_from_db()
    assert speaker.aliases == []


def test_an_alias_may_repeat_the_speakers_own_name_or_be_new(editor_client):
    make_speaker("Mark Esper")
    speaker = make_speaker("Lloyd Austin")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    response = editor_client.post(
        url, {"name": "Lloyd Austin", "aliases": "lloyd austin, Austin"}, headers=HX
    )
    assert response.status_code == 200
    speaker.refresh_from_db()
    assert speaker.aliases == ["Austin"]


def test_a_rename_onto_another_speakers_alias_is_refused(editor_client):
    make_speaker("Mark Esper", aliases=["Secretary Esper"])
    speaker = make_speaker("M. Esper")
    url = reverse("articles:speaker_edit", args=[speaker.pk])
    response = editor_client.post(url, {"name": "secretary esper", "aliases": ""}, headers=HX)
    assert response.status_code == 422
    assert "an alias of another speaker, “Mark Esper”" in response.content.decode()
    speaker.refresh_from_db()
    assert speaker.name == "M. Esper"


def test_logout_by_get_asks_first_and_logs_no_one_out(editor_client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the session and the user
        response = editor_client.get(reverse("logout"))
    html = response.content.decode()
    assert response.status_code == 200 and "Log out?" in html
    assert f'<form method="post" action="{reverse("logout")}">' in html
    # Still signed in: the desk answers.
    assert editor_client.get(reverse("articles:desk")).status_code == 200
    response = Client().get(reverse("logout"))
    assert response.status_code == 200 and "You are not logged in" in response.content.decode()
