"""Two gunicorn processes against one PostgreSQL and one Redis (CACHE_URL), as behind a load
balancer: the page one stored, the other serves; a write through one is on the other's pages
at once; renaming an account changes its cached pages on both; with Redis gone both still
answer.

The test starts its own redis-server on a unix socket in a fresh folder, and fails (never
skips) when there is none, saying how to get it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from articles.services.tokens import api_token_create
from tests.conftest import ROOT
from tests.factories import make_article, make_user

HOST = "news.test"  # one Host for both, as a load balancer sends: cache keys include it
HOW_TO_GET_REDIS = (
    "redis-server is needed for the two-process test and was not found on PATH. Install it: "
    "sudo apt-get install redis-server (Debian/Ubuntu; .ci/run does), brew install redis "
    "(macOS)."
)


def _wait_for(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not come up within {seconds} s")


def redis_server() -> str:
    """The redis-server on PATH; no skip without one: the run fails saying how to get it."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(HOW_TO_GET_REDIS)
    return server


@pytest.fixture
def redis_process() -> Iterator[tuple[subprocess.Popen, str]]:
    """A redis-server of the test's own, and its unix:// URL."""
    server = redis_server()
    # Under /tmp: a unix socket path must stay within 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="nr-redis-", dir="/tmp"))
    socket = folder / "redis.sock"
    process = subprocess.Popen(
        [
            server,
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for(socket.exists, "redis-server")
        yield process, f"unix://{socket}"
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(redis_process) -> str:
    return redis_process[1]


def _database_url() -> str:
    """The test database (committed data: the test is transactional) as a DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "localhost", safe="")
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(redis_url) -> Iterator[list[str]]:
    """Base URLs of two gunicorn processes (one worker each) sharing the database and Redis."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DATABASE_URL": _database_url(),
        "CACHE_URL": redis_url,
        "DEBUG": "true",  # plain static names: no collectstatic needed
        "SECRET_KEY": "two-processes-test-key-not-secret-0123456789abcdefghijklmnopqrstuvw",
        "ALLOWED_HOSTS": HOST,
        "CONN_MAX_AGE": "0",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers: list[tuple[subprocess.Popen, str]] = []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [gunicorn, "newsreader.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
        for process, url in servers:
            _wait_for(lambda url=url: _answers(url), f"gunicorn at {url}")
            assert process.poll() is None
        yield [url for _, url in servers]
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(timeout=30)


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def fetch(base: str, path: str, headers: dict[str, str] | None = None, **kwargs) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{base}{path}", headers={"Host": HOST, **(headers or {})}, **kwargs
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def cache_keys(redis_url: str) -> int:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.dbsize())  # type: ignore[arg-type]
    finally:
        client.close()


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_cache_and_see_each_others_writes_at_once(
    two_servers, redis_process, redis_url
):
    first, second = two_servers
    editor = make_user("two-proc-editor", editor=True, first_name="Eda", last_name="Editor")
    article = make_article(title="Shared by two processes")
    _, secret = api_token_create(user=editor, name="two processes")
    path = article.get_absolute_url()

    status, page = fetch(first, path)
    assert status == 200 and "Shared by two processes" in page
    stored = cache_keys(redis_url)
    assert stored > 0  # the first process stored its rendering in Redis
    status, again = fetch(second, path)
    # The second process served the first one's stored page: same bytes, nothing new stored.
    assert status == 200 and again == page
    assert cache_keys(redis_url) == stored

    # A write through the first process's API...
    status, body = fetch(
        first,
        "/api/annotations/",
        method="POST",
        data=json.dumps(
            {
                "article": article.slug,
                "start": 2,
                "end": 7,
                "exact": "first",
                "kind": "highlight",
                "note": "seen by both processes",
            }
        ).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    assert status == 201, body
    # ...is on the second's page at once, with its author's name.
    status, page = fetch(second, path)
    assert status == 200 and "seen by both processes" in page and "Eda Editor" in page

    # Renaming the account: both processes' cached pages show the new name at once.
    for base in (first, second):
        assert "Eda Editor" in fetch(base, path)[1]
    editor.first_name = "Edith"
    editor.save(update_fields=["first_name"])
    for base in (first, second):
        status, page = fetch(base, path)
        assert status == 200 and "Edith Editor" in page and "Eda Editor" not in page

    # Redis goes away: both still answer, from PostgreSQL (newsreader/cache.py).
    redis_process[0].terminate()
    redis_process[0].wait(timeout=10)
    for base in (first, second):
        status, page = fetch(base, path)
        assert status == 200 and "Edith Editor" in page


def test_without_redis_server_the_run_fails_saying_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(pytest.fail.Exception, match="apt-get install redis-server"):
        redis_server()
