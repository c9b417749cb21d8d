-- When an article's annotations version last moved (models.AnnotationsVersion.changed_at):
-- the reading page's Last-Modified beside the article's own times, since an annotation
-- edit leaves the article row untouched.
--
-- The clock time of the bump, not the transaction's start (now()), which a long
-- transaction would date too early. A row trigger of its own rather than a column in
-- articles_annotations_version_bump(): migration 0003 loads that file, before the column
-- exists (migration 0013_scale adds both).
--
-- Loaded by a migration (see articles/sql/README.md); tests/test_sql.py checks that the
-- database's definitions are the ones written here.

CREATE OR REPLACE FUNCTION articles_annotations_version_dated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := clock_timestamp();
    RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER articles_annotations_version_dated
    BEFORE INSERT OR UPDATE ON articles_annotationsversion
    FOR EACH ROW EXECUTE FUNCTION articles_annotations_version_dated();
