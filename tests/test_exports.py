"""CSV and JSON Lines exports, from the API (same filters) and the admin's changelists."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache

from articles import exports
from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def annotated(editor):
    article = make_article(
        title="Çiftçiler “kuraklık” dedi 🌵", body="Ali dedi: «Su yok» 🌵 bitti."
    )
    speaker = make_speaker("Ali Yılmaz")
    quote = make_annotation(
        article,
        10,
        20,
        Annotation.Kind.QUOTE,
        speaker=speaker,
        author=editor,
        tags=[make_tag("Kuraklık"), make_tag("Su")],
        note="Line one\nline, two",
    )
    claim = make_annotation(make_article(), 2, 7, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 0, 3, Annotation.Kind.QUOTE, status="suggested")
    return article, quote, claim


def content(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_annotations_as_json_lines(client, annotated):
    article, quote, claim = annotated
    response = client.get("/api/exports/annotations/", {"format": "jsonl"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jsonl")
    assert 'filename="annotations.jsonl"' in response["Content-Disposition"]
    rows = [json.loads(line) for line in content(response).splitlines()]
    assert [r["id"] for r in rows] == [quote.pk, claim.pk]  # no suggestion
    first = rows[0]
    # PostgreSQL writes the timestamps, dropping a fraction's trailing zeros (.52007, where
    # Python's isoformat writes .520070): the same instant, compared as one.
    created, updated = first.pop("created_at"), first.pop("updated_at")
    assert datetime.datetime.fromisoformat(created) == quote.created_at
    assert datetime.datetime.fromisoformat(updated) == quote.updated_at
    assert first == {
        "id": quote.pk,
        "article": article.slug,
        "article_title": article.title,
        "article_url": f"http://testserver/articles/{article.slug}/",
        "url": f"http://testserver/articles/{article.slug}/#annotation-{quote.pk}",
        "kind": "quote",
        "status": "published",
        "text": "«Su yok» 🌵",
        "speaker": "Ali Yılmaz",
        "verdict": "",
        "tags": ["Kuraklık", "Su"],
        "note": "Line one\nline, two",
        "start": 10,
        "end": 20,
        "author": "Eda Editor",
    }
    assert article.body[first["start"] : first["end"]] == first["text"]


def test_annotations_as_csv_with_the_same_filters_as_the_list(client, annotated):
    article, quote, claim = annotated
    text = content(client.get("/api/exports/annotations/", {"format": "csv", "kind": "quote"}))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["id"]) for r in rows] == [quote.pk]
    assert rows[0]["tags"] == "Kuraklık; Su" and rows[0]["note"] == "Line one\nline, two"
    assert tuple(rows[0]) == exports.ANNOTATION_COLUMNS
    verdict = content(
        client.get("/api/exports/annotations/", {"format": "csv", "verdict": "false"})
    )
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(verdict))] == [claim.pk]
    bad = client.get("/api/exports/annotations/", {"format": "xlsx"})
    assert bad.status_code == 422 and "format" in bad.json()["errors"]


def test_articles_in_both_formats(client, annotated):
    article, _, _ = annotated
    rows = [json.loads(line) for line in content(client.get("/api/exports/articles/")).splitlines()]
    assert rows[0]["slug"] == article.slug and rows[0]["outlet"] == article.outlet.name
    assert "body" not in rows[0]
    text = content(client.get("/api/exports/articles/", {"format": "csv", "tag": "su"}))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["slug"] for r in rows] == [article.slug]
    assert tuple(rows[0]) == exports.ARTICLE_COLUMNS


def test_more_rows_than_a_block_come_whole_in_several_blocks(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_BLOCK", 500)
    article = make_article(body="word " * 40)
    for n in range(10):
        make_annotation(article, n * 5, n * 5 + 4, tags=[make_tag()] if n % 2 else [])
    response = client.get("/api/exports/annotations/", {"format": "csv"})
    blocks = list(response.streaming_content)
    assert len(blocks) > 2
    rows = list(csv.DictReader(io.StringIO(b"".join(blocks).decode())))
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    assert len(rows) == 10
    jsonl = content(client.get("/api/exports/annotations/"))
    assert len(jsonl.splitlines()) == 10 and jsonl.endswith("\n")
    assert all(json.loads(line)["text"] == "word" for line in jsonl.splitlines())
    # Tags joined by id: each row its own, none an empty list (not null) in JSON, "" in CSV.
    tags = [json.loads(line)["tags"] for line in jsonl.splitlines()]
    assert [len(t) for t in tags] == [n % 2 for n in range(10)]
    assert len({t[0] for t in tags if t}) == 5
    assert [r["tags"] == "" for r in rows] == [n % 2 == 0 for n in range(10)]


def test_tags_follow_the_filter_of_the_export(client):
    article, other = make_article(body="word " * 40), make_article(body="word " * 40)
    mine = make_annotation(article, 0, 4, tags=[make_tag("Mine"), make_tag("Also")])
    make_annotation(other, 0, 4, tags=[make_tag("Theirs")])
    (line,) = content(
        client.get("/api/exports/annotations/", {"article": article.slug})
    ).splitlines()
    row = json.loads(line)
    assert row["id"] == mine.pk and row["tags"] == ["Also", "Mine"]


def test_json_lines_keep_every_character_as_json_escapes_it(client):
    body = 'Tab\there, "quotes", back\\slash, new\nline, \x01 and \x02, emoji 🌵.'
    article = make_article(body=body)
    make_annotation(article, 0, len(body), note=body)
    (line,) = content(client.get("/api/exports/annotations/")).splitlines()
    row = json.loads(line)
    assert row["text"] == body and row["note"] == body
    (record,) = csv.DictReader(
        io.StringIO(content(client.get("/api/exports/annotations/", {"format": "csv"})))
    )
    assert record["text"] == body


def test_an_empty_export_is_a_header_or_nothing(client):
    assert content(client.get("/api/exports/annotations/", {"format": "csv"})).startswith("id,")
    assert content(client.get("/api/exports/annotations/")) == ""


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor", "staff"])
def test_exports_are_public_reading_like_the_site(client, bearer, reader, editor, staff, role):
    users = {"reader": reader, "editor": editor, "staff": staff}
    headers = {} if role == "anonymous" else bearer(users[role])
    assert client.get("/api/exports/annotations/", headers=headers).status_code == 200
    assert client.get("/api/exports/articles/", headers=headers).status_code == 200


def test_exports_need_a_login_when_reading_does(client, settings, bearer, reader):
    settings.READING_REQUIRES_LOGIN = True
    assert client.get("/api/exports/annotations/").status_code == 401
    assert client.get("/api/exports/annotations/", headers=bearer(reader)).status_code == 200


def test_the_admin_exports_the_selected_annotations_and_articles(admin_client, annotated):
    article, quote, claim = annotated
    response = admin_client.post(
        "/admin/articles/annotation/",
        {"action": "export_annotations_csv", "_selected_action": [quote.pk]},
    )
    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(content(response))))
    assert [int(r["id"]) for r in rows] == [quote.pk] and rows[0]["speaker"] == "Ali Yılmaz"
    response = admin_client.post(
        "/admin/articles/article/",
        {"action": "export_articles_jsonl", "select_across": "1", "_selected_action": [article.pk]},
    )
    lines = content(response).splitlines()
    assert len(lines) == 2  # every article the changelist shows, with "select all"


def test_the_admin_export_actions_are_staffs_only(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/annotation/", {"action": "export_annotations_csv", "_selected_action": [1]}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
