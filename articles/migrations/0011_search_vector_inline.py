"""Keep each article's search vector inside its row (STORAGE MAIN) instead of in TOAST.

Search walks the newest articles and tests each one's vector against the query; a vector
of a few KB stored out of line cost a TOAST index probe and two chunk reads per article
(about 5 µs), three times the test itself, and ranking read it again. Inline, that cost is
gone: the matching step of a common-word search went from about 12 ms to 4.5 ms at 100,000
articles. Vectors too big for a page (very long articles) still move out of line.

It is also left uncompressed: a tsvector barely compresses (lz4, which migration 0007 set,
saved 2% on the bench's vectors) and every test of an lz4 vector decompressed it first,
which made the same scan 2.5 times slower (4.0 against 1.5 ms for 400 matches among 20,000
rows). pglz declines to store data that does not shrink by a quarter, so with pglz the
vector stays as it is; trying costs about 15 µs an article at import.

The storage setting only applies to rows written from now on, so the table is rewritten
once (CLUSTER on the newest-first index, which also puts the newest articles together):
this takes an exclusive lock for as long as copying the table takes (about 30 s at
100,000 articles on a small machine).

If the search vector column is ever dropped and re-added (e.g. to stop it being a
generated column), this must be applied again after that.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_article_outlet_idx_newest_first"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN",
                "ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION pglz",
                "CLUSTER articles_article USING article_latest_idx",
            ],
            reverse_sql=[
                "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED",
                # Back to what migration 0007 chose (it keeps pglz where lz4 is missing).
                """
                DO $$
                BEGIN
                    ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION lz4;
                EXCEPTION WHEN feature_not_supported OR syntax_error THEN
                    NULL;
                END
                $$
                """,
            ],
        ),
    ]
