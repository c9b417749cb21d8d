-- The article search vector, kept by a trigger rather than a generated column.
--
-- A generated column is computed on every insert, and to_tsvector costs about 1 ms per
-- 5 KB article: the bulk import's critical path. The trigger computes the vector on every
-- write of the text, except for rows with `index_pending` set: bulk imports store those and
-- the indexer (`articles_index`) clears the flag later, which makes the trigger compute the
-- vector then. Until then the vector is NULL and search does not find the article.
--
-- The expression is exactly ARTICLE_SEARCH_VECTOR in Python (title A, summary B, body C,
-- in the `newsreader` configuration of search_configuration.sql: english stemming after
-- unaccent); tests/test_importing_indexing.py checks that the two agree.
--
-- Loaded by a migration (see articles/sql/README.md); tests/test_sql.py checks that the
-- database's definitions are the ones written here.

CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.index_pending THEN
        NEW.search_vector := NULL;
    ELSIF TG_OP = 'UPDATE'
        AND NOT OLD.index_pending
        AND OLD.search_vector IS NOT NULL
        AND NEW.title IS NOT DISTINCT FROM OLD.title
        AND NEW.summary IS NOT DISTINCT FROM OLD.summary
        AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
        -- A save that rewrites the row with the same text (the admin, say) keeps the
        -- vector it had rather than parsing the body again.
        NEW.search_vector := OLD.search_vector;
    ELSE
        NEW.search_vector :=
            (setweight(to_tsvector('newsreader'::regconfig, COALESCE(NEW.title, '')), 'A')
            || setweight(to_tsvector('newsreader'::regconfig, COALESCE(NEW.summary, '')), 'B'))
            || setweight(to_tsvector('newsreader'::regconfig, COALESCE(NEW.body, '')), 'C');
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER article_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, body, language, index_pending ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
