-- Version 1 of every new article (models.ArticleVersion): the text it was stored with.
--
-- A statement-level trigger with a transition table, so the bulk import's COPY of a chunk
-- of articles writes their first versions in the same statement, with no query of its own
-- (the import's query count per chunk stays what it was). Who made it: whoever imported
-- the article's source file, when there is one.
--
-- Loaded by a migration (see articles/sql/README.md); tests/test_sql.py checks that the
-- database's definitions are the ones written here.

CREATE OR REPLACE FUNCTION articles_article_first_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO articles_articleversion (
        article_id, number, kind, title, body, structure, content_hash, source_file_id,
        created_by_id, created_at, reason, note, reanchored
    )
    SELECT a.id, 1, 'original', a.title, a.body, a.structure, a.content_hash, a.source_file_id,
           sf.imported_by_id, a.created_at, 'First version', '', '{}'::jsonb
    FROM new_rows a
    LEFT JOIN articles_sourcefile sf ON sf.id = a.source_file_id
    ORDER BY a.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_article_first_version AFTER INSERT ON articles_article
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_article_first_version();
