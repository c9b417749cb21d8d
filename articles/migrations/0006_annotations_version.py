"""A per-article annotations version kept by triggers (see models.AnnotationsVersion)."""

import django.db.models.deletion
from django.db import migrations, models


# Statement-level triggers with transition tables: a bulk write bumps each article once.
# Bumps take the articles in id order so two writers never wait on each other in a cycle.
TRIGGERS = """
CREATE SEQUENCE articles_annotations_version_seq;

CREATE FUNCTION articles_annotations_version_bump(article_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO articles_annotationsversion (article_id, version)
    SELECT article_id, nextval('articles_annotations_version_seq')
    FROM (SELECT DISTINCT unnest(article_ids) AS article_id ORDER BY 1) ids
    WHERE article_id IS NOT NULL
    ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version
$$;

CREATE FUNCTION articles_annotation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER articles_annotation_inserted AFTER INSERT ON articles_annotation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();
CREATE TRIGGER articles_annotation_updated AFTER UPDATE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();
CREATE TRIGGER articles_annotation_deleted AFTER DELETE ON articles_annotation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_changed();

CREATE FUNCTION articles_annotation_tags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER articles_annotation_tags_inserted AFTER INSERT ON articles_annotation_tags
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_tags_changed();
CREATE TRIGGER articles_annotation_tags_deleted AFTER DELETE ON articles_annotation_tags
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_annotation_tags_changed();

-- Marks show the speaker's and the tags' names and link to their slugs.
CREATE FUNCTION articles_speaker_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM articles_annotations_version_bump(ARRAY(
        SELECT an.article_id FROM new_rows n
        JOIN old_rows o ON o.id = n.id
        JOIN articles_annotation an ON an.speaker_id = n.id
        WHERE (n.name, n.slug) IS DISTINCT FROM (o.name, o.slug)
    ));
    RETURN NULL;
END $$;

CREATE TRIGGER articles_speaker_renamed AFTER UPDATE ON articles_speaker
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_speaker_renamed();

CREATE FUNCTION articles_tag_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER articles_tag_renamed AFTER UPDATE ON articles_tag
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tag_renamed();

CREATE FUNCTION articles_article_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM articles_annotationsversion WHERE article_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

CREATE TRIGGER articles_article_deleted AFTER DELETE ON articles_article
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_article_deleted();

-- Articles annotated before this migration start with a version of their own.
SELECT articles_annotations_version_bump(ARRAY(SELECT DISTINCT article_id FROM articles_annotation));
"""

REVERSE = """
DROP TRIGGER articles_article_deleted ON articles_article;
DROP FUNCTION articles_article_deleted();
DROP TRIGGER articles_tag_renamed ON articles_tag;
DROP FUNCTION articles_tag_renamed();
DROP TRIGGER articles_speaker_renamed ON articles_speaker;
DROP FUNCTION articles_speaker_renamed();
DROP TRIGGER articles_annotation_tags_inserted ON articles_annotation_tags;
DROP TRIGGER articles_annotation_tags_deleted ON articles_annotation_tags;
DROP FUNCTION articles_annotation_tags_changed();
DROP TRIGGER articles_annotation_inserted ON articles_annotation;
DROP TRIGGER articles_annotation_updated ON articles_annotation;
DROP TRIGGER articles_annotation_deleted ON articles_annotation;
DROP FUNCTION articles_annotation_changed();
DROP FUNCTION articles_annotations_version_bump(bigint[]);
DROP SEQUENCE articles_annotations_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_folds_dotless_i"),
    ]

    operations = [
        migrations.CreateModel(
            name="AnnotationsVersion",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="annotations_version",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "annotations version",
            },
        ),
        migrations.RunSQL(TRIGGERS, REVERSE),
    ]
