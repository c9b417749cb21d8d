-- Per-article facet values (models.ArticleFacets): the kinds, speakers and tags of each
-- article's published annotations, kept by triggers for search's facet counts.
--
-- Statement-level triggers with transition tables: a bulk write touches each article once.
-- Inserted annotations and tag links add their values to the article's row (a create, the
-- hot path of annotating, would otherwise recount the article twice: the annotation, then
-- its tags, about 0.7 ms each on a small article); updates and deletes refresh the article
-- in full, since only they can take a value away.
--
-- Both take an advisory lock on each article (in id order, so writers never wait in a
-- cycle) before reading its annotations: a second writer then waits for the first to
-- commit and reads its annotations too, so no refresh overwrites a newer one with stale
-- values, and an addition and a refresh of the same article wait for each other.
--
-- Loaded by a migration (see articles/sql/README.md); tests/test_sql.py checks that the
-- database's definitions are the ones written here.

CREATE OR REPLACE FUNCTION articles_facets_refresh(article_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtextextended('newsreader.facets', id))
    FROM (SELECT DISTINCT unnest(article_ids) AS id ORDER BY 1) ids
    WHERE id IS NOT NULL;

    INSERT INTO articles_articlefacets (article_id, kinds, speaker_ids, tag_ids)
    SELECT an.article_id,
        array_agg(DISTINCT an.kind),
        coalesce(array_agg(DISTINCT an.speaker_id) FILTER (WHERE an.speaker_id IS NOT NULL), '{}'),
        coalesce((
            SELECT array_agg(DISTINCT l.tag_id)
            FROM articles_annotation_tags l
            JOIN articles_annotation tagged ON tagged.id = l.annotation_id
            WHERE tagged.article_id = an.article_id AND tagged.status = 'published'
        ), '{}')
    FROM articles_annotation an
    WHERE an.article_id = ANY(article_ids) AND an.status = 'published'
    GROUP BY an.article_id
    ORDER BY an.article_id
    ON CONFLICT (article_id) DO UPDATE
    SET kinds = EXCLUDED.kinds, speaker_ids = EXCLUDED.speaker_ids, tag_ids = EXCLUDED.tag_ids;

    DELETE FROM articles_articlefacets f
    WHERE f.article_id = ANY(article_ids) AND NOT EXISTS (
        SELECT 1 FROM articles_annotation an
        WHERE an.article_id = f.article_id AND an.status = 'published'
    );
$$;

CREATE OR REPLACE FUNCTION articles_facets_annotation_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('newsreader.facets', id))
        FROM (
            SELECT DISTINCT article_id AS id FROM new_rows WHERE status = 'published' ORDER BY 1
        ) ids;
        INSERT INTO articles_articlefacets AS f (article_id, kinds, speaker_ids, tag_ids)
        SELECT article_id,
            array_agg(DISTINCT kind),
            coalesce(array_agg(DISTINCT speaker_id) FILTER (WHERE speaker_id IS NOT NULL), '{}'),
            '{}'
        FROM new_rows
        WHERE status = 'published'
        GROUP BY article_id
        ORDER BY article_id
        ON CONFLICT (article_id) DO UPDATE SET
            kinds = ARRAY(SELECT DISTINCT v FROM unnest(f.kinds || EXCLUDED.kinds) v ORDER BY 1),
            speaker_ids = ARRAY(
                SELECT DISTINCT v FROM unnest(f.speaker_ids || EXCLUDED.speaker_ids) v ORDER BY 1
            );
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM articles_facets_refresh(ARRAY(SELECT article_id FROM old_rows));
    ELSE
        PERFORM articles_facets_refresh(ARRAY(
            SELECT n.article_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.article_id, n.status, n.kind, n.speaker_id)
                IS DISTINCT FROM (o.article_id, o.status, o.kind, o.speaker_id)
            UNION
            SELECT o.article_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.article_id IS DISTINCT FROM o.article_id
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_facets_annotation_inserted AFTER INSERT ON articles_annotation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_annotation_changed();
CREATE OR REPLACE TRIGGER articles_facets_annotation_updated AFTER UPDATE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_annotation_changed();
CREATE OR REPLACE TRIGGER articles_facets_annotation_deleted AFTER DELETE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_annotation_changed();

CREATE OR REPLACE FUNCTION articles_facets_tags_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('newsreader.facets', id))
        FROM (
            SELECT DISTINCT an.article_id AS id FROM new_rows l
            JOIN articles_annotation an ON an.id = l.annotation_id
            WHERE an.status = 'published'
            ORDER BY 1
        ) ids;
        INSERT INTO articles_articlefacets AS f (article_id, kinds, speaker_ids, tag_ids)
        SELECT an.article_id, '{}', '{}', array_agg(DISTINCT l.tag_id)
        FROM new_rows l
        JOIN articles_annotation an ON an.id = l.annotation_id
        WHERE an.status = 'published'
        GROUP BY an.article_id
        ORDER BY an.article_id
        ON CONFLICT (article_id) DO UPDATE SET
            tag_ids = ARRAY(
                SELECT DISTINCT v FROM unnest(f.tag_ids || EXCLUDED.tag_ids) v ORDER BY 1
            );
    ELSE
        PERFORM articles_facets_refresh(ARRAY(
            SELECT an.article_id FROM old_rows l
            JOIN articles_annotation an ON an.id = l.annotation_id
            WHERE an.status = 'published'
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_facets_tags_inserted AFTER INSERT ON articles_annotation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_tags_changed();
CREATE OR REPLACE TRIGGER articles_facets_tags_deleted AFTER DELETE ON articles_annotation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_tags_changed();

CREATE OR REPLACE FUNCTION articles_facets_article_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_articlefacets WHERE article_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_facets_article_deleted AFTER DELETE ON articles_article
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_facets_article_deleted();
