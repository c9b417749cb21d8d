"""`manage.py cluster_articles`: the articles table rewritten newest first."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def stored_order() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM articles_article ORDER BY ctid")
        return [row[0] for row in cursor.fetchall()]


def cluster() -> str:
    """Run the command inside the test's transaction: CLUSTER refuses a table with checks
    still pending, and the inserts' foreign keys are checked at commit unless told now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    out = io.StringIO()
    call_command("cluster_articles", stdout=out)
    return out.getvalue()


def test_it_stores_the_articles_newest_first_and_says_how_many():
    old = make_article(title="Old", published_on=datetime.date(2020, 1, 1))
    new = make_article(title="New", published_on=datetime.date(2024, 1, 1))
    oldest = make_article(title="Oldest", published_on=datetime.date(2010, 1, 1))
    # No assertion on the order before: where an insert lands depends on the space earlier
    # tests' rolled-back rows left. CLUSTER rewrites the table in the index's order, and
    # marks the table as clustered on it, which nothing else does.
    out = cluster()
    assert stored_order() == [new.pk, old.pk, oldest.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = 'articles_article'::regclass AND i.indisclustered"
        )
        assert cursor.fetchall() == [("article_latest_idx",)]
    assert out.startswith("3 articles rewritten newest first in ")


def test_it_keeps_the_search_vectors_inline_and_uncompressed():
    make_article(title="Pentagon denies withdrawal")
    cluster()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage, attcompression FROM pg_attribute"
            " WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m", "p")
