"""The W3C Web Annotation endpoints: the index the site-wide container pages through, and
the triggers that keep their ETags true (articles/sql/web_annotation_versions.sql)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql" / "web_annotation_versions.sql"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_storage_and_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-id"],
                name="annotation_published_id_idx",
            ),
        ),
        migrations.RunSQL(
            SQL.read_text(encoding="utf-8"),
            """
            DROP TRIGGER articles_author_renamed ON auth_user;
            DROP FUNCTION articles_author_renamed();
            DROP TRIGGER articles_article_slug_changed ON articles_article;
            DROP FUNCTION articles_article_slug_changed();
            """,
        ),
    ]
