"""Each API list reads the index written for its order and filters (see the comments on
the indexes in articles/models.py): EXPLAINed on an archive large enough that the planner
chooses as in production (as tests/test_search_plans.py does), built once for the module
inside a transaction rolled back at the end."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

ARCHIVE_SQL = """
INSERT INTO articles_outlet (name, slug)
SELECT 'Outlet ' || i, 'outlet-' || i FROM generate_series(0, 20) i;
-- One article in 100 is Turkish; updated_at spreads over ten days.
INSERT INTO articles_article (title, slug, summary, published_on, outlet_id, agency,
    original_url, source_note, language, body, structure, content_hash, index_pending,
    quotes_pending, created_at, updated_at)
SELECT 'Story ' || i, 'story-' || i, '', date '2020-01-01' + (i %% 1500),
    -- Outlet 0 is small: one article in a thousand.
    (SELECT id FROM articles_outlet
     WHERE slug = 'outlet-' || CASE WHEN i %% 1000 = 0 THEN 0 ELSE 1 + i %% 20 END),
    '', '', '',
    CASE WHEN i %% 100 = 0 THEN 'tr' ELSE 'en' END,
    'The troops moved on day ' || i || '.', '[]', md5(i::text), false, false,
    now() - interval '10 days', now() - interval '10 days' + i * interval '1 minute'
FROM generate_series(1, 20000) i;
INSERT INTO articles_speaker (name, slug, description, aliases, created_at)
SELECT 'Speaker ' || i, 'speaker-' || i, '', '{}', now() FROM generate_series(1, 300) i;
INSERT INTO articles_annotation (article_id, kind, status, start, "end", exact, prefix,
    suffix, speaker_id, proposed_speaker, verdict, note, created_at, updated_at)
SELECT a.id, CASE WHEN g = 0 THEN 'claim' ELSE 'quote' END, 'published', g * 4, g * 4 + 3,
    'The', '', '',
    CASE WHEN g = 0 THEN NULL
         ELSE (SELECT id FROM articles_speaker WHERE slug = 'speaker-' || (1 + (a.id + g) %% 300))
    END,
    '', '', '', now(), a.updated_at
-- Annotated articles: one in eight (each bumps a facets lock held to the end).
FROM articles_article a, generate_series(0, 3) g WHERE a.id %% 8 = 0;
-- Rows written in this transaction wait in the GIN indexes' pending lists, which the
-- planner counts as a cost of using them; in production autovacuum empties the lists.
SELECT gin_clean_pending_list(name::regclass) FROM unnest(ARRAY[
    'articlefacets_speakers_gin', 'articlefacets_tags_gin']) AS name;
ANALYZE articles_outlet, articles_article, articles_speaker, articles_annotation,
    articles_articlefacets;
"""


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(ARCHIVE_SQL, {})
        yield
        transaction.set_rollback(True)


def plan_of(url: str) -> dict:
    """The plan of the list's own query (the last the API list at `url` runs)."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200, response.content
    query = captured.captured_queries[-1]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
        return cursor.fetchone()[0][0]["Plan"]


def nodes(plan: dict) -> list[dict]:
    return [plan] + [node for child in plan.get("Plans", []) for node in nodes(child)]


def indexes(plan: dict) -> set[str]:
    return {node["Index Name"] for node in nodes(plan) if "Index Name" in node}


def scanned(plan: dict) -> set[str]:
    return {node["Relation Name"] for node in nodes(plan) if node["Node Type"] == "Seq Scan"}


def test_the_newest_articles_walk_article_latest_idx(archive):
    plan = plan_of("/api/articles/")
    assert "article_latest_idx" in indexes(plan) and "articles_article" not in scanned(plan)


def test_changes_since_walk_article_updated_idx(archive):
    plan = plan_of("/api/articles/?updated_since=2000-01-01T00:00:00Z")
    assert "article_updated_idx" in indexes(plan) and "articles_article" not in scanned(plan)


def test_a_rare_language_reads_article_language_idx(archive):
    assert "article_language_idx" in indexes(plan_of("/api/articles/?language=tr"))


def test_a_small_outlet_reads_article_outlet_idx(archive):
    # A big outlet's newest articles are found as fast walking article_latest_idx.
    assert "article_outlet_idx" in indexes(plan_of("/api/articles/?outlet=outlet-0"))


def test_the_newest_annotations_walk_the_primary_key(archive):
    plan = plan_of("/api/annotations/")
    assert "articles_annotation_pkey" in indexes(plan)
    assert "articles_annotation" not in scanned(plan)


def test_annotation_changes_since_walk_annotation_updated_idx(archive):
    plan = plan_of("/api/annotations/?updated_since=2000-01-01T00:00:00Z")
    assert "annotation_updated_idx" in indexes(plan)
    assert "articles_annotation" not in scanned(plan)


def test_a_speakers_annotations_read_annotation_speaker_idx(archive):
    plan = plan_of("/api/annotations/?speaker=speaker-7")
    assert "annotation_speaker_idx" in indexes(plan)
    assert "articles_annotation" not in scanned(plan)


def test_a_speakers_articles_are_found_through_articlefacets(archive):
    plan = plan_of("/api/articles/?speaker=speaker-7")
    assert "articlefacets_speakers_gin" in indexes(plan)
    assert "articles_annotation" not in scanned(plan)
