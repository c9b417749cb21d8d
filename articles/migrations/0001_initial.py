"""The tables, indexes and constraints of every model.

The history was squashed before the first deployment; the database-side SQL (storage
settings and triggers) comes in 0003 from the files in articles/sql/. The articles table's
last columns (source_file, search_vector, index_pending, quotes_pending) are added after
SourceFile, in the column order the squashed history left.
"""

from __future__ import annotations

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Outlet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=220, unique=True)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"), name="outlet_name_ci_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Article",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=500)),
                ("slug", models.SlugField(max_length=255, unique=True)),
                ("summary", models.TextField(blank=True)),
                ("published_on", models.DateField()),
                ("agency", models.CharField(blank=True, max_length=100)),
                ("original_url", models.URLField(blank=True, max_length=1000)),
                ("source_note", models.CharField(blank=True, max_length=300)),
                (
                    "language",
                    models.CharField(
                        default="en",
                        help_text="BCP 47 code of the text, e.g. en, tr.",
                        max_length=8,
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Canonical text; annotations point into it. Never rewrite."
                    ),
                ),
                (
                    "structure",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text=(
                            'Blocks in order: [{"kind": "heading"|"paragraph",'
                            ' "start": 0, "end": 42}]'
                        ),
                    ),
                ),
                ("content_hash", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "outlet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="articles",
                        to="articles.outlet",
                    ),
                ),
            ],
            options={
                "ordering": ["-published_on", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SourceFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="File name, or path inside a zip archive.", max_length=500
                    ),
                ),
                ("content", models.BinaryField(help_text="The bytes exactly as uploaded.")),
                ("size", models.PositiveIntegerField(default=0)),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                ("encoding", models.CharField(blank=True, max_length=32)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("imported", "Imported"),
                            ("duplicate", "Duplicate"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("error", models.TextField(blank=True)),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        help_text=(
                            "The article imported from this file, or the existing one it"
                            " duplicates."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="source_files",
                        to="articles.article",
                    ),
                ),
                (
                    "imported_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-imported_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "-imported_at"], name="sourcefile_status_idx")
                ],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="source_file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="articles.sourcefile",
            ),
        ),
        # A plain column kept by the trigger in articles/sql/article_search_vector.sql.
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="index_pending",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Waiting for the indexer: not found by search until it has run.",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="quotes_pending",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The indexer should run the quote finder over this article.",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-published_on", "-id"], name="article_latest_idx"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["outlet", "-published_on", "-id"], name="article_outlet_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("index_pending", True)),
                fields=["id"],
                name="article_index_queue",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["original_url"], name="article_url_idx"),
        ),
        migrations.CreateModel(
            name="Speaker",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(max_length=220, unique=True)),
                ("description", models.CharField(blank=True, max_length=300)),
                (
                    "aliases",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=200),
                        blank=True,
                        default=list,
                        size=None,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["name"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.search.SearchVector(
                            models.Func(
                                models.F("name"),
                                models.Value("ı"),
                                models.Value("i"),
                                function="translate",
                                output_field=models.TextField(),
                            ),
                            config="english",
                        ),
                        name="speaker_name_search",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        name="speaker_name_ci_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("slug", models.SlugField(max_length=120, unique=True)),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"), name="tag_name_ci_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Annotation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("quote", "Quote"),
                            ("claim", "Claim"),
                            ("highlight", "Highlight"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("published", "Published"),
                            ("suggested", "Suggested by the quote finder"),
                            ("rejected", "Rejected suggestion"),
                        ],
                        default="published",
                        max_length=16,
                    ),
                ),
                (
                    "start",
                    models.PositiveIntegerField(
                        help_text="Code-point offset into the article body."
                    ),
                ),
                ("end", models.PositiveIntegerField(help_text="Exclusive code-point offset.")),
                (
                    "exact",
                    models.TextField(help_text="body[start:end] when the annotation was made."),
                ),
                ("prefix", models.CharField(blank=True, max_length=32)),
                ("suffix", models.CharField(blank=True, max_length=32)),
                (
                    "verdict",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("true", "True"),
                            ("mostly-true", "Mostly true"),
                            ("mixed", "Mixed"),
                            ("mostly-false", "Mostly false"),
                            ("false", "False"),
                            ("unverifiable", "Unverifiable"),
                        ],
                        max_length=16,
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="annotations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="annotations",
                        to="articles.article",
                    ),
                ),
                (
                    "speaker",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="annotations",
                        to="articles.speaker",
                    ),
                ),
                (
                    "proposed_speaker",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "Speaker name the quote finder proposed where no existing speaker"
                            " matched; accepting the suggestion creates that speaker."
                        ),
                        max_length=200,
                    ),
                ),
                (
                    "tags",
                    models.ManyToManyField(
                        blank=True, related_name="annotations", to="articles.tag"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["article", "status", "start"], name="annotation_article_idx"
                    ),
                    models.Index(fields=["speaker", "-created_at"], name="annotation_speaker_idx"),
                    models.Index(
                        fields=["kind", "verdict", "-created_at"], name="annotation_verdict_idx"
                    ),
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.search.SearchVector(
                            models.Func(
                                models.F("note"),
                                models.Value("ı"),
                                models.Value("i"),
                                function="translate",
                                output_field=models.TextField(),
                            ),
                            config="english",
                        ),
                        condition=models.Q(("status", "published")),
                        name="annotation_note_search",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("start__gte", 0), ("start__lt", models.F("end"))),
                        name="annotation_span_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind", "claim"), ("verdict", ""), _connector="OR"),
                        name="annotation_verdict_only_on_claims",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind", "quote"), ("speaker__isnull", True), _connector="OR"
                        ),
                        name="annotation_speaker_only_on_quotes",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("status", "published")),
                        fields=("article", "start", "end", "kind"),
                        name="annotation_published_span_unique",
                        violation_error_message="This span is already annotated with this kind.",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="AnnotationRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("annotation_id", models.BigIntegerField(db_index=True)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("created", "Created"),
                            ("updated", "Updated"),
                            ("deleted", "Deleted"),
                            ("restored", "Restored"),
                            ("accepted", "Accepted suggestion"),
                            ("rejected", "Rejected suggestion"),
                        ],
                        max_length=16,
                    ),
                ),
                ("before", models.JSONField(blank=True, null=True)),
                ("after", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["annotation_id", "-created_at"], name="revision_annotation_idx"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AnnotationsVersion",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="annotations_version",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "annotations version",
            },
        ),
        migrations.CreateModel(
            name="ArticleFacets",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="facet_values",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                (
                    "kinds",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.CharField(max_length=16), default=list, size=None
                    ),
                ),
                (
                    "speaker_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                (
                    "tag_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
            ],
        ),
    ]
