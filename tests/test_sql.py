"""The functions and triggers in the database are the ones written in articles/sql/.

Migrations load those files; these tests keep them the truth: a function or trigger
changed anywhere else (a migration with its own SQL, a hand edit) fails here, as does one
the files do not define.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

SQL_DIR = Path(__file__).resolve().parent.parent / "articles" / "sql"
FUNCTION = re.compile(
    r"CREATE OR REPLACE FUNCTION (?P<name>\w+)\(.*?\$\$.*?\$\$;", re.DOTALL | re.IGNORECASE
)
TRIGGER = re.compile(r"CREATE OR REPLACE TRIGGER (?P<name>\w+)\b.*?;", re.DOTALL | re.IGNORECASE)


def normalised(sql: str) -> str:
    """One space for every run of whitespace, none inside parentheses' edges, no `public.`
    and `$$` for the body's quotes: how pg_get_functiondef() and pg_get_triggerdef() spell
    a definition, against how the files lay it out."""
    sql = sql.replace("$function$", "$$").replace("public.", "")
    sql = re.sub(r"\s+", " ", sql).strip().rstrip(";")
    sql = re.sub(r"\( ", "(", re.sub(r" \)", ")", sql))
    return sql.replace("CREATE OR REPLACE TRIGGER", "CREATE TRIGGER")


def written(pattern: re.Pattern) -> dict[str, tuple[str, str]]:
    """{name: (file name, definition)} for every statement of `pattern` in the files."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(SQL_DIR.glob("*.sql")):
        text = re.sub(r"^--.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        for match in pattern.finditer(text):
            assert match["name"] not in found, f"{match['name']} is defined twice"
            found[match["name"]] = (path.name, match[0])
    return found


def in_database(query: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def test_every_function_is_the_one_in_its_sql_file():
    files = written(FUNCTION)
    database = in_database(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
        " WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'"
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d"
        "   WHERE d.objid = p.oid AND d.deptype = 'e')"
    )
    assert sorted(database) == sorted(files)
    for name, (file, definition) in files.items():
        assert normalised(database[name]) == normalised(definition), f"{name} ({file})"


def test_every_trigger_is_the_one_in_its_sql_file():
    files = written(TRIGGER)
    database = in_database(
        "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal"
    )
    assert sorted(database) == sorted(files)
    for name, (file, definition) in files.items():
        assert normalised(database[name]) == normalised(definition), f"{name} ({file})"


def test_each_group_of_functions_has_its_file():
    assert {file for file, _ in written(FUNCTION).values()} == {
        "annotations_version.sql",
        "annotations_version_time.sql",
        "article_facets.sql",
        "article_search_vector.sql",
        "web_annotation_versions.sql",
        "article_versions.sql",
        "hubs_version.sql",
    }
