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
    searchable, progress, summary = run("--once").splitlines()
    # The vector first (searchable), then the finder and copy detection.
    assert searchable.startswith("indexed 1 article (")
    assert searchable.endswith("/s), finder and copy detection over 0, 0 quote suggestions stored")
    assert progress.endswith("/s), finder and copy detection over 1, 1 quote suggestion stored")
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


WORKER_APPLICATION_NAME = "newsreader-indexer-under-test"


def _start_worker(**popen) -> subprocess.Popen:
    # Named, so the test finds its connection among any others (pg_stat_activity).
    url = f"{_database_url()}?application_name={WORKER_APPLICATION_NAME}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "newsreader.settings_test"
    # A poll far longer than the test: only a NOTIFY (or reconnecting) can wake it in time.
    return subprocess.Popen(
        [sys.executable, "manage.py", "index_articles", "--poll", "600"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _read_until(process: subprocess.Popen, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        line = _read_line(process, left)
        if text in line:
            return line
        if not line:
            break
    raise AssertionError(f"the worker never printed {text!r}")


def _stop_worker(worker: subprocess.Popen) -> tuple[int, str, str]:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        out, err = worker.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, err = worker.communicate()
    return worker.returncode, out, err


def _import_and_see_it_indexed(worker: subprocess.Popen, count: int) -> None:
    # New articles each time (the same files again would be duplicates, queued for nothing).
    done = Article.objects.count()
    source_files_import(files=sources(done + count)[done:])
    # The drain's last line: vectors first, then the finder and copy detection over them.
    _read_until(worker, f"finder and copy detection over {count},", 30)
    # The line can come from a drain that began before the import's last commit: the next
    # drain (woken by its NOTIFY) takes the rest, so wait for both queues to be empty.
    deadline = time.monotonic() + 30
    while Article.objects.waiting_for_index().exists() or (
        Article.objects.waiting_for_followup().exists()
    ):
        assert time.monotonic() < deadline, "the worker left articles waiting"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_the_worker_reconnects_when_its_backend_is_terminated():
    # pg_terminate_backend is a real server-side disconnect (what a restart does to every
    # connection) that works on any server, the embedded cluster or DATABASE_URL's.
    worker = _start_worker()
    try:
        _read_until(worker, "waiting for articles on 'article_index'", 30)
        for _ in range(2):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = %s",
                    [WORKER_APPLICATION_NAME],
                )
                assert cursor.rowcount == 1
            assert "Database back after" in _read_until(worker, "Database back", 30)
            _import_and_see_it_indexed(worker, 2)
    finally:
        returncode, out, err = _stop_worker(worker)
    assert returncode == 0, err
    assert "Indexing worker stopped." in out
    # Each outage once, whatever the number of retries.
    assert err.count("Database unavailable") == 2


def _database_is_embedded() -> bool:
    return not os.getenv("DATABASE_URL")


@pytest.mark.skipif(not _database_is_embedded(), reason="restarts the embedded cluster only")
@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_the_database_and_survives_its_restarts():
    """The embedded cluster really stopped and started under a running worker. The test's
    own connection dies with it and is reopened after each start."""
    from newsreader import embedded_db

    def database_down() -> None:
        connection.close()
        embedded_db.stop()

    def database_up() -> None:
        embedded_db.start()
        connection.close()

    database_down()
    try:
        worker = _start_worker()
        try:
            # Started while the database is down: it waits, retrying with backoff.
            time.sleep(3)
            assert worker.poll() is None
            database_up()
            _read_until(worker, "waiting for articles on 'article_index'", 30)
            _import_and_see_it_indexed(worker, 3)
            # Down under the running worker (long enough for several retries), then up.
            database_down()
            time.sleep(3)
            assert worker.poll() is None
            database_up()
            _read_until(worker, "Database back after", 30)
            _import_and_see_it_indexed(worker, 2)
            # A signal while the database is down still stops it cleanly.
            database_down()
            time.sleep(1)
            returncode, out, err = _stop_worker(worker)
        finally:
            if worker.poll() is None:
                _stop_worker(worker)
    finally:
        database_up()
    assert returncode == 0, err
    assert "Indexing worker stopped." in out
    assert err.count("Database unavailable") == 3, err
