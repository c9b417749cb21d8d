"""Headlines in capitals shown in sentence case (articles/headlines.py): examples, and the
properties every title keeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.headlines import is_shouting, sentence_case

TURKISH_PAIRS = {("I", "ı"), ("İ", "i")}


@pytest.mark.parametrize(
    ("title", "language", "shown"),
    [
        (
            "PENTAGON SAYS LETTER ON IRAQ WITHDRAWAL WAS 'HONEST MISTAKE'",
            "en",
            "Pentagon says letter on iraq withdrawal was 'honest mistake'",
        ),
        (
            "İSTANBUL'DA KURAKLIK ALARMI. SU KESİLİYOR",
            "tr",
            "İstanbul'da kuraklık alarmı. Su kesiliyor",
        ),
        ("IRAK'TA ASKERİ ÇEKİLME", "tr", "Irak'ta askeri çekilme"),
        ("U.S. TROOPS TO LEAVE IRAQ", "en", "U.S. troops to leave iraq"),
        ('"WE WILL WIN," SAYS MINISTER', "en", '"We will win," says minister'),
        ("ΚΥΒΕΡΝΗΣΗ ΚΑΙ ΑΝΤΙΠΟΛΙΤΕΥΣΗ", "el", "Κυβερνηση και αντιπολιτευση"),
        ("Pentagon says letter was a mistake", "en", "Pentagon says letter was a mistake"),
        ("NATO summit opens", "en", "NATO summit opens"),  # not all capitals
        ("NATO", "en", "NATO"),  # too short to be shouting
    ],
)
def test_examples(title, language, shown):
    assert sentence_case(title, language) == shown


def test_turkish_capital_i_lowers_to_dotless_and_dotted_i_to_i():
    assert (
        sentence_case("ÇİFTÇİLER KURAKLIK İÇİN İSYANDA", "tr") == "Çiftçiler kuraklık için isyanda"
    )
    # Elsewhere I is i; and İ is never Python's "i̇" (i and a combining dot).
    shown = sentence_case("PROTEST IN İZMİR OVER PRICES", "en")
    assert shown == "Protest in izmir over prices" and "\u0307" not in shown


titles = st.text(
    alphabet=st.sampled_from(list("ABCÇDEĞGHIİÖŞÜXYZabcçğıiöşüxyz .,!?:'\"-0123ΣΩßǅ")),
    max_size=80,
)
languages = st.sampled_from(["", "en", "tr", "az", "tr-TR", "de"])


@given(titles, languages)
def test_only_case_changes_and_every_character_keeps_its_place(title, language):
    shown = sentence_case(title, language)
    assert len(shown) == len(title)
    for written, displayed in zip(title, shown, strict=True):
        assert (
            written == displayed
            or written.lower() == displayed
            or (written, displayed) in TURKISH_PAIRS
        )


@given(titles, languages)
def test_it_is_idempotent_and_leaves_titles_not_in_capitals_alone(title, language):
    shown = sentence_case(title, language)
    assert sentence_case(shown, language) == shown
    if not is_shouting(title):
        assert shown == title
    else:
        assert not is_shouting(shown) or shown == title


@given(titles)
def test_the_first_letter_stays_a_capital(title):
    shown = sentence_case(title, "en")
    letters = [ch for ch in shown if ch.lower() != ch.upper()]
    if is_shouting(title):
        assert letters and not letters[0].islower()


@given(titles)
def test_dotless_i_appears_only_in_turkish(title):
    if "ı" not in title:
        assert "ı" not in sentence_case(title, "en")
