"""Indexing in two queues, and a time for the annotations version.

`Article.copies_pending` with its own partial index (shared with `quotes_pending`): the
indexer commits search vectors first and runs the quote finder and copy detection after
(articles/importing/indexing.py). Articles still waiting for their vector when this runs
have had no copy detection either, so they join the follow-up queue.

`AnnotationsVersion.changed_at`, set at each bump by a trigger
(articles/sql/annotations_version_time.sql), and `Outlet.updated_at`: with the article's
own time, the reading page's Last-Modified. Existing rows get the migration's time, later
than any change they stand for, so no If-Modified-Since is answered wrongly with a 304.
"""

from __future__ import annotations

from pathlib import Path

import django.db.models.functions.datetime
from django.db import migrations, models

VERSION_TIME_SQL = Path(__file__).resolve().parent.parent / "sql" / "annotations_version_time.sql"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotationsversion",
            name="changed_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), editable=False
            ),
        ),
        migrations.AddField(
            model_name="outlet",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_default=django.db.models.functions.datetime.Now()
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="copies_pending",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="The indexer should look for copies of this story in other outlets.",
            ),
        ),
        migrations.RunSQL(
            "UPDATE articles_article SET copies_pending = true WHERE index_pending",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(
                    ("quotes_pending", True), ("copies_pending", True), _connector="OR"
                ),
                fields=["id"],
                name="article_followup_queue",
            ),
        ),
        migrations.RunSQL(VERSION_TIME_SQL.read_text(encoding="utf-8"), migrations.RunSQL.noop),
    ]
