-- A per-article annotations version (models.AnnotationsVersion), bumped by triggers
-- whenever anything the reading page shows of an article's annotations changes.
--
-- Statement-level triggers with transition tables: a bulk write bumps each article once.
-- Bumps take the articles in id order so two writers never wait on each other in a cycle.
-- Values come from a sequence, never reused.
--
-- Loaded by a migration (see articles/sql/README.md); tests/test_sql.py checks that the
-- database's definitions are the ones written here.

CREATE SEQUENCE IF NOT EXISTS articles_annotations_version_seq;

CREATE OR REPLACE FUNCTION articles_annotations_version_bump(article_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO articles_annotationsversion (article_id, version)
    SELECT article_id, nextval('articles_annotations_version_seq')
    FROM (SELECT DISTINCT unnest(article_ids) AS article_id ORDER BY 1) ids
    WHERE article_id IS NOT NULL
    ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version
$$;

CREATE OR REPLACE FUNCTION articles_annotation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM articles_annotations_version_bump(ARRAY(SELECT article_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM articles_annotations_version_bump(ARRAY(SELECT article_id FROM old_rows));
    ELSE
        PERFORM articles_annotations_version_bump(ARRAY(
            SELECT article_id FROM new_rows UNION SELECT article_id FROM old_rows
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_annotation_inserted AFTER INSERT ON articles_annotation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();
CREATE OR REPLACE TRIGGER articles_annotation_updated AFTER UPDATE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();
CREATE OR REPLACE TRIGGER articles_annotation_deleted AFTER DELETE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();

CREATE OR REPLACE FUNCTION articles_annotation_tags_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM articles_annotations_version_bump(ARRAY(
            SELECT an.article_id FROM new_rows l
            JOIN articles_annotation an ON an.id = l.annotation_id
        ));
    ELSE
        PERFORM articles_annotations_version_bump(ARRAY(
            SELECT an.article_id FROM old_rows l
            JOIN articles_annotation an ON an.id = l.annotation_id
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_annotation_tags_inserted AFTER INSERT ON articles_annotation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_tags_changed();
CREATE OR REPLACE TRIGGER articles_annotation_tags_deleted AFTER DELETE ON articles_annotation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_tags_changed();

-- Marks show the speaker's and the tags' names and link to their slugs.
CREATE OR REPLACE FUNCTION articles_speaker_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_annotations_version_bump(ARRAY(
        SELECT an.article_id FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        JOIN articles_annotation an ON an.speaker_id = n.id
        WHERE (n.name, n.slug) IS DISTINCT FROM (o.name, o.slug)
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_speaker_renamed AFTER UPDATE ON articles_speaker
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_speaker_renamed();

CREATE OR REPLACE FUNCTION articles_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_annotations_version_bump(ARRAY(
        SELECT an.article_id FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        JOIN articles_annotation_tags l ON l.tag_id = n.id
        JOIN articles_annotation an ON an.id = l.annotation_id
        WHERE (n.name, n.slug) IS DISTINCT FROM (o.name, o.slug)
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_tag_renamed AFTER UPDATE ON articles_tag
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_renamed();

-- No foreign key to the article: its delete runs after its annotations' (whose triggers
-- write here), so a trigger on the article removes the row.
CREATE OR REPLACE FUNCTION articles_article_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_annotationsversion WHERE article_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_article_deleted AFTER DELETE ON articles_article
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_article_deleted();
