-- What the W3C Web Annotations (articles/web_annotation.py) show beyond the reading page:
-- the article's URL (its slug) as every target's source, and the creator's full name. A
-- change to either bumps the article's annotations version (annotations_version.sql), so
-- the ETags of its annotations, its collection and the site-wide container change too.
-- The reading page names an author without a full name by login name (rendering.py), so a
-- changed username bumps too: cached pages (in Redis, for every process) are keyed by it.
--
-- Statement-level with transition tables like the other version triggers; an update that
-- changes neither (the indexer's, a login's last_login) joins and bumps nothing.

CREATE OR REPLACE FUNCTION articles_article_slug_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_annotations_version_bump(ARRAY(
        SELECT n.id FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        WHERE n.slug IS DISTINCT FROM o.slug
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_article_slug_changed AFTER UPDATE ON articles_article
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_article_slug_changed();

CREATE OR REPLACE FUNCTION articles_author_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_annotations_version_bump(ARRAY(
        SELECT DISTINCT an.article_id FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        JOIN articles_annotation an ON an.author_id = n.id
        WHERE (n.first_name, n.last_name, n.username)
            IS DISTINCT FROM (o.first_name, o.last_name, o.username)
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_author_renamed AFTER UPDATE ON auth_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_author_renamed();
