"""Names compare the way the database's unique indexes compare them, Turkish letters included."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from articles.models import Speaker, Tag
from articles.names import fold_name, name_slug
from articles.services.annotations import tags_ensure
from articles.services.speakers import speaker_create, speaker_find, speaker_update

NAMES = ["İzmir", "EMRE ŞAHİN", "ılık", "ΟΔΟΣ", "Straße", "Mark Milley", "IŞIK"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_fold_name_agrees_with_the_databases_lower(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(%s)", [name])
        assert fold_name(name) == cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hatice Yıldız", "hatice-yildiz"),
        ("Erdem Kılıç", "erdem-kilic"),
        ("İzmir", "izmir"),
        ("Straße", "strasse"),
        ("Ærø", "aero"),
        ("!!!", "item"),
    ],
)
def test_name_slug_transliterates_what_unicode_does_not_decompose(text, slug):
    assert name_slug(text) == slug


@pytest.mark.django_db
def test_a_tag_with_a_dotted_capital_i_is_created_once_and_found_again():
    [first] = tags_ensure(names=["İzmir"])
    assert first.slug == "izmir"
    assert tags_ensure(names=["izmir"]) == [first]
    assert tags_ensure(names=["İZMİR", "İzmir"]) == [first, first]
    assert Tag.objects.count() == 1


@pytest.mark.django_db
def test_a_speaker_written_in_capitals_is_the_same_speaker():
    speaker = speaker_create(name="Emre Şahin")
    assert speaker_find("EMRE ŞAHİN") == speaker
    with pytest.raises(ValidationError, match="already exists"):
        speaker_create(name="EMRE ŞAHİN")
    other = speaker_create(name="Hatice Yıldız")
    assert other.slug == "hatice-yildiz"
    with pytest.raises(ValidationError, match="already exists"):
        speaker_update(speaker_id=other.pk, name="EMRE ŞAHİN", aliases=[])
    assert Speaker.objects.count() == 2


@pytest.mark.django_db
def test_renaming_a_speaker_keeps_the_slug_so_links_keep_working():
    speaker = speaker_create(name="Karen Whitfield")
    speaker_update(speaker_id=speaker.pk, name="Karen Renamed", aliases=[])
    speaker.refresh_from_db()
    assert (speaker.name, speaker.slug) == ("Karen Renamed", "karen-whitfield")
    assert "Karen Whitfield" in speaker.aliases
