"""The OpenAPI document and the docs page, served from this site alone."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_openapi_document_lists_every_endpoint_with_bearer_auth(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/annotations/",
        "/api/annotations/{pk}/",
        "/api/speakers/",
        "/api/tags/",
        "/api/outlets/",
        "/api/search/",
        "/api/imports/",
        "/api/exports/annotations/",
        "/api/exports/articles/",
    } <= set(document["paths"])
    schemes = document["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}
    create = document["paths"]["/api/annotations/"]["post"]
    assert "422" in create["responses"] and create["security"]
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {"detail", "errors"}


def test_the_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/") for url in assets), assets
    # Static files of the installed "ninja" app: collectstatic gathers them for whitenoise.
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
def test_the_docs_are_everyones(client, role, reader, editor, staff):
    if role != "anonymous":
        client.force_login({"reader": reader, "editor": editor, "staff": staff}[role])
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_the_docs_answer_a_post_with_a_json_405_and_the_root_with_a_json_404(client):
    for url in ("/api/docs", "/api/openapi.json"):
        response = client.post(url)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
        assert "not allowed" in response.json()["detail"]
    root = client.get("/api/")
    assert root.status_code == 404 and "see /api/docs" in root.json()["detail"]
