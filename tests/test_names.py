"""Names compare the way the database's unique indexes compare them, Turkish letters included."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Speaker, Tag
from articles.names import fold_name, name_slug
from articles.services.annotations import tags_ensure
from articles.services.speakers import speaker_create, speaker_find, speaker_update
from tests.factories import make_article, make_outlet, make_user

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


# --- Any script, compared as the database compares (issue 16 #1) -------------------------

# Every script a newsroom covering Athens, Kyiv, Cairo, Tokyo or Istanbul tags in.
SCRIPTS = {
    "greek": "Κυριάκος Μητσοτάκης",
    "greek final sigma": "covid19 Ελλάς",
    "cyrillic": "Київ",
    "arabic": "القاهرة",
    "cjk": "東京都",
    "turkish": "Işıklı İğne",
    "turkish unicode": "ışık Ελλάς",
}


def shouted(name: str) -> str:
    """`name` in capitals, but for "ς" and "ı": their capitals ("Σ", "I") are shared with
    "σ" and "i", which is what the database's lower() makes of them (see the final sigma
    test): to the unique indexes "ΕΛΛΆΣ" is not "Ελλάς", nor "IŞIK" "ışık"."""
    return "".join(c if c in "ςı" else c.upper() for c in name)


def database_lower(texts: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(lower(t) ORDER BY i) FROM unnest(%s::text[]) WITH ORDINALITY u(t, i)",
            [texts],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_fold_name_agrees_with_the_databases_lower_for_every_character():
    # Every code point a text column can hold (not NUL, not a surrogate), in one query.
    chars = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    lowered = database_lower(chars)
    pairs = zip(chars, lowered, strict=True)
    differ = [(f"U+{ord(c):04X}", fold_name(c), d) for c, d in pairs if fold_name(c) != d]
    assert differ == []


# Letters of every script, with the context-sensitive ones (Σ at a word's end, İ) often.
name_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("ΣσςİIıi\u0307 "),
        st.characters(categories=("L", "M", "N", "Zs", "P"), exclude_characters="\x00"),
    ),
    max_size=30,
)


@pytest.mark.django_db
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(name_text, min_size=1, max_size=20))
def test_fold_name_agrees_with_the_databases_lower_on_any_text(names):
    assert [fold_name(name) for name in names] == database_lower(names)


@pytest.mark.django_db
def test_a_tag_with_a_greek_final_sigma_is_created_once_and_found_again():
    [tag] = tags_ensure(names=["covid19 Ελλάς"])
    assert (tag.name, tag.slug) == ("covid19 Ελλάς", "covid19-ελλάς")
    assert tags_ensure(names=["COVID19 ελλάς"]) == [tag]
    # The database's lower() keeps a typed ς and makes σ of Σ: these are two names to it.
    [other] = tags_ensure(names=["COVID19 ΕΛΛΆΣ"])
    assert other != tag and other.slug == "covid19-ελλάς-2"
    assert tags_ensure(names=["covid19 ελλάσ", "covid19 ελλάς"]) == [other, tag]
    assert Tag.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCRIPTS.values()), ids=list(SCRIPTS))
def test_a_tag_in_any_script_is_usable_and_its_page_resolves(client, name):
    [tag] = tags_ensure(names=[name])
    assert tags_ensure(names=[shouted(name)]) == [tag]
    assert tag.slug and tag.slug not in {"tag", "item"}
    tag.full_clean()  # the slug field's validator accepts it (the admin's form would)
    url = reverse("articles:tag", args=[tag.slug])
    assert resolve(unquote(url)).kwargs == {"slug": tag.slug}
    assert client.get(url).status_code == 200
    assert client.get(reverse("articles:tag_feed", args=[tag.slug])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCRIPTS.values()), ids=list(SCRIPTS))
def test_a_speaker_in_any_script_is_found_in_any_case_and_has_a_page(client, name):
    speaker = speaker_create(name=name)
    assert speaker_find(shouted(name)) == speaker and speaker_find(fold_name(name)) == speaker
    speaker.full_clean()
    with pytest.raises(ValidationError, match="already exists"):
        speaker_create(name=shouted(name))
    url = reverse("articles:speaker", args=[speaker.slug])
    assert resolve(unquote(url)).kwargs == {"slug": speaker.slug}
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(SCRIPTS.values()), ids=list(SCRIPTS))
def test_outlet_and_article_pages_resolve_with_slugs_in_any_script(client, name):
    outlet = make_outlet(name)
    outlet.slug = name_slug(name, fallback="outlet")
    outlet.save()
    article = make_article(outlet=outlet, slug=name_slug(f"{name} today", fallback="article"))
    outlet.full_clean()
    article.full_clean(exclude=["outlet", "source_file"])
    for url_name, slug in [("outlet", outlet.slug), ("article", article.slug)]:
        url = reverse(f"articles:{url_name}", args=[slug])
        assert resolve(unquote(url)).kwargs == {"slug": slug}
        assert client.get(url).status_code == 200
    for url_name in ["annotation_create", "article_history", "suggestions_find"]:
        url = reverse(f"articles:{url_name}", args=[article.slug])
        assert resolve(unquote(url)).kwargs == {"slug": article.slug}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Κυριάκος Μητσοτάκης", "κυριάκος-μητσοτάκης"),
        ("covid19 Ελλάς", "covid19-ελλάς"),
        ("Київ", "київ"),
        ("القاهرة", "القاهرة"),
        ("東京都", "東京都"),
        ("İstanbul Ελλάς", "istanbul-ελλάς"),  # the Turkish letters still transliterated
        ("Işık", "isik"),  # as before: every letter has an ASCII spelling
        ("Erdoğan", "erdogan"),
        ("!!! ???", "item"),
    ],
)
def test_name_slug_is_unicode_only_where_ascii_would_drop_letters(text, slug):
    assert name_slug(text) == slug


@pytest.mark.django_db
def test_editors_tag_in_greek_through_the_annotate_view(client):
    editor = make_user(editor=True)
    client.force_login(editor)
    article = make_article()
    text = "quote"
    start = article.body.index(text)
    response = client.post(
        reverse("articles:annotation_create", args=[article.slug]),
        {"kind": "highlight", "tags": "covid19 Ελλάς, Київ, 東京", "start": start,
         "end": start + len(text), "exact": text},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert response.status_code == 200, response.content.decode()[:500]
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(
        ["covid19 Ελλάς", "Київ", "東京"]
    )


@pytest.mark.django_db
def test_two_spellings_of_one_tag_are_one_tag_in_the_annotation_and_its_history():
    from articles.models import AnnotationRevision
    from articles.services.annotations import AnnotationFields, annotation_create

    article = make_article()
    start = article.body.index("quote")
    annotation = annotation_create(
        article=article, start=start, end=start + 5, exact="quote", user=make_user(editor=True),
        fields=AnnotationFields(kind="highlight", tag_names=["Ελλάς", "ελλάς", "ΕΛΛΆς"]),
    )  # fmt: skip
    assert [tag.name for tag in annotation.tags.all()] == ["Ελλάς"]
    revision = AnnotationRevision.objects.get()
    assert revision.after is not None and revision.after["tags"] == ["Ελλάς"]
