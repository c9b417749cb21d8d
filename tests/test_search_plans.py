"""Each search statement reads the index it was written for.

The comments in articles/search/statements.py and README's *Benchmarks* say which: the newest
articles walked in order (article_latest_idx) for a word many articles have, the GIN index for
a rare one, article_outlet_idx narrowed to an outlet, the notes' and speakers' GIN indexes,
primary keys for the page and for ArticleFacets. Dropping one of these indexes (or writing a
statement so it no longer serves) fails its test here.

The archive is generated in SQL, large enough that the planner chooses as it does in
production: on a few rows it rightly reads whole tables instead, and `SET enable_seqscan = off`
would only say which index it falls back on, not which one it prefers. Plans are EXPLAINed,
not run, so they follow from the statistics alone, which ANALYZE computes from every row of
tables this small: the same plans on every run. The archive is built once for the module,
inside a transaction rolled back at the end (dropping one of the indexes there is how these
tests were checked to fail without it).
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.search import search

pytestmark = pytest.mark.django_db

ARTICLES = 5000
ANNOTATED_EVERY = 2

ARCHIVE_SQL = """
INSERT INTO articles_outlet (name, slug)
SELECT 'Outlet ' || i, 'outlet-' || i FROM generate_series(1, 2) i;
-- Every article says "troops"; one in 500 also "kabana". The topics and areas give the
-- vectors a vocabulary of hundreds of words, as real ones have: with only a few, the
-- planner's statistics cannot estimate a prefix (troops:*) and fall back to a guess.
INSERT INTO articles_article (title, slug, summary, published_on, outlet_id, agency,
    original_url, source_note, language, body, structure, content_hash, index_pending,
    quotes_pending, created_at, updated_at)
SELECT 'Story ' || i, 'story-' || i, '', date '2020-01-01' + (i %% 1500),
    (SELECT id FROM articles_outlet WHERE slug = 'outlet-' || (1 + i %% 2)), '', '', '', 'en',
    'The troops moved on day ' || i || ', topic' || (i %% 300) || ' and area' || (i %% 170) || '.'
        || CASE WHEN i %% 500 = 0 THEN ' A kabana was seen.' ELSE '' END,
    '[]', md5(i::text), false, false, now(), now()
FROM generate_series(1, %(articles)s) i;
INSERT INTO articles_speaker (name, slug, description, aliases, created_at)
SELECT 'Speaker ' || i, 'speaker-' || i, '', '{}', now() FROM generate_series(1, 300) i;
INSERT INTO articles_annotation (article_id, kind, status, start, "end", exact, prefix,
    suffix, speaker_id, proposed_speaker, verdict, note, created_at, updated_at)
SELECT a.id, 'quote', 'published', 0, 16, 'The troops moved', '', '',
    (SELECT id FROM articles_speaker WHERE slug = 'speaker-' || (1 + a.id %% 300)), '', '',
    'Said of the troops, note ' || a.id, now(), now()
FROM articles_article a WHERE a.id %% %(every)s = 0;
-- Rows written in this transaction wait in the GIN indexes' pending lists, which the
-- planner counts as a cost of using them; in production autovacuum empties the lists.
SELECT gin_clean_pending_list(name::regclass) FROM unnest(ARRAY[
    'article_search_gin', 'annotation_note_search', 'annotation_exact_search',
    'speaker_name_search']) AS name;
ANALYZE articles_outlet, articles_article, articles_speaker, articles_annotation,
    articles_articlefacets;
"""


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with connection.cursor() as cursor:
            # One statement at a time: the server-side binding the settings choose
            # prepares statements, and a prepared statement holds one command.
            for statement in ARCHIVE_SQL.split(";\n")[:-1]:
                cursor.execute(statement, {"articles": ARTICLES, "every": ANNOTATED_EVERY})
        yield
        transaction.set_rollback(True)


def plans(text: str, **narrowing) -> list[dict]:
    """The plan of each statement `search()` runs, in order: ranked, page, facets,
    speakers, quotes."""
    with CaptureQueriesContext(connection) as captured:
        search(text, **narrowing)
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            found.append(cursor.fetchone()[0][0]["Plan"])
    return found


def nodes(plan: dict) -> list[dict]:
    return [plan] + [node for child in plan.get("Plans", []) for node in nodes(child)]


def indexes(plan: dict) -> set[str]:
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def scanned(plan: dict) -> set[str]:
    """Tables read whole."""
    return {node["Relation Name"] for node in nodes(plan) if node["Node Type"] == "Seq Scan"}


@pytest.mark.parametrize("text", ["troops", '"troops"', "troo"])
def test_a_word_most_articles_have_walks_the_newest_articles_in_order(archive, text):
    # Testing each newest article's vector and stopping at the window beats collecting every
    # match from the GIN index and sorting them all; a prefix (the last word typed) too.
    ranked = plans(text)[0]
    assert "article_latest_idx" in indexes(ranked)
    assert "article_search_gin" not in indexes(ranked)


@pytest.mark.parametrize("text", ["kabana", "kaban", '"kabana"', "kabana -troops"])
def test_a_rare_word_is_found_through_the_articles_gin_index(archive, text):
    assert "article_search_gin" in indexes(plans(text)[0])


def test_narrowed_to_an_outlet_it_walks_article_outlet_idx_newest_first(archive):
    assert "article_outlet_idx" in indexes(plans("troops", outlet="outlet-1")[0])


def test_notes_and_speakers_are_matched_through_their_own_gin_indexes(archive):
    ranked = plans("troops")[0]
    assert {"annotation_note_search", "speaker_name_search"} <= indexes(ranked)
    assert "articles_speaker" not in scanned(ranked)


def test_the_page_reads_only_its_articles_by_primary_key(archive):
    for text in ("troops", "kabana"):
        _, page, *_ = plans(text)
        assert "articles_article_pkey" in indexes(page)
        assert "articles_article" not in scanned(page)


def test_facets_read_the_matches_articlefacets_rows_by_primary_key(archive):
    # A few matches among many annotated articles, as in production. (Here "troops" matches
    # a quarter of the annotated articles: reading the whole small table is then cheaper.)
    facets = plans("kabana")[2]
    assert "articles_articlefacets_pkey" in indexes(facets)
    assert "articles_articlefacets" not in scanned(facets)


def test_speakers_are_found_through_their_gin_index(archive):
    # (Every speaker here is "Speaker n": "speaker" itself rightly reads the small table.)
    speakers = plans("kabana")[3]
    assert "speaker_name_search" in indexes(speakers)
    assert "articles_speaker" not in scanned(speakers)


@pytest.mark.parametrize("text", ["kabana", "troops"])
def test_quotes_are_matched_by_words_notes_and_speakers_through_their_gin_indexes(archive, text):
    # Each source through its own index, the most recent of each kept. (Joining those few
    # ids to their rows, the planner may rightly hash a table this small.)
    quotes = plans(text)[4]
    assert {"annotation_exact_search", "annotation_note_search", "speaker_name_search"} <= (
        indexes(quotes)
    )
