"""The article search vector moves from a generated column to a trigger, with a queue.

A generated column is computed on every insert, and to_tsvector costs about 1 ms per
5 KB article: the bulk import's critical path. The trigger computes exactly the same
expression as migration 0005's generated column on every write of the text, except for
rows with `index_pending` set: bulk imports store those and the indexer
(`articles_index`) clears the flag later, which makes the trigger compute the vector then.
Existing vectors are kept as they are (DROP EXPRESSION), so nothing is recomputed.
"""

import django.contrib.postgres.search
from django.db import migrations, models

# Exactly the expression of 0005's generated column (weights, english, dotless ı folded).
VECTOR = """
    (setweight(to_tsvector('english'::regconfig, COALESCE(translate(NEW.title, 'ı', 'i'), '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(translate(NEW.summary, 'ı', 'i'), '')), 'B'))
    || setweight(to_tsvector('english'::regconfig, COALESCE(translate(NEW.body, 'ı', 'i'), '')), 'C')
"""

FORWARD = f"""
ALTER TABLE articles_article ALTER COLUMN search_vector DROP EXPRESSION;

CREATE FUNCTION articles_article_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.index_pending THEN
        NEW.search_vector := NULL;
    ELSIF TG_OP = 'UPDATE'
        AND NOT OLD.index_pending
        AND OLD.search_vector IS NOT NULL
        AND NEW.title IS NOT DISTINCT FROM OLD.title
        AND NEW.summary IS NOT DISTINCT FROM OLD.summary
        AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
        -- A save that rewrites the row with the same text (the admin, say) keeps the
        -- vector it had rather than parsing the body again.
        NEW.search_vector := OLD.search_vector;
    ELSE
        NEW.search_vector := {VECTOR};
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER article_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, body, language, index_pending
    ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();
"""

BACKWARD = f"""
DROP TRIGGER article_search_vector ON articles_article;
DROP FUNCTION articles_article_search_vector();
DROP INDEX article_search_gin;
ALTER TABLE articles_article DROP COLUMN search_vector;
ALTER TABLE articles_article ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS ({VECTOR.replace("NEW.", "")}) STORED;
CREATE INDEX article_search_gin ON articles_article USING gin (search_vector);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_folds_dotless_i"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="index_pending",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Waiting for the indexer: not found by search until it has run.",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="quotes_pending",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The indexer should run the quote finder over this article.",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="search_vector",
                    field=django.contrib.postgres.search.SearchVectorField(
                        editable=False, null=True
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("index_pending", True)),
                fields=["id"],
                name="article_index_queue",
            ),
        ),
    ]
