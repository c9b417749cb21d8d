-- The `newsreader` text search configuration: english stemming after `unaccent`, so that
-- every accented letter matches its plain one, both ways: "agaoglu" finds Ağaoğlu and
-- "Ağaoğlu" finds agaoglu; the Turkish ç ğ ı İ ö ş ü (and é, ñ…) fold to c g i I o s u.
--
-- Only the token types that can hold a non-ASCII letter go through unaccent (word, hword,
-- hword_part); ASCII words would come out of it unchanged, at a cost. unaccent runs before
-- the stemmer lower-cases, so "İ" becomes "I" and then "i", never the "i̇" lower("İ") is.
-- Documents and queries both use this configuration (the article vector's trigger,
-- models.ARTICLE_SEARCH_VECTOR, the note and speaker indexes, articles.search.statements);
-- ts_headline with it marks the words as written.
--
-- Needs the unaccent extension (a trusted contrib module, created by migration
-- 0008_search). CREATE TEXT SEARCH CONFIGURATION has no IF NOT EXISTS: the block creates
-- it once, and the mapping is set again on every run.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'newsreader') THEN
        CREATE TEXT SEARCH CONFIGURATION newsreader (COPY = pg_catalog.english);
    END IF;
END
$$;

ALTER TEXT SEARCH CONFIGURATION newsreader
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;
