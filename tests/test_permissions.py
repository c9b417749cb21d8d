"""Every write URL, and every editor-only page, refuses readers (403) and anonymous visitors
(login redirect), and nothing is stored."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Annotation, AnnotationRevision, Speaker
from articles.permissions import EDITORS_GROUP
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets():
    article = make_article()
    annotation = make_annotation(article, 0, 7, "quote", speaker=make_speaker("Kept"))
    other = make_speaker("Other")
    return article, annotation, other


def write_requests(article, annotation, other):
    a = annotation.pk
    return [
        (
            reverse("articles:annotation_create", args=[article.slug]),
            {"kind": "highlight", "start": 0, "end": 7, "exact": article.body[:7]},
        ),
        (reverse("articles:annotation_edit", args=[a]), {"kind": "highlight", "note": "x"}),
        (reverse("articles:annotation_delete", args=[a]), {}),
        (reverse("articles:annotation_restore", args=[a]), {}),
        (reverse("articles:speaker_edit", args=[other.pk]), {"name": "Renamed", "aliases": ""}),
        (reverse("articles:speaker_merge", args=[other.pk]), {"into": "Kept"}),
    ]


def editor_pages(article, annotation):
    return [
        reverse("articles:annotation_detail", args=[annotation.pk]),
        reverse("articles:annotation_edit", args=[annotation.pk]),
        reverse("articles:article_history", args=[article.slug]),
        reverse("articles:speaker_autocomplete") + "?speaker=K",
        reverse("articles:tag_autocomplete") + "?tags=a",
        reverse("articles:speakers_manage"),
    ]


def state():
    return (
        list(Annotation.objects.values_list("id", "kind", "note", "speaker_id")),
        list(Speaker.objects.values_list("id", "name").order_by("id")),
        AnnotationRevision.objects.count(),
    )


@pytest.mark.parametrize("index", range(6))
def test_anonymous_writes_are_sent_to_log_in_and_change_nothing(client, targets, index):
    url, data = write_requests(*targets)[index]
    before = state()
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert state() == before


@pytest.mark.parametrize("index", range(6))
def test_reader_writes_get_403_and_change_nothing(client, targets, index):
    client.force_login(make_user())
    url, data = write_requests(*targets)[index]
    before = state()
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("index", range(6))
def test_editor_pages_are_closed_to_readers_and_anonymous_visitors(client, targets, index):
    article, annotation, _ = targets
    url = editor_pages(article, annotation)[index]
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_user(editor=True))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("index", range(6))
def test_staff_may_write_without_the_editors_group(client, targets, index):
    client.force_login(make_user(is_staff=True))
    url, data = write_requests(*targets)[index]
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code in (200, 409)  # restore of a live annotation is a conflict


def test_get_on_write_only_urls_is_refused(client, targets):
    article, annotation, other = targets
    client.force_login(make_user(editor=True))
    for url in (
        reverse("articles:annotation_create", args=[article.slug]),
        reverse("articles:annotation_delete", args=[annotation.pk]),
        reverse("articles:annotation_restore", args=[annotation.pk]),
        reverse("articles:speaker_merge", args=[other.pk]),
    ):
        assert client.get(url).status_code == 405
    assert Annotation.objects.count() == 1


def test_an_editor_may_edit_anyone_s_annotation_and_history_names_who(client, targets):
    _, annotation, _ = targets
    author = make_user("author", editor=True)
    annotation.author = author
    annotation.save()
    colleague = make_user("colleague", editor=True)
    client.force_login(colleague)
    url = reverse("articles:annotation_edit", args=[annotation.pk])
    client.post(
        url, {"kind": "quote", "speaker": "Kept", "note": "fixed"}, headers={"HX-Request": "true"}
    )
    annotation.refresh_from_db()
    assert annotation.note == "fixed" and annotation.author == author
    assert AnnotationRevision.objects.get().user == colleague


def test_the_users_editor_status_comes_with_the_user_and_follows_the_group(client):
    user = make_user("maybe", editor=True)
    client.force_login(user)
    response = client.get("/")
    assert response.wsgi_request.user._is_editor is True  # loaded with the user, no query
    user.groups.remove(Group.objects.get(name=EDITORS_GROUP))
    response = client.get("/")
    assert response.wsgi_request.user._is_editor is False  # read fresh on every request


def test_a_deactivated_or_deleted_editor_is_logged_out_on_the_next_request(client):
    user = make_user("gone", editor=True)
    client.force_login(user)
    user.is_active = False
    user.save()
    assert not client.get("/").wsgi_request.user.is_authenticated
    other = make_user("deleted", editor=True)
    client.force_login(other)
    other.delete()
    assert not client.get("/").wsgi_request.user.is_authenticated
