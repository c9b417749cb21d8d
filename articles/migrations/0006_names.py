"""Slugs in any script (issue 16 #1): `allow_unicode` changes only the slug fields' validator
(`validate_unicode_slug`, so the admin accepts "κυριάκος"); the columns and their indexes stay
as they are (`sqlmigrate` shows no SQL)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_api"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=255, unique=True),
        ),
        migrations.AlterField(
            model_name="outlet",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=220, unique=True),
        ),
        migrations.AlterField(
            model_name="speaker",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=220, unique=True),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=120, unique=True),
        ),
    ]
