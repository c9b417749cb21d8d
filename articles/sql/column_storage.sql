-- How the big columns are stored. These settings apply to values written afterwards (the
-- migration that loads this file runs on empty tables).
--
-- Article bodies, structures and source files compress with lz4. PostgreSQL compresses
-- values over about 2 KB before storing them; its default, pglz, took about 0.25 ms per
-- 5 KB article with its 5 KB source file, the largest part of the database's work in a bulk
-- import, and lz4 does it in a fraction of that (measured: COPY of such rows 0.33 ms/row
-- with pglz, 0.05 ms/row with lz4). Servers built without lz4 keep pglz.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE articles_article ALTER COLUMN body SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE articles_article ALTER COLUMN structure SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE articles_sourcefile ALTER COLUMN content SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'lz4 compression is not available on this server: keeping pglz';
END
$$;

-- The search vector stays inside its row (STORAGE MAIN) and uncompressed (pglz, which
-- declines it). Search walks the newest articles and tests each one's vector against the
-- query; a vector of a few KB stored out of line cost a TOAST index probe and two chunk
-- reads per article (about 5 µs), three times the test itself, and ranking read it again.
-- Inline, the matching step of a common-word search went from about 12 ms to 4.5 ms at
-- 100,000 articles. Vectors too big for a page (very long articles) still move out of line.
--
-- A tsvector barely compresses (lz4 saved 2% on the bench's vectors) and every test of an
-- lz4 vector decompressed it first, which made the same scan 2.5 times slower (4.0 against
-- 1.5 ms for 400 matches among 20,000 rows). pglz declines to store data that does not
-- shrink by a quarter, so with pglz the vector stays as it is; trying costs about 15 µs an
-- article at import. tests/test_views_search.py checks both settings.
--
-- If the column is ever dropped and re-added, this must be applied again after that.
ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN;
ALTER TABLE articles_article ALTER COLUMN search_vector SET COMPRESSION pglz;
