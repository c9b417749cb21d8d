"""Search snippets: the excerpt ts_headline is given, and dotless ı put back into it."""

from __future__ import annotations

import pytest

from articles.search import search
from articles.search.snippets import (
    SNIPPET_DELIMITER,
    SNIPPET_START,
    SNIPPET_STOP,
    with_dotless_i,
)
from tests.factories import make_article


def snippets(q: str) -> list[str]:
    return [str(hit.snippet) for hit in search(q).hits]


@pytest.mark.django_db
def test_the_snippet_shows_a_match_far_into_the_body():
    filler = "Nothing of note happened in the valley that week. " * 80
    make_article(title="A long story", body=filler + "Then the troops withdrew at dawn. " + filler)
    [snippet] = snippets("troop")
    assert "<mark>troops</mark> withdrew at dawn" in snippet
    # An excerpt, not the body: it starts on a whole word and stays short.
    assert len(snippet) < 400 and not snippet.startswith("alley")


@pytest.mark.django_db
def test_the_snippet_finds_stems_that_end_differently_from_the_word():
    filler = "Nothing of note happened in the valley that week. " * 80
    make_article(title="Abroad", body=filler + "The country held its breath. " + filler)
    [snippet] = snippets("countries")
    assert "<mark>country</mark> held its breath" in snippet


@pytest.mark.django_db
def test_the_snippet_starts_at_the_top_when_only_the_title_matches():
    make_article(title="Troops return", body="The first line of the story. And more.")
    [snippet] = snippets("troops")
    assert snippet.startswith("The first line of the story.")


@pytest.mark.django_db
def test_the_snippet_excerpt_finds_dotless_i_words():
    filler = "Su kesintileri genişliyor ve belediye açıklama yaptı. " * 60
    make_article(title="İzmir", body=filler + "Kuraklık alarmı verildi. " + filler)
    [snippet] = snippets("KURAKLIK")
    # Highlighted although ts_headline itself never matches "kuraklik" with "kuraklık",
    # and every dotless ı of the text is still there.
    assert "<mark>Kuraklık</mark> alarmı verildi" in snippet
    assert "açıklama yaptı" in snippet and "yapti" not in snippet


@pytest.mark.django_db
def test_dotless_i_snippets_keep_their_letters_around_tags_and_between_fragments():
    filler = " Başka bir şey yok burada ama uzun bir metin olsun diye yazıyorum." * 12
    body = (
        "Su kesintileri genişliyor." + filler + " Kuraklık alarmı verildi, ılık <b>hava</b>"
        " sürüyor." + filler + " Yine kuraklık derinleşiyor ve ılık rüzgâr esiyor." + filler
    )
    make_article(title="İzmir", body=body)
    [snippet] = snippets("kuraklik ilik")
    assert "<mark>Kuraklık</mark>" in snippet and "<mark>ılık</mark>" in snippet
    assert "ilik" not in snippet and "Kuraklik" not in snippet


def headline(text: str, q: str) -> str:
    """ts_headline as search calls it, over `text` with ı read as i."""
    from django.db import connection

    options = (
        f"StartSel={SNIPPET_START}, StopSel={SNIPPET_STOP}, MaxWords=8, MinWords=3,"
        f' MaxFragments=2, FragmentDelimiter="{SNIPPET_DELIMITER}"'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline('english', translate(%s, 'ı', 'i'),"
            " websearch_to_tsquery('english', %s), %s)",
            [text, q, options],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_dotless_i_goes_back_into_snippets_fragment_by_fragment_and_around_tags():
    text = (
        "Kuraklık başladı. Bu yıl yağış az, barajlar boş. Tarım kötü etkilendi. Hükümet"
        " açıklama yapmadı. Sonra <b>ılık</b> bir kuraklık daha geldi ve sıcaklık arttı."
    )
    made = with_dotless_i(headline(text, "kuraklik"), text)
    assert made is not None
    assert "\x02Kuraklık\x03 başladı" in made and "\x02kuraklık\x03 daha" in made
    assert " … " in made and "ılık" in made and "<b>" not in made
    # Each fragment is the text itself (its tags shown as spaces), letter for letter.
    untagged = text.replace("<b>", " ").replace("</b>", " ")
    for fragment in made.replace("\x02", "").replace("\x03", "").split(" … "):
        assert fragment in untagged


def test_a_snippet_that_does_not_fit_its_excerpt_is_left_to_the_plain_highlight():
    assert with_dotless_i("\x02kuraklik\x03 geldi", "Başka bir metin, ılık.") is None


# The alignment as a pure function: snippets written as ts_headline writes them, no database.


def test_it_reads_each_letter_back_off_the_excerpt_keeping_the_markers():
    excerpt = "Dün ılık bir rüzgâr esti, KURAKLIK sürüyor."
    snippet = "Dün \x02ilik\x03 bir rüzgâr esti, \x02KURAKLIK\x03 sürüyor."
    assert (
        with_dotless_i(snippet, excerpt)
        == "Dün \x02ılık\x03 bir rüzgâr esti, \x02KURAKLIK\x03 sürüyor."
    )


def test_a_snippet_may_start_inside_the_excerpt():
    excerpt = "Önce başka şeyler oldu. Sonra ılık hava geldi."
    assert with_dotless_i("Sonra \x02ilik\x03 hava", excerpt) == "Sonra \x02ılık\x03 hava"


def test_each_fragment_starts_where_its_first_word_next_appears():
    excerpt = "Bir ılık gün. Ara ara yağmur yağdı, uzun uzun. Sonra yine ılık oldu."
    snippet = f"Bir \x02ilik\x03 gün.{SNIPPET_DELIMITER}Sonra yine \x02ilik\x03 oldu."
    assert with_dotless_i(snippet, excerpt) == (
        f"Bir \x02ılık\x03 gün.{SNIPPET_DELIMITER}Sonra yine \x02ılık\x03 oldu."
    )


def test_a_delimiter_that_is_in_the_text_is_text():
    excerpt = f"Bir{SNIPPET_DELIMITER}ılık gün."
    assert with_dotless_i(f"Bir{SNIPPET_DELIMITER}\x02ilik\x03 gün.", excerpt) == (
        f"Bir{SNIPPET_DELIMITER}\x02ılık\x03 gün."
    )


def test_an_html_tag_shown_as_a_space_is_skipped():
    # ts_headline, given the folded excerpt, writes each tag as a space.
    excerpt = "Hava <b>ılık</b> kaldı."
    assert with_dotless_i("Hava  \x02ilik\x03  kaldi.", excerpt) == "Hava  \x02ılık\x03  kaldı."


def test_a_letter_that_differs_gives_up():
    assert with_dotless_i("Hava \x02sicak\x03", "Hava ılık.") is None
    assert with_dotless_i("Hava ilik ve fazlası", "Hava ılık") is None
