from __future__ import annotations

import gzip
from typing import cast

from django.http import HttpResponse

from articles.middleware import LARGE_BODY, CompressionMiddleware


def compress(rf, body: bytes, accept: str = "gzip, deflate") -> HttpResponse:
    middleware = CompressionMiddleware(lambda request: HttpResponse(body))
    return cast(HttpResponse, middleware(rf.get("/", headers={"Accept-Encoding": accept})))


def test_a_large_body_is_gzipped_and_decompresses_to_itself(rf):
    body = b"<p>" + b"".join(b"annotation %d " % i for i in range(LARGE_BODY // 10)) + b"</p>"
    response = compress(rf, body)
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content) < len(body) // 3
    assert gzip.decompress(response.content) == body
    assert "Accept-Encoding" in response["Vary"]


def test_small_and_large_bodies_stay_plain_for_clients_without_gzip(rf):
    for size in (1_000, LARGE_BODY * 2):
        response = compress(rf, b"x" * size, accept="identity")
        assert not response.has_header("Content-Encoding")
        assert response.content == b"x" * size and "Accept-Encoding" in response["Vary"]


def test_a_small_body_is_gzipped_as_django_does(rf):
    response = compress(rf, b"y" * 5_000)
    assert gzip.decompress(response.content) == b"y" * 5_000
