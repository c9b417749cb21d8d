"""`manage.py index_articles`: the indexing worker, once and as a long-running process."""

from __future__ import annotations

import io
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.importing.storing import source_files_import
from articles.models import Annotation, Article
from tests.test_importing_indexing import sources

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def run(*args) -> str:
    out = io.StringIO()
    call_command("index_articles", *args, stdout=out)
    return out.getvalue()


def test_once_drains_the_queue_and_says_what_it_did():
    source_files_import(files=sources(5))
    out = run("--once", "--batch-size", "2")
    assert "indexed 2 articles" in out and "indexed 4 articles" in out
    assert out.splitlines()[-1] == "5 articles indexed, 5 quote suggestions stored."
    assert not Article.objects.waiting_for_index().exists()
    assert Annotation.objects.suggested().count() == 5
    assert run("--once") == "0 articles indexed, 0 quote suggestions stored.\n"


def test_once_says_1_article_for_one():
    source_files_import(files=sources(1))
    progress, summary = run("--once").splitlines()
    assert progress.startswith("indexed 1 article (")
    assert progress.endswith("/s), 1 quote suggestion stored")
    assert summary == "1 article indexed, 1 quote suggestion stored."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--poll", "0"], "--poll must be a positive number of seconds"),
    ],
)
def test_it_refuses_bad_options(args, message):
    with pytest.raises(CommandError, match=message):
        run("--once", *args)


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "localhost", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None  # started with stdout=PIPE
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        raise AssertionError("the worker printed nothing in time")
    return process.stdout.readline()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_wakes_on_an_import_and_stops_on_a_signal(stop):
    env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONUNBUFFERED": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "newsreader.settings_test"
    # A poll far longer than the test: only the import's NOTIFY can wake it in time.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "index_articles", "--poll", "600"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None  # stdout=PIPE
    try:
        assert "waiting for articles on 'article_index'" in _read_line(worker, 30)
        source_files_import(files=sources(3))
        assert "indexed 3 articles" in _read_line(worker, 15)
        deadline = time.monotonic() + 10
        while Article.objects.waiting_for_index().exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Article.objects.waiting_for_index().exists()
        worker.send_signal(stop)
        assert worker.wait(timeout=10) == 0
        assert "Indexing worker stopped." in worker.stdout.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
