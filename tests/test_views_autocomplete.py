"""Editors' autocomplete: speakers by name or alias, the last of the typed tags."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("ed", editor=True))
    return client


def test_speaker_autocomplete_matches_names_and_aliases(editor_client):
    make_speaker("Angela Merkel", aliases=["Kanzlerin"])
    make_speaker("Olaf Scholz")
    url = reverse("articles:speaker_autocomplete")
    html = editor_client.get(url, {"speaker": "kanzler"}, headers=HX).content.decode()
    assert 'value="Angela Merkel"' in html and "Scholz" not in html
    html = editor_client.get(url, {"speaker": "ola"}, headers=HX).content.decode()
    assert 'value="Olaf Scholz"' in html and "Merkel" not in html
    assert editor_client.get(url, {"speaker": "%"}).content.decode().strip() == ""


def test_tag_autocomplete_completes_the_last_tag(editor_client):
    make_tag("economy")
    make_tag("elections")
    html = editor_client.get(
        reverse("articles:tag_autocomplete"), {"tags": "war, ele"}
    ).content.decode()
    assert 'value="war, elections"' in html and "economy" not in html
