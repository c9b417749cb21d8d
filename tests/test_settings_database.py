"""Statements are bound on the server and prepared on their second run (planning was half an
API page's time at scale), unless DB_PREPARE=false says a pooler cannot keep them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article
from tests.factories import make_article

ROOT = Path(__file__).resolve().parent.parent


def database_options(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "DB_PREPARE"} | env
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from newsreader import settings as s; "
            "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {}), default=str))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_statements_are_prepared_unless_turned_off():
    on = database_options()
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 2
    off = database_options(DB_PREPARE="false")
    assert "server_side_binding" not in off and "prepare_threshold" not in off


@pytest.mark.django_db
def test_a_statement_run_twice_is_prepared_on_the_server():
    article = make_article()
    for _ in range(3):
        assert Article.objects.filter(pk=article.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "articles_article"' in s and "LIMIT 1" in s for s in prepared), prepared
