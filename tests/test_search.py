"""articles.search: what `search()` finds and what it answers, without the page around it."""

from __future__ import annotations

import datetime

import pytest

from articles.models import Annotation
from articles.search import PAGE_SIZE, SearchResults, search
from articles.search.results import FacetValue, Hit, HitOutlet, HitTag
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

pytestmark = pytest.mark.django_db


def titles(q: str, **narrowing) -> list[str]:
    return [hit.title for hit in search(q, **narrowing).hits]


def test_it_answers_dataclasses_with_what_the_story_list_shows(django_assert_num_queries):
    bbc = make_outlet("BBC")
    article = make_article(
        title="Troops withdraw",
        summary="The summary.",
        body="The troops withdrew at dawn.",
        outlet=bbc,
        published_on=datetime.date(2021, 3, 1),
    )
    make_annotation(article, 0, 3, Annotation.Kind.QUOTE, speaker=make_speaker("Mark Esper"))
    make_annotation(article, 4, 10, Annotation.Kind.CLAIM, tags=[make_tag("Iraq")])
    with django_assert_num_queries(5):
        results = search("troops")
    assert isinstance(results, SearchResults) and not results.capped
    [hit] = results.hits
    assert isinstance(hit, Hit)
    assert (hit.id, hit.title, hit.slug, hit.summary, hit.published_on) == (
        article.pk,
        "Troops withdraw",
        article.slug,
        "The summary.",
        datetime.date(2021, 3, 1),
    )
    assert hit.outlet == HitOutlet(id=bbc.pk, name="BBC", slug="bbc")
    assert (hit.quote_count, hit.claim_count) == (1, 1)
    assert hit.tag_list == (HitTag(name="Iraq", slug="iraq"),)
    assert hit.get_absolute_url() == article.get_absolute_url()
    assert hit.outlet.get_absolute_url() == bbc.get_absolute_url()
    assert hit.marked_snippet == "\x02troops\x03 withdrew at dawn"
    assert hit.snippet == "<mark>troops</mark> withdrew at dawn"
    assert results.facets is not None
    assert results.facets.outlets == (FacetValue(value="bbc", label="BBC", n=1),)
    assert results.facets.years == (FacetValue(value="2021", label="", n=1),)
    assert results.facets.kinds == (
        FacetValue(value="claim", label="", n=1),
        FacetValue(value="quote", label="", n=1),
    )
    assert results.facets.speakers == (FacetValue(value="mark-esper", label="Mark Esper", n=1),)
    assert results.facets.tags == (FacetValue(value="iraq", label="Iraq", n=1),)


def test_nothing_matching_takes_three_queries_and_has_no_facets(django_assert_num_queries):
    make_article(title="Troops")
    # The ranked ids, the speakers, the quotes: none.
    with django_assert_num_queries(3):
        results = search("zebras")
    assert results.hits == () and results.facets is None
    assert (results.page.number, results.page.paginator.count) == (1, 0)
    assert not results.page.has_other_pages()


def test_it_pages_as_djangos_paginator_does():
    for day in range(1, PAGE_SIZE + 6):
        make_article(title=f"Troops {day}", published_on=datetime.date(2021, 1, day))
    first = search("troops")
    assert len(first.hits) == PAGE_SIZE and first.page.paginator.count == PAGE_SIZE + 5
    assert first.page.paginator.num_pages == 2
    assert first.page.has_next() and not first.page.has_previous()
    assert first.page.next_page_number() == 2
    second = search("troops", page="2")
    assert len(second.hits) == 5 and second.page.number == 2
    assert second.page.has_previous() and second.page.previous_page_number() == 1
    assert not {hit.id for hit in first.hits} & {hit.id for hit in second.hits}
    # Past the end: the last page; not a number: the first.
    assert search("troops", page="99").page.number == 2
    assert search("troops", page="x").page.number == 1


def test_it_narrows_by_outlet_tag_speaker_kind_and_date():
    euronews, bbc = make_outlet("Euronews"), make_outlet("BBC")
    first = make_article(
        title="Troops one", outlet=euronews, published_on=datetime.date(2020, 1, 7)
    )
    esper = make_speaker("Mark Esper")
    make_annotation(first, 0, 5, Annotation.Kind.QUOTE, speaker=esper, tags=[make_tag("Iraq")])
    second = make_article(title="Troops two", outlet=bbc, published_on=datetime.date(2021, 3, 1))
    make_annotation(second, 0, 5, Annotation.Kind.CLAIM)
    assert set(titles("troops")) == {"Troops one", "Troops two"}
    assert titles("troops", outlet="bbc") == ["Troops two"]
    assert titles("troops", tag="iraq") == ["Troops one"]
    assert titles("troops", speaker="mark-esper") == ["Troops one"]
    assert titles("troops", kind="claim") == ["Troops two"]
    assert titles("troops", since=datetime.date(2021, 1, 1)) == ["Troops two"]
    assert titles("troops", until=datetime.date(2020, 12, 31)) == ["Troops one"]


def test_it_finds_annotation_notes_and_speaker_names():
    noted = make_article(title="Noted story", body="Nothing to see here.")
    make_annotation(noted, 0, 7, note="Contradicted by the ministry's own figures")
    quoted = make_article(title="Quoted story", body="Someone said something.")
    make_annotation(quoted, 0, 7, Annotation.Kind.QUOTE, speaker=make_speaker("Mark Esper"))
    hidden = make_article(title="Suggested only", body="Nothing either.")
    make_annotation(hidden, 0, 7, note="ministry", status=Annotation.Status.SUGGESTED)
    assert titles("ministry") == ["Noted story"]
    assert titles("esper") == ["Quoted story"]


@pytest.mark.parametrize("q", ["kuraklık", "Kuraklık", "KURAKLIK", "kuraklik"])
def test_turkish_dotless_i_matches_in_any_case(q):
    make_article(title="İzmir kuraklık alarmı", body="Su kesintileri genişliyor.")
    assert titles(q) == ["İzmir kuraklık alarmı"]


@pytest.mark.parametrize("q", ["ılgaz", "ILGAZ", "Ilgaz"])
def test_turkish_capitals_and_names_match_in_any_case(q):
    quoted = make_article(title="Dağ yolu açıldı", body="Vali açıklama yaptı.")
    make_annotation(quoted, 0, 4, Annotation.Kind.QUOTE, speaker=make_speaker("Ilgaz Işık"))
    assert titles(q) == ["Dağ yolu açıldı"]


def test_search_vectors_are_stored_inline_and_uncompressed():
    """Search tests the newest articles' vectors one by one; out of line (TOAST) each test
    costs three times as much, lz4-compressed 2.5 times. A migration that re-creates the
    column or changes its compression must keep this (articles/sql/column_storage.sql)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage, attcompression FROM pg_attribute"
            " WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m", "p")


# Web-search syntax: phrases, or, words left out.


def test_a_word_left_out_leaves_out_stories_found_by_speaker_or_note_too():
    iraq = make_article(title="Milley in Baghdad", body="The general visited Iraq.")
    make_annotation(iraq, 0, 3, Annotation.Kind.QUOTE, speaker=make_speaker("Mark Milley"))
    elsewhere = make_article(title="Budget hearing", body="The general spoke in Washington.")
    make_annotation(elsewhere, 0, 3, Annotation.Kind.QUOTE, speaker=make_speaker("Milley"))
    noted = make_article(title="Another Iraq story", body="Iraq again.")
    make_annotation(noted, 0, 4, note="Milley denied it")
    assert set(titles("milley")) == {"Milley in Baghdad", "Budget hearing", "Another Iraq story"}
    assert titles("milley -iraq") == ["Budget hearing"]


def test_words_only_left_out_are_nothing_to_search_for(django_assert_num_queries):
    make_article(title="Trump speaks")
    make_article(title="Biden speaks")
    for q in ("-trump", "-trump -biden", "-", '-"white house"', "or"):
        with django_assert_num_queries(0):
            results = search(q)
        assert results.nothing_to_search and results.hits == ()


def test_left_out_words_after_stop_words_alone_find_nothing():
    make_article(title="Trump speaks")
    make_article(title="Biden speaks")
    # "the" is a stop word: alone with "-trump" it would match every story without Trump.
    assert titles("the -trump") == []
    assert titles("the -trump or biden") == []
    assert titles("speaks -trump") == ["Biden speaks"]


def test_phrases_and_or_follow_web_search_syntax():
    make_article(title="An honest mistake", body="He called it that.")
    make_article(title="A mistake, honest", body="Nothing more.")
    make_article(title="Troops return", body="Soldiers too.")
    assert titles('"honest mistake"') == ["An honest mistake"]
    assert set(titles("honest mistake")) == {"An honest mistake", "A mistake, honest"}
    assert set(titles("troops or honest")) == {
        "Troops return",
        "An honest mistake",
        "A mistake, honest",
    }
    assert titles('"honest mistake" or return') == ["An honest mistake", "Troops return"] or set(
        titles('"honest mistake" or return')
    ) == {"An honest mistake", "Troops return"}


def test_the_last_word_is_a_prefix_as_one_types():
    make_article(title="Soleimani killed", body="A drone strike near the airport.")
    make_article(title="Sole survivor", body="Nothing else.")
    assert titles("Soleiman") == ["Soleimani killed"]
    assert titles("drone soleim") == ["Soleimani killed"]
    # Only the last word: "soleiman strike" needs the whole word soleiman.
    assert titles("soleiman strike") == []
    # Too short to be a prefix yet: whole words only.
    assert titles("so") == []


# Accents and Turkish letters fold both ways, through unaccent.

TURKISH = [
    ("Çağdaş", "cagdas"),
    ("Ağaoğlu", "agaoglu"),
    ("Işık", "isik"),
    ("İstanbul", "istanbul"),
    ("Özgürlük", "ozgurluk"),
    ("Şişli", "sisli"),
    ("Ülkü", "ulku"),
]


@pytest.mark.parametrize(("written", "typed"), TURKISH)
def test_every_turkish_letter_matches_its_plain_letter(written, typed):
    make_article(title=f"Haber: {written}", body="Metin.")
    assert titles(typed) == [f"Haber: {written}"]
    assert titles(typed.upper()) == [f"Haber: {written}"]


@pytest.mark.parametrize(("written", "typed"), TURKISH)
def test_every_turkish_letter_typed_finds_the_plain_letter(written, typed):
    make_article(title=f"News: {typed}", body="Text.")
    assert titles(written) == [f"News: {typed}"]
    assert titles(written.lower()) == [f"News: {typed}"]


def test_other_accents_fold_too_in_notes_speakers_and_quotes():
    article = make_article(title="Réunion", body="Le café est fermé.")
    make_annotation(article, 0, 2, Annotation.Kind.QUOTE, speaker=make_speaker("Gülşen Çelik"))
    assert titles("reunion") == ["Réunion"] and titles("cafe") == ["Réunion"]
    assert titles("gulsen celik") == ["Réunion"]
    [speaker] = search("Gulsen").speakers
    assert speaker.name == "Gülşen Çelik"


# Speakers, quotes and claims beside the stories.


def test_matching_speakers_come_with_their_quote_counts_most_quoted_first():
    mark, other = make_speaker("Mark Milley"), make_speaker("Joan Milley")
    article = make_article(title="Briefing", body="One two three four five six seven.")
    make_annotation(article, 0, 3, Annotation.Kind.QUOTE, speaker=mark)
    make_annotation(article, 4, 7, Annotation.Kind.QUOTE, speaker=mark)
    make_annotation(article, 8, 13, Annotation.Kind.QUOTE, speaker=other)
    make_speaker("Unquoted Milley")
    speakers = search("milley").speakers
    assert [(s.name, s.quote_count) for s in speakers] == [
        ("Mark Milley", 2),
        ("Joan Milley", 1),
        ("Unquoted Milley", 0),
    ]
    assert speakers[0].get_absolute_url() == mark.get_absolute_url()


def test_matching_quotes_and_claims_link_to_their_span():
    milley = make_speaker("Mark Milley")
    article = make_article(
        title="Letter", body="We are withdrawing from Iraq, the letter said. It was a mistake."
    )
    quote = make_annotation(article, 0, 28, Annotation.Kind.QUOTE, speaker=milley)
    claim = make_annotation(
        article, 47, 63, Annotation.Kind.CLAIM, verdict=Annotation.Verdict.FALSE
    )
    make_annotation(article, 29, 46, Annotation.Kind.HIGHLIGHT)
    results = search("withdrawing")
    [found] = results.quotes
    assert found.id == quote.pk and found.kind == "quote"
    assert found.marked_text == "We are \x02withdrawing\x03 from Iraq"
    assert found.speaker == HitTag(name="Mark Milley", slug=milley.slug)
    assert found.get_absolute_url() == f"{article.get_absolute_url()}#annotation-{quote.pk}"
    assert (found.article_title, found.published_on) == ("Letter", article.published_on)
    [mistake] = search("mistake").quotes
    assert (mistake.id, mistake.kind, mistake.verdict) == (claim.pk, "claim", "false")
    assert mistake.verdict_label == Annotation.Verdict.FALSE.label
    # By speaker: every published quote of a matching speaker.
    assert [q.id for q in search("milley").quotes] == [quote.pk]


def test_quotes_follow_the_facets_and_the_words_left_out():
    bbc = make_outlet("BBC")
    speaker = make_speaker("Mark Milley")
    here = make_article(title="One", body="Troops left Iraq today.", outlet=bbc)
    there = make_article(title="Two", body="Troops left Syria today.")
    in_iraq = make_annotation(here, 0, 11, Annotation.Kind.QUOTE, speaker=speaker)
    in_syria = make_annotation(there, 0, 11, Annotation.Kind.QUOTE, speaker=speaker)
    assert {q.id for q in search("troops").quotes} == {in_iraq.pk, in_syria.pk}
    assert [q.id for q in search("troops", outlet="bbc").quotes] == [in_iraq.pk]
    assert [q.id for q in search("milley -iraq").quotes] == [in_syria.pk]


def test_later_pages_have_no_speakers_or_quotes(django_assert_num_queries):
    speaker = make_speaker("Troops Spokesman")
    for day in range(1, PAGE_SIZE + 2):
        article = make_article(title=f"Troops {day}", published_on=datetime.date(2021, 1, day))
        make_annotation(article, 0, 3, Annotation.Kind.QUOTE, speaker=speaker)
    assert search("troops").speakers and search("troops").quotes
    # The ranked ids, the page, the facets.
    with django_assert_num_queries(3):
        second = search("troops", page=2)
    assert second.speakers == () and second.quotes == ()


@pytest.mark.parametrize(
    ("walk", "window"),
    [
        (100, 400),  # the walk reads the whole outlet: its matches are all of them
        (3, 2),  # the walk finds a full window among the newest stories
        (3, 400),  # neither: the index answers
    ],
)
def test_narrowed_to_an_outlet_the_walk_and_the_index_find_the_same_window(
    monkeypatch, walk, window
):
    from articles.search import queries
    from articles.search.syntax import parse

    bbc, other = make_outlet("BBC"), make_outlet("Other")
    day = datetime.date(2020, 1, 1)
    expected = []
    for i in range(8):
        words = "troops withdraw" if i % 2 else "rain falls"
        article = make_article(
            title=f"Story {i}", body=words, outlet=bbc, published_on=day + datetime.timedelta(i)
        )
        make_article(title=f"Elsewhere {i}", body="troops", outlet=other, published_on=day)
        if i % 2:
            expected.append(article.pk)
    monkeypatch.setattr(queries, "OUTLET_WALK", walk)
    monkeypatch.setattr(queries, "SEARCH_WINDOW", window)
    matches = queries.ranked_matches(parse("troops"), {"outlet": "bbc"})
    newest_first = sorted(expected, reverse=True)[:window]
    assert sorted(m.id for m in matches) == sorted(newest_first)
