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
    with django_assert_num_queries(3):
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


def test_nothing_matching_takes_one_query_and_has_no_facets(django_assert_num_queries):
    make_article(title="Troops")
    with django_assert_num_queries(1):
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
