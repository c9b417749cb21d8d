"""articles.search.syntax: the search box's web-search syntax, as a pure function."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.search.syntax import PREFIX_MIN_CHARS, SearchQuery, Term, parse


def test_words_must_all_hold_and_the_last_is_a_prefix():
    query = parse("troops withdrawal")
    assert query == SearchQuery(((Term("troops"), Term("withdrawal", prefix=True)),))
    assert query.tsquery() == "('troops' & 'withdrawal':*)"


def test_or_separates_alternatives_and_binds_looser_than_and():
    query = parse("milley or esper iraq")
    assert query.alternatives == (
        (Term("milley"),),
        (Term("esper"), Term("iraq", prefix=True)),
    )
    assert query.tsquery() == "('milley') | ('esper' & 'iraq':*)"
    # OR in any case; a stray one at either end is ignored.
    assert parse("OR milley Or esper or").tsquery() == "('milley') | ('esper')"


def test_quotes_make_a_phrase_never_a_prefix_and_an_open_quote_runs_to_the_end():
    assert parse('"honest   mistake"').alternatives == ((Term("honest mistake", phrase=True),),)
    assert parse('said "honest mist').alternatives == (
        (Term("said"), Term("honest mist", phrase=True)),
    )


def test_a_dash_leaves_a_word_or_a_phrase_out():
    query = parse('milley -iraq -"white house"')
    assert query.alternatives == (
        (
            Term("milley"),
            Term("iraq", negated=True),
            Term("white house", negated=True, phrase=True),
        ),
    )
    assert query.tsquery() == "('milley' & !'iraq' & !'white house')"
    assert query.excluded_tsquery() == "'iraq' | 'white house'"
    assert query.guarded_alternatives() == ["'milley'"]
    assert query.words() == "milley"
    # A dash inside a word is part of it.
    assert parse("covid-19").alternatives == ((Term("covid-19"),),)


@pytest.mark.parametrize("text", ["-trump", "-trump -biden", "", "   ", "or", "-", '""', "!!"])
def test_nothing_but_words_left_out_is_empty(text):
    assert parse(text).is_empty


def test_an_alternative_of_left_out_words_alone_is_dropped():
    assert parse("milley or -trump").alternatives == ((Term("milley"),),)


def test_the_prefix_needs_a_few_plain_letters():
    assert parse("x" * (PREFIX_MIN_CHARS - 1)).alternatives[0][0].prefix is False
    assert parse("x" * PREFIX_MIN_CHARS).alternatives[0][0].prefix is True
    assert parse("c++").alternatives[0][0].prefix is False
    assert parse("troops -iraq").alternatives[0][-1].negated
    # Edge punctuation is no part of a word.
    assert parse("(milley),").alternatives == ((Term("milley", prefix=True),),)


def test_quotes_and_backslashes_are_escaped_for_to_tsquery():
    assert Term("it's").tsquery() == "'it''s'"
    assert Term("a\\b").tsquery() == "'a\\\\b'"


@pytest.mark.django_db
@given(st.text(max_size=40))
def test_any_text_makes_a_query_the_database_takes(text):
    from django.db import connection

    query = parse(text)
    with connection.cursor() as cursor:
        for sql in (query.tsquery(), query.excluded_tsquery(), *query.guarded_alternatives()):
            if sql:
                cursor.execute("SELECT to_tsquery('newsreader', %s)", [sql])
