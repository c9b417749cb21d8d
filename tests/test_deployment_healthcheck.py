"""Compose's web healthcheck, run as compose runs it, against gunicorn configured exactly as
.env.example says (ALLOWED_HOSTS=news.example.org, HTTPS redirects on, DEBUG off)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# The test run's own settings and conveniences must not leak into the server.
LEAKED = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}

pytestmark = pytest.mark.django_db


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip()
    return values


def the_test_database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "localhost", safe="")
    return f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, static_root: Path) -> Iterator[int]:
    """gunicorn as the Dockerfile starts it, with .env.example's settings. Only DATABASE_URL
    differs (the example's `db` host exists only inside compose), and STATIC_ROOT (the
    image's collectstatic, run by the test into a folder of its own)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in LEAKED}
    env |= env_example() | {"DATABASE_URL": database_url, "STATIC_ROOT": str(static_root)}
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "newsreader.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()  # if it is still starting; communicate() waits for the end
                    raise AssertionError(
                        f"gunicorn did not start: {server.communicate()[1]}"
                    ) from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.communicate(timeout=10)  # waits, and closes the stderr pipe


def run_healthcheck(port: int) -> subprocess.CompletedProcess:
    """The web service's healthcheck command from docker-compose.yml, pointed at `port`."""
    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    healthcheck = compose["services"]["web"]["healthcheck"]
    kind, program, *args = healthcheck["test"]
    assert (kind, program) == ("CMD", "python")
    args = [arg.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for arg in args]
    timeout = int(healthcheck["timeout"].removesuffix("s"))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, env={}
    )


def test_the_example_settings_are_the_production_ones():
    example = env_example()
    assert example["DEBUG"] == "false" and example["SECURE_SSL_REDIRECT"] == "true"
    assert example["ALLOWED_HOSTS"] == "news.example.org"


def test_the_compose_healthcheck_passes_with_the_example_settings(collected_static):
    with gunicorn(the_test_database_url(), collected_static) as port:
        result = run_healthcheck(port)
    assert result.returncode == 0, result.stderr


def test_the_compose_healthcheck_fails_while_the_database_is_unreachable(collected_static):
    with gunicorn("postgres://newsreader@127.0.0.1:9/newsreader", collected_static) as port:
        result = run_healthcheck(port)
    assert result.returncode != 0
    assert "503" in result.stderr


def test_gunicorn_started_from_the_project_gives_streams_five_minutes():
    """./gunicorn.conf.py is what gunicorn reads when the Dockerfile starts it: sync workers
    are killed after `timeout` even while streaming (the ClaimReview feed, the exports)."""
    printed = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--print-config", "newsreader.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    settings = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    }
    assert settings["timeout"] == "300"
