"""X-Forwarded-Proto is trusted only when TRUST_X_FORWARDED_PROTO says so, and read-only URLs
(feeds, health checks) allow only GET and HEAD."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_tag

ROOT = Path(__file__).resolve().parent.parent


def proxy_header(**env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "TRUST_X_FORWARDED_PROTO"}
    environment |= {"DEBUG": "false", "SECRET_KEY": "x" * 50, **env}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from newsreader import settings as s; print(s.__dict__.get("
            "'SECURE_PROXY_SSL_HEADER'))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_x_forwarded_proto_is_ignored_unless_configured():
    assert proxy_header() == "None"
    assert proxy_header(TRUST_X_FORWARDED_PROTO="false") == "None"
    assert proxy_header(TRUST_X_FORWARDED_PROTO="true") == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
def test_a_plain_http_request_claiming_https_is_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/claims/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/claims/"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_only_urls_allow_only_get_and_head(client, method):
    tag = make_tag()
    for url in ("/feeds/latest/", f"/tags/{tag.slug}/feed/", "/healthz", "/healthz/ready"):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
        response = getattr(client, method)(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"
