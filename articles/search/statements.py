"""The three statements every search runs, as hand-written SQL with the reasons for its shape.

`queries` runs them. The comments say which index each part is meant to read (README's
*Benchmarks* tells how search stays fast); tests/test_search_plans.py holds the plans to it.
"""

from __future__ import annotations

# Search runs as hand-written SQL: building the same statements through the ORM cost
# more Python time (about 8 ms a request) than PostgreSQL took to run them. The text
# vectors below are written exactly as the GIN indexes define them, so the indexes serve.
SEARCH_TSQUERY = "websearch_to_tsquery('english'::regconfig, %(q)s)"
NOTE_TSVECTOR_SQL = (
    "to_tsvector('english'::regconfig, COALESCE(translate(n.note, 'ı'::text, 'i'::text), ''::text))"
)
SPEAKER_TSVECTOR_SQL = (
    "to_tsvector('english'::regconfig,"
    " COALESCE(translate((s.name)::text, 'ı'::text, 'i'::text), ''::text))"
)
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
SEARCH_RANKED_SQL = f"""
-- Each match brings its outlet and year along, read from the rows already visited: the
-- outlet and year facets are counted from them without another pass over the articles.
SELECT id, outlet_id, year FROM (
    -- The window first, ranked after: ts_rank reads the whole vector, so it runs for
    -- the rows kept, never for every match the window was sorted from.
    SELECT r.id, r.outlet_id, extract(year FROM r.published_on)::int AS year,
        ts_rank(r.search_vector, {SEARCH_TSQUERY}, 1) AS score
    FROM articles_article r
    WHERE r.id IN (
        SELECT a.id FROM articles_article a
        WHERE a.search_vector @@ {SEARCH_TSQUERY} {{narrowing}}
        ORDER BY a.published_on DESC, a.id DESC
        LIMIT %(window)s
    )
    UNION ALL
    (SELECT n.article_id, a.outlet_id, extract(year FROM a.published_on)::int, 0
    FROM articles_annotation n JOIN articles_article a ON a.id = n.article_id
    WHERE n.status = 'published' AND {NOTE_TSVECTOR_SQL} @@ {SEARCH_TSQUERY} {{narrowing}}
    ORDER BY n.article_id DESC
    LIMIT %(window)s)
    UNION ALL
    (SELECT n.article_id, a.outlet_id, extract(year FROM a.published_on)::int, 0
    FROM articles_annotation n JOIN articles_article a ON a.id = n.article_id
    WHERE n.status = 'published' AND n.speaker_id IN (
        SELECT s.id FROM articles_speaker s WHERE {SPEAKER_TSVECTOR_SQL} @@ {SEARCH_TSQUERY}
    ) {{narrowing}}
    ORDER BY n.article_id DESC
    LIMIT %(window)s)
) AS matches
GROUP BY id, outlet_id, year
ORDER BY max(score) DESC, id DESC
"""
SEARCH_PAGE_SQL = (
    r"""
WITH stems AS (
    -- The query's stems as a regular expression of word beginnings. A stem mostly begins
    -- the words it stands for ("withdraw" for withdrawal), once its final i is dropped
    -- ("countri" for country); other characters than letters and digits are escaped, and
    -- i also matches a dotless ı (cheaper than folding the whole body first).
    SELECT '\m(' || string_agg(replace(
        regexp_replace(regexp_replace(lexeme, '(.)i$', '\1'), '([^[:alnum:]])', '\\\1', 'g'),
        'i', '[iı]'
    ), '|') || ')' AS pattern
    FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, %(q)s))) AS lexeme
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
    -- Highlighted with ı read as i, as search matches; with a dotless ı in the excerpt, the
    -- excerpt and its plain highlight too, to put the ı back (see `snippets.with_dotless_i`).
    ts_headline(
        'english'::regconfig, translate(excerpt.text, 'ı', 'i'), {SEARCH_TSQUERY}, %(options)s
    ),
    CASE WHEN strpos(excerpt.text, 'ı') > 0 THEN excerpt.text END,
    CASE WHEN strpos(excerpt.text, 'ı') > 0
        THEN ts_headline('english'::regconfig, excerpt.text, {SEARCH_TSQUERY}, %(options)s)
    END
FROM articles_article a
JOIN articles_outlet o ON o.id = a.outlet_id
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE n.kind = 'quote') AS quotes,
        count(*) FILTER (WHERE n.kind = 'claim') AS claims
    FROM articles_annotation n WHERE n.article_id = a.id AND n.status = 'published'
) counts
CROSS JOIN LATERAL (
    -- Where the body first has a word starting with one of the query's stems: the
    -- snippet's excerpt starts a little before it.
    SELECT greatest(
        regexp_instr(a.body, (SELECT pattern FROM stems), 1, 1, 0, 'i') - %(lead)s, 1
    ) AS start
    -- OFFSET 0 keeps this a subquery run once per article: pulled up into the outer query,
    -- its expression would be computed again at every use of `start` (and of the excerpt).
    OFFSET 0
) found
CROSS JOIN LATERAL (
    -- Starting mid-word, the excerpt drops that word's end.
    SELECT CASE WHEN found.start = 1 THEN substr(a.body, 1, %(chars)s)
        ELSE regexp_replace(substr(a.body, found.start, %(chars)s), '^\S*\s+', '')
    END AS text
    OFFSET 0
) excerpt
WHERE a.id = ANY(%(ids)s::bigint[])
"""
)

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
