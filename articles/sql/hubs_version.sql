-- The hubs' version: one number that changes whenever anything a hub page (the topics,
-- speakers and outlets indexes, a tag's, a speaker's or an outlet's page, the claims) can
-- show changes anywhere. Hub pages are cached and get their ETags under it
-- (articles/hub_cache.py); reading it is one row of a sequence.
--
-- A sequence rather than a counter row: every writer bumps it without waiting for another
-- (a row would serialise every write of the site on one lock until commit). The price: a
-- number taken inside a transaction is visible before that transaction commits, so a page
-- rendered in that window is stored under the new number; hub_cache keeps pages briefly.
--
-- Statement-level, without transition tables: a bulk write bumps once, whatever it touched.

CREATE SEQUENCE IF NOT EXISTS articles_hubs_version_seq;

CREATE OR REPLACE FUNCTION articles_hubs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('articles_hubs_version_seq');
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER articles_hubs_article AFTER INSERT OR DELETE OR UPDATE
    ON articles_article FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_outlet AFTER INSERT OR DELETE OR UPDATE
    ON articles_outlet FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_speaker AFTER INSERT OR DELETE OR UPDATE
    ON articles_speaker FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_speakerredirect AFTER INSERT OR DELETE OR UPDATE
    ON articles_speakerredirect FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_tag AFTER INSERT OR DELETE OR UPDATE
    ON articles_tag FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_annotation AFTER INSERT OR DELETE OR UPDATE
    ON articles_annotation FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
CREATE OR REPLACE TRIGGER articles_hubs_annotation_tags AFTER INSERT OR DELETE OR UPDATE
    ON articles_annotation_tags FOR EACH STATEMENT EXECUTE FUNCTION articles_hubs_changed();
