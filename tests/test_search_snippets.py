"""Search snippets: the excerpt ts_headline is given, words marked as written, first sentences."""

from __future__ import annotations

import pytest

from articles.search import search
from articles.search.snippets import (
    FIRST_SENTENCE_CHARS,
    SNIPPET_START,
    SNIPPET_STOP,
    first_sentence,
    shortened,
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
def test_a_title_only_match_shows_the_first_sentence_and_the_title_marked():
    make_article(
        title="Troops return home",
        body="The first line of the story, which says where we are. And more after it.",
    )
    [hit] = search("troops").hits
    assert str(hit.snippet) == "The first line of the story, which says where we are."
    assert str(hit.title_html) == "<mark>Troops</mark> return home"


@pytest.mark.django_db
def test_every_matching_word_of_the_title_is_marked_prefix_included():
    make_article(title="Soleimani and the Iraq troops", body="Nothing here.")
    [hit] = search("iraq soleiman").hits
    assert str(hit.title_html) == "<mark>Soleimani</mark> and the <mark>Iraq</mark> troops"


@pytest.mark.django_db
def test_the_snippet_excerpt_finds_dotless_i_words():
    filler = "Su kesintileri genişliyor ve belediye açıklama yaptı. " * 60
    make_article(title="İzmir", body=filler + "Kuraklık alarmı verildi. " + filler)
    [snippet] = snippets("KURAKLIK")
    # Marked as written, and every dotless ı of the text is still there.
    assert "<mark>Kuraklık</mark> alarmı verildi" in snippet
    assert "açıklama yaptı" in snippet and "yapti" not in snippet


@pytest.mark.django_db
def test_turkish_snippets_keep_their_letters_around_tags_and_between_fragments():
    filler = " Başka bir şey yok burada ama uzun bir metin olsun diye yazıyorum." * 12
    body = (
        "Su kesintileri genişliyor." + filler + " Kuraklık alarmı verildi, ılık <b>hava</b>"
        " sürüyor." + filler + " Yine kuraklık derinleşiyor ve ılık rüzgâr esiyor." + filler
    )
    make_article(title="İzmir", body=body)
    [snippet] = snippets("kuraklik ilik")
    assert "<mark>Kuraklık</mark>" in snippet and "<mark>ılık</mark>" in snippet
    assert "ilik" not in snippet and "Kuraklik" not in snippet


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("agaoglu", "Ağaoğlu"),
        ("cagdas", "Çağdaş"),
        ("ozgurluk", "Özgürlük"),
        ("istanbul", "İstanbul"),
        ("ISIK", "ışık"),
        ("şişli", "Sisli"),
    ],
)
def test_a_folded_match_is_marked_with_its_letters_as_written(typed, written):
    filler = "Nothing of note happened in the valley that week. " * 20
    make_article(title="Haber", body=f"{filler}Then {written} spoke at dawn. {filler}")
    [snippet] = snippets(typed)
    assert f"<mark>{written}</mark> spoke at dawn" in snippet


# First sentences and cuts: pure functions, no database.


def test_the_first_sentence_ends_at_its_full_stop_not_at_an_abbreviation():
    text = "U.S. officials said the talks failed. Then more happened."
    assert first_sentence(text) == "U.S. officials said the talks failed."


def test_the_first_sentence_ends_at_a_line_break_and_keeps_closing_quotes():
    assert first_sentence("ANKARA\nThe minister spoke.") == "ANKARA"
    assert first_sentence("“We stay.” Then he left.") == "“We stay.”"
    assert first_sentence("He said: “We stay.” Then he left.") == "He said: “We stay.”"


def test_a_long_first_sentence_is_cut_at_a_word():
    text = "word " * 100
    cut = first_sentence(text)
    assert len(cut) <= FIRST_SENTENCE_CHARS + 1 and cut.endswith("word…")


def test_a_cut_closes_the_mark_it_cuts_through():
    marked = f"one two {SNIPPET_START}three four five{SNIPPET_STOP} six"
    assert shortened(marked, 16) == f"one two {SNIPPET_START}three{SNIPPET_STOP}…"
    assert shortened("short", 16) == "short"
