"""The author-renamed trigger also follows a changed username (the reading page shows it for
an author without a full name): articles/sql/web_annotation_versions.sql, loaded again."""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql" / "web_annotation_versions.sql"


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_versions")]

    # CREATE OR REPLACE throughout. Backwards: nothing to undo that matters, since the wider
    # comparison only bumps versions more often, never serves a stale page.
    operations = [migrations.RunSQL(SQL.read_text(encoding="utf-8"), migrations.RunSQL.noop)]
