"""The statements of a search, as hand-written SQL with the reasons for its shape.

`queries` runs them. The comments say which index each part is meant to read (README's
*Benchmarks* tells how search stays fast); tests/test_search_plans.py holds the plans to it.
"""

from __future__ import annotations

# Search runs as hand-written SQL: building the same statements through the ORM cost
# more Python time (about 8 ms a request) than PostgreSQL took to run them. The text
# vectors below are written exactly as the GIN indexes define them, so the indexes serve.
SEARCH_TSQUERY = "to_tsquery('newsreader'::regconfig, %(q)s)"
NOTE_TSVECTOR_SQL = "to_tsvector('newsreader'::regconfig, COALESCE(n.note, ''::text))"
EXACT_TSVECTOR_SQL = "to_tsvector('newsreader'::regconfig, COALESCE(n.exact, ''::text))"
SPEAKER_TSVECTOR_SQL = (
    "to_tsvector('newsreader'::regconfig, (COALESCE(s.name, ''::character varying))::text)"
)
# A story with a left-out word is not found through its notes, speakers or quotes either.
EXCLUDING_SQL = " AND NOT (a.search_vector @@ to_tsquery('newsreader'::regconfig, %(excluded)s))"
# An alternative that leaves words out must have words to find (see SearchQuery); a
# condition on constants, which the planner folds away.
GUARD_SQL = " AND numnode(to_tsquery('newsreader'::regconfig, %(guard_{i})s)) > 0"
# Facet narrowing, each a condition on the article `a` (see `queries.ranked_matches`).
NARROWING_SQL = {
    # One id (not IN): article_outlet_idx then yields the outlet's matches newest first.
    "outlet": "a.outlet_id = (SELECT o.id FROM articles_outlet o WHERE o.slug = %(outlet)s)",
    "tag": """EXISTS (
        SELECT 1 FROM articles_annotation n
        JOIN articles_annotation_tags l ON l.annotation_id = n.id
        JOIN articles_tag t ON t.id = l.tag_id
        WHERE n.article_id = a.id AND n.status = 'published' AND t.slug = %(tag)s)""",
    "speaker": """EXISTS (
        SELECT 1 FROM articles_annotation n JOIN articles_speaker s ON s.id = n.speaker_id
        WHERE n.article_id = a.id AND n.status = 'published' AND s.slug = %(speaker)s)""",
    "kind": """EXISTS (
        SELECT 1 FROM articles_annotation n
        WHERE n.article_id = a.id AND n.status = 'published' AND n.kind = %(kind)s)""",
    "since": "a.published_on >= %(since)s",
    "until": "a.published_on <= %(until)s",
}
# The window of a story's own text matches: the most recent SEARCH_WINDOW of them, with
# what ranking them and counting their facets reads.
WINDOW_IDS_SQL = f"""
        SELECT a.id, a.outlet_id, a.published_on, a.search_vector FROM articles_article a
        WHERE a.search_vector @@ {SEARCH_TSQUERY} {{narrowing}}
        ORDER BY a.published_on DESC, a.id DESC
        LIMIT %(window)s"""
# The same window narrowed to an outlet. Given the outlet, PostgreSQL intersects the
# outlet's rows with every match of the words in the GIN index: for a common word
# (a third of the archive) that took 70-150 ms. Walking the outlet's newest stories and
# testing each costs about 2 ms a thousand. So the walk comes first, over the newest
# OUTLET_WALK stories of the outlet, stopping at a full window: if it found one, those
# are the newest matches (any other is older than all it read), and if the outlet has
# no more stories than that, it found them all; else the index answers, as before. The
# same ids either way.
OUTLET_WINDOW_IDS_SQL = f"""
        WITH outlet AS MATERIALIZED (
            SELECT o.id FROM articles_outlet o WHERE o.slug = %(outlet)s
        ), recent AS MATERIALIZED (
            SELECT a.id, a.outlet_id, a.published_on, a.search_vector FROM (
                -- OFFSET 0: read article_outlet_idx in order, newest first, and stop.
                SELECT a.* FROM articles_article a
                WHERE a.outlet_id = (SELECT id FROM outlet)
                ORDER BY a.published_on DESC, a.id DESC
                LIMIT %(outlet_walk)s OFFSET 0
            ) a
            WHERE a.search_vector @@ {SEARCH_TSQUERY} {{narrowing}}
            LIMIT %(window)s
        ), walked_all AS MATERIALIZED (
            SELECT (SELECT count(*) FROM recent) >= %(window)s OR (
                SELECT count(*) FROM (
                    SELECT 1 FROM articles_article a WHERE a.outlet_id = (SELECT id FROM outlet)
                    LIMIT %(outlet_walk)s
                ) stories
            ) < %(outlet_walk)s AS exact
        )
        SELECT * FROM recent WHERE (SELECT exact FROM walked_all)
        UNION ALL
        (SELECT a.id, a.outlet_id, a.published_on, a.search_vector FROM articles_article a
        WHERE NOT (SELECT exact FROM walked_all)
            AND a.search_vector @@ {SEARCH_TSQUERY} {{narrowing}}
        ORDER BY a.published_on DESC, a.id DESC
        LIMIT %(window)s)"""
SEARCH_RANKED_SQL = f"""
-- Each match brings its outlet and year along, read from the rows already visited: the
-- outlet and year facets are counted from them without another pass over the articles.
SELECT id, outlet_id, year FROM (
    -- The window first, ranked after: ts_rank reads the whole vector, so it runs for
    -- the rows kept, never for every match the window was sorted from.
    -- The window's rows bring their vectors along: fetching them again by primary key to
    -- rank them cost as much as the ranking (about 5 ms for a common word).
    SELECT w.id, w.outlet_id, extract(year FROM w.published_on)::int AS year,
        ts_rank(w.search_vector, {SEARCH_TSQUERY}, 1) AS score
    FROM ({{window_ids}}) w
    UNION ALL
    (SELECT n.article_id, a.outlet_id, extract(year FROM a.published_on)::int, 0
    FROM articles_annotation n JOIN articles_article a ON a.id = n.article_id
    WHERE n.status = 'published' AND {NOTE_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
        {{narrowing}} {{excluding}}
    ORDER BY n.article_id DESC
    LIMIT %(window)s)
    UNION ALL
    (SELECT n.article_id, a.outlet_id, extract(year FROM a.published_on)::int, 0
    FROM articles_annotation n JOIN articles_article a ON a.id = n.article_id
    WHERE n.status = 'published' AND n.speaker_id IN (
        SELECT s.id FROM articles_speaker s WHERE {SPEAKER_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
    ) {{narrowing}} {{excluding}}
    ORDER BY n.article_id DESC
    LIMIT %(window)s)
) AS matches
GROUP BY id, outlet_id, year
ORDER BY max(score) DESC, id DESC
"""
# Each unaccented letter of a stem also matches the letters `unaccent` folds to it, in
# either case (the regular expression's 'i' flag covers ASCII only): nested replace()s,
# none of whose classes holds a letter a later one replaces.
_LETTER_CLASSES = (
    ("i", "[iıİ]"),
    ("c", "[cçÇ]"),
    ("g", "[gğĞ]"),
    ("o", "[oöÖ]"),
    ("s", "[sşŞ]"),
    ("u", "[uüÜ]"),
)


def _with_letter_classes(expression: str) -> str:
    for letter, letters in _LETTER_CLASSES:
        expression = f"replace({expression}, '{letter}', '{letters}')"
    return expression


SEARCH_PAGE_SQL = (
    r"""
WITH stems AS (
    -- The query's stems as a regular expression of word beginnings. A stem mostly begins
    -- the words it stands for ("withdraw" for withdrawal), once its final i is dropped
    -- ("countri" for country); other characters than letters and digits are escaped, and
    -- each letter also matches its accented forms (cheaper than unaccenting the body).
    SELECT '\m(' || string_agg("""
    + _with_letter_classes(
        r"regexp_replace(regexp_replace(lexeme, '(.)i$', '\1'), '([^[:alnum:]])', '\\\1', 'g')"
    )
    + r""", '|') || ')' AS pattern
    FROM unnest(tsvector_to_array(to_tsvector('newsreader'::regconfig, %(words)s))) AS lexeme
)"""
    + rf"""
SELECT a.id, a.title, a.slug, a.summary, a.published_on, o.id, o.name, o.slug,
    counts.quotes, counts.claims,
    ARRAY(
        SELECT ARRAY[t.name, t.slug] FROM articles_tag t
        WHERE t.id IN (
            SELECT l.tag_id FROM articles_annotation_tags l
            JOIN articles_annotation n ON n.id = l.annotation_id
            WHERE n.article_id = a.id AND n.status = 'published'
        )
        ORDER BY t.name
    ),
    -- The title with every matching word marked, as written (the configuration folds
    -- accents while it compares, and ts_headline shows the text it was given).
    ts_headline('newsreader'::regconfig, a.title, {SEARCH_TSQUERY}, %(title_options)s),
    -- Whether the body has a matching word: a story found by its title (or summary, notes,
    -- speakers) shows its first sentence rather than a headline of none.
    found.start > 0,
    CASE WHEN found.start > 0
        THEN ts_headline('newsreader'::regconfig, excerpt.text, {SEARCH_TSQUERY}, %(options)s)
        ELSE excerpt.text
    END
FROM articles_article a
JOIN articles_outlet o ON o.id = a.outlet_id
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE n.kind = 'quote') AS quotes,
        count(*) FILTER (WHERE n.kind = 'claim') AS claims
    FROM articles_annotation n WHERE n.article_id = a.id AND n.status = 'published'
) counts
CROSS JOIN LATERAL (
    -- Where the body first has a word starting with one of the query's stems (0: none):
    -- the snippet's excerpt starts a little before it.
    SELECT coalesce(regexp_instr(a.body, (SELECT pattern FROM stems), 1, 1, 0, 'i'), 0) AS start
    -- OFFSET 0 keeps this a subquery run once per article: pulled up into the outer query,
    -- its expression would be computed again at every use of `start` (and of the excerpt).
    OFFSET 0
) found
CROSS JOIN LATERAL (
    -- Starting mid-word, the excerpt drops that word's end.
    SELECT CASE WHEN found.start <= %(lead)s + 1 THEN substr(a.body, 1, %(chars)s)
        ELSE regexp_replace(substr(a.body, found.start - %(lead)s, %(chars)s), '^\S*\s+', '')
    END AS text
    OFFSET 0
) excerpt
WHERE a.id = ANY(%(ids)s::bigint[])
"""
)

# The speakers whose names match: cards above the stories, most quoted first.
SPEAKERS_SQL = f"""
SELECT s.id, s.name, s.slug, s.description,
    (SELECT count(*) FROM articles_annotation n
        WHERE n.speaker_id = s.id AND n.status = 'published' AND n.kind = 'quote') AS quotes
FROM articles_speaker s
WHERE {SPEAKER_TSVECTOR_SQL} @@ {SEARCH_TSQUERY} {{guard}}
ORDER BY quotes DESC, s.name
LIMIT %(limit)s
"""

# The published quotes and claims that match, by their words, their notes or their speaker,
# newest story first. Each source reads its own GIN index and keeps at most the window's
# most recent annotations, as SEARCH_RANKED_SQL does; then each of those few finds its
# story `a` by primary key (LATERAL: never the newest stories walked in order, looking for
# a match among them), where the stories' conditions apply (facets, words left out).
QUOTES_SQL = f"""
WITH matched AS MATERIALIZED (
    (SELECT n.id, n.kind, n.verdict, n.exact, n.speaker_id, n.article_id
    FROM articles_annotation n
    WHERE n.status = 'published' AND n.kind IN ('quote', 'claim')
        AND {EXACT_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
    ORDER BY n.id DESC LIMIT %(window)s)
    UNION
    (SELECT n.id, n.kind, n.verdict, n.exact, n.speaker_id, n.article_id
    FROM articles_annotation n
    WHERE n.status = 'published' AND n.kind IN ('quote', 'claim')
        AND {NOTE_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
    ORDER BY n.id DESC LIMIT %(window)s)
    UNION
    (SELECT n.id, n.kind, n.verdict, n.exact, n.speaker_id, n.article_id
    FROM articles_annotation n
    WHERE n.status = 'published' AND n.kind = 'quote' AND n.speaker_id IN (
        SELECT s.id FROM articles_speaker s WHERE {SPEAKER_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
    )
    ORDER BY n.id DESC LIMIT %(window)s)
)
SELECT n.id, n.kind, n.verdict,
    ts_headline('newsreader'::regconfig, n.exact, {SEARCH_TSQUERY}, %(options)s),
    s.name, s.slug, a.title, a.slug, a.published_on
FROM matched n
CROSS JOIN LATERAL (
    SELECT a.title, a.slug, a.published_on FROM articles_article a
    WHERE a.id = n.article_id {{narrowing}} {{excluding}}
) a
LEFT JOIN LATERAL (
    SELECT s.name, s.slug FROM articles_speaker s WHERE s.id = n.speaker_id
) s ON true
ORDER BY a.published_on DESC, n.id DESC
LIMIT %(limit)s
"""

FACETS_SQL = """
WITH annotated AS MATERIALIZED (
    -- One row per matching article with published annotations (see ArticleFacets), each
    -- value once: counting rows counts articles.
    SELECT f.kinds, f.speaker_ids, f.tag_ids FROM {facets} f
    WHERE f.article_id = ANY(%(ids)s::bigint[])
)
-- The outlets' names; their counts come with the matches (see SEARCH_RANKED_SQL).
SELECT 'outlets', o.slug, o.name, o.id
    FROM {outlet} o
    WHERE o.id = ANY(%(outlet_ids)s::bigint[])
UNION ALL
SELECT 'tags', t.slug, t.name, n
    FROM (SELECT tag_id, count(*) AS n FROM annotated, unnest(tag_ids) AS tag_id GROUP BY 1) c
    JOIN {tag} t ON t.id = c.tag_id
UNION ALL
SELECT 'speakers', s.slug, s.name, n
    FROM (
        SELECT speaker_id, count(*) AS n FROM annotated, unnest(speaker_ids) AS speaker_id
        GROUP BY 1
    ) c
    JOIN {speaker} s ON s.id = c.speaker_id
UNION ALL
SELECT 'kinds', kind, '', count(*)
    FROM annotated, unnest(kinds) AS kind
    GROUP BY kind
"""
