"""List entries cut at a word: examples, and the properties for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from articles.excerpts import ELLIPSIS, clipped


def test_a_text_that_fits_is_whole():
    assert clipped("Short enough.", 13) == "Short enough."


def test_a_long_text_is_cut_at_the_last_word_that_fits():
    text = "The minister said the troops would withdraw"
    assert clipped(text, 20) == "The minister said…"
    assert clipped(text, 22) == "The minister said the…"  # "the " fits exactly


def test_the_cut_drops_the_comma_and_space_before_the_ellipsis():
    assert clipped("Yes, indeed, absolutely certain", 14) == "Yes, indeed…"


def test_a_single_long_word_is_cut_where_it_must_be():
    assert clipped("Antidisestablishmentarianism", 10) == "Antidises…"


def test_astral_characters_count_as_one():
    assert clipped("😀 😀 😀 😀", 6) == "😀 😀 😀…"


@given(st.text(), st.integers(min_value=2, max_value=300))
def test_never_longer_than_the_limit_and_always_a_prefix(text, limit):
    out = clipped(text, limit)
    assert len(out) <= limit
    if out != text:
        assert out.endswith(ELLIPSIS) and text.startswith(out[: -len(ELLIPSIS)])


@given(
    st.lists(st.text("abcdé", min_size=1, max_size=12), min_size=1, max_size=40),
    st.integers(min_value=14, max_value=200),
)
def test_words_are_never_cut_in_two(words, limit):
    text = " ".join(words)
    out = clipped(text, limit)
    if out != text:
        kept = out[: -len(ELLIPSIS)].split(" ")
        assert kept == words[: len(kept)] or len(words[0]) >= limit - 1
