"""The database-side SQL: column storage settings and the triggers, from articles/sql/.

Each file is the current definition (CREATE OR REPLACE), so a fresh database gets today's
bodies in one pass, and tests/test_sql.py checks the database against the files. To change
a function or trigger, edit its file and add a migration that runs the file again (see
articles/sql/README.md), so existing databases get it too.
"""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles"),
    ]

    operations = [
        migrations.RunSQL(
            sql_file("column_storage.sql"),
            """
            ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED;
            ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION default;
            ALTER TABLE articles_article ALTER COLUMN body SET COMPRESSION default;
            ALTER TABLE articles_article ALTER COLUMN structure SET COMPRESSION default;
            ALTER TABLE articles_sourcefile ALTER COLUMN content SET COMPRESSION default;
            """,
        ),
        migrations.RunSQL(
            sql_file("article_search_vector.sql"),
            """
            DROP TRIGGER article_search_vector ON articles_article;
            DROP FUNCTION articles_article_search_vector();
            """,
        ),
        migrations.RunSQL(
            sql_file("annotations_version.sql"),
            """
            DROP TRIGGER articles_article_deleted ON articles_article;
            DROP FUNCTION articles_article_deleted();
            DROP TRIGGER articles_tag_renamed ON articles_tag;
            DROP FUNCTION articles_tag_renamed();
            DROP TRIGGER articles_speaker_renamed ON articles_speaker;
            DROP FUNCTION articles_speaker_renamed();
            DROP TRIGGER articles_annotation_tags_inserted ON articles_annotation_tags;
            DROP TRIGGER articles_annotation_tags_deleted ON articles_annotation_tags;
            DROP FUNCTION articles_annotation_tags_changed();
            DROP TRIGGER articles_annotation_inserted ON articles_annotation;
            DROP TRIGGER articles_annotation_updated ON articles_annotation;
            DROP TRIGGER articles_annotation_deleted ON articles_annotation;
            DROP FUNCTION articles_annotation_changed();
            DROP FUNCTION articles_annotations_version_bump(bigint[]);
            DROP SEQUENCE articles_annotations_version_seq;
            """,
        ),
        migrations.RunSQL(
            sql_file("article_facets.sql"),
            """
            DROP TRIGGER articles_facets_article_deleted ON articles_article;
            DROP FUNCTION articles_facets_article_deleted();
            DROP TRIGGER articles_facets_tags_inserted ON articles_annotation_tags;
            DROP TRIGGER articles_facets_tags_deleted ON articles_annotation_tags;
            DROP FUNCTION articles_facets_tags_changed();
            DROP TRIGGER articles_facets_annotation_inserted ON articles_annotation;
            DROP TRIGGER articles_facets_annotation_updated ON articles_annotation;
            DROP TRIGGER articles_facets_annotation_deleted ON articles_annotation;
            DROP FUNCTION articles_facets_annotation_changed();
            DROP FUNCTION articles_facets_refresh(bigint[]);
            """,
        ),
    ]
