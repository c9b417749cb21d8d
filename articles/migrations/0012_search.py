"""Search in the `newsreader` text search configuration (unaccent, then english stemming).

Creates the unaccent extension and the configuration (articles/sql/search_configuration.sql),
loads the article vector's new trigger body, re-indexes the vectors already stored in one
UPDATE (with their GIN index dropped meanwhile: building it once beats maintaining it row
by row), and rebuilds the note and speaker indexes on the new configuration, beside a new one
on the words of quotes and claims.
"""

from __future__ import annotations

from pathlib import Path

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"

# Exactly the trigger's expression (articles/sql/article_search_vector.sql).
REINDEX_SQL = """
UPDATE articles_article SET search_vector =
    (setweight(to_tsvector('newsreader'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('newsreader'::regconfig, COALESCE(summary, '')), 'B'))
    || setweight(to_tsvector('newsreader'::regconfig, COALESCE(body, '')), 'C')
WHERE search_vector IS NOT NULL
"""
# The vectors as migration 0003 made them, for going back.
UNINDEX_SQL = """
UPDATE articles_article SET search_vector =
    (setweight(to_tsvector('english'::regconfig,
        COALESCE(translate(title, 'ı', 'i'), '')), 'A')
    || setweight(to_tsvector('english'::regconfig,
        COALESCE(translate(summary, 'ı', 'i'), '')), 'B'))
    || setweight(to_tsvector('english'::regconfig,
        COALESCE(translate(body, 'ı', 'i'), '')), 'C')
WHERE search_vector IS NOT NULL
"""
PREVIOUS_TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.index_pending THEN
        NEW.search_vector := NULL;
    ELSIF TG_OP = 'UPDATE'
        AND NOT OLD.index_pending
        AND OLD.search_vector IS NOT NULL
        AND NEW.title IS NOT DISTINCT FROM OLD.title
        AND NEW.summary IS NOT DISTINCT FROM OLD.summary
        AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
        NEW.search_vector := OLD.search_vector;
    ELSE
        NEW.search_vector :=
            (setweight(to_tsvector('english'::regconfig,
                COALESCE(translate(NEW.title, 'ı', 'i'), '')), 'A')
            || setweight(to_tsvector('english'::regconfig,
                COALESCE(translate(NEW.summary, 'ı', 'i'), '')), 'B'))
            || setweight(to_tsvector('english'::regconfig,
                COALESCE(translate(NEW.body, 'ı', 'i'), '')), 'C');
    END IF;
    RETURN NEW;
END
$$;
"""


def _vector(field: str) -> django.contrib.postgres.search.SearchVector:
    return django.contrib.postgres.search.SearchVector(field, config="newsreader")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_revision_actions"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(
            (SQL_DIR / "search_configuration.sql").read_text(encoding="utf-8"),
            "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsreader",
        ),
        migrations.RunSQL(
            (SQL_DIR / "article_search_vector.sql").read_text(encoding="utf-8"),
            PREVIOUS_TRIGGER_SQL,
        ),
        migrations.RemoveIndex(model_name="article", name="article_search_gin"),
        migrations.RunSQL(REINDEX_SQL, UNINDEX_SQL),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_gin"
            ),
        ),
        migrations.RemoveIndex(model_name="annotation", name="annotation_note_search"),
        migrations.RemoveIndex(model_name="speaker", name="speaker_name_search"),
        migrations.AddIndex(
            model_name="annotation",
            index=django.contrib.postgres.indexes.GinIndex(
                _vector("note"),
                condition=models.Q(("status", "published")),
                name="annotation_note_search",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=django.contrib.postgres.indexes.GinIndex(
                _vector("exact"),
                condition=models.Q(("kind__in", ["quote", "claim"]), ("status", "published")),
                name="annotation_exact_search",
            ),
        ),
        migrations.AddIndex(
            model_name="speaker",
            index=django.contrib.postgres.indexes.GinIndex(
                _vector("name"), name="speaker_name_search"
            ),
        ),
        # Statistics for the new vectors and expression indexes at once: without them the
        # planner guesses how many rows a word matches, and may walk the newest stories
        # looking for a rare one.
        migrations.RunSQL(
            "ANALYZE articles_article, articles_annotation, articles_speaker",
            migrations.RunSQL.noop,
        ),
    ]
