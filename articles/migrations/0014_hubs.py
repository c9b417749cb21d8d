"""Hubs: old addresses of merged speakers (`SpeakerRedirect`), the hubs' version
(articles/sql/hubs_version.sql) the hub pages are cached and validated under, and an index
for the claims page (one verdict newest first, and the verdicts' counts)."""

from __future__ import annotations

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

HUBS_VERSION = Path(__file__).resolve().parent.parent / "sql" / "hubs_version.sql"
UNDO_SQL = """
DROP TRIGGER IF EXISTS articles_hubs_article ON articles_article;
DROP TRIGGER IF EXISTS articles_hubs_outlet ON articles_outlet;
DROP TRIGGER IF EXISTS articles_hubs_speaker ON articles_speaker;
DROP TRIGGER IF EXISTS articles_hubs_speakerredirect ON articles_speakerredirect;
DROP TRIGGER IF EXISTS articles_hubs_tag ON articles_tag;
DROP TRIGGER IF EXISTS articles_hubs_annotation ON articles_annotation;
DROP TRIGGER IF EXISTS articles_hubs_annotation_tags ON articles_annotation_tags;
DROP FUNCTION IF EXISTS articles_hubs_changed();
DROP SEQUENCE IF EXISTS articles_hubs_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_scale"),
    ]

    operations = [
        migrations.CreateModel(
            name="SpeakerRedirect",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(allow_unicode=True, max_length=220, unique=True)),
                (
                    "speaker",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="redirects",
                        to="articles.speaker",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("kind", "quote"), ("status", "published")),
                fields=["speaker", "-id"],
                include=["article", "start", "end"],
                name="annotation_speaker_quote_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="annotation",
            index=models.Index(
                condition=models.Q(("kind", "claim"), ("status", "published")),
                fields=["verdict", "-id"],
                name="annotation_claim_verdict_idx",
            ),
        ),
        migrations.RunSQL(HUBS_VERSION.read_text(encoding="utf-8"), UNDO_SQL),
    ]
