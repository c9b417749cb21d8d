"""`manage.py cluster_articles`: rewrite the articles table newest first.

Search walks the newest articles and tests each one's search vector, so it reads fewer
pages when the newest rows sit together; and the search vector's storage settings
(inline, uncompressed: articles/sql/column_storage.sql) apply only to rows written after
they were set. This rewrites every row in `article_latest_idx` order (PostgreSQL's
CLUSTER), then refreshes the planner's statistics (ANALYZE), which record that order.

Run it after loading a large archive into a database that already held articles, and
after any change to the search vector column's storage. A fresh database needs neither.

CLUSTER holds an exclusive lock on the articles table for as long as copying it takes
(about 30 s at 100,000 articles on a small machine): nobody can read or write articles
meanwhile, so run it when the site is quiet. It needs free disk space for a second copy of
the table and its indexes. PostgreSQL does not keep the order for rows written later: run
it again after the next big import.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Rewrite the articles table newest first (CLUSTER on article_latest_idx) so search "
        "reads fewer pages. Takes an exclusive lock on the articles table while it runs "
        "(about 30 s at 100,000 articles): run it when the site is quiet, after loading a "
        "large archive."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("CLUSTER articles_article USING article_latest_idx")
            cursor.execute("ANALYZE articles_article")
            cursor.execute("SELECT count(*) FROM articles_article")
            (count,) = cursor.fetchone()
        self.stdout.write(
            f"{count:,} article{'' if count == 1 else 's'} rewritten newest first "
            f"in {time.monotonic() - started:.1f} s."
        )
