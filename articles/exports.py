"""CSV and JSON Lines exports of annotations and articles, streamed at constant memory.

The rows come from `export_rows()` (plain tuples) through a server-side cursor: Django's
`.iterator(chunk_size=…)` declares a named cursor on PostgreSQL, and inside a transaction
(opened here, read-only in effect) the server produces rows as they are fetched instead
of materializing the whole result first, as a WITH HOLD cursor outside one would. Lines
are sent in blocks of EXPORT_CHUNK rows, so neither side holds more than a block.
The API and the admin's changelist actions both answer `export_response`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse

EXPORT_CHUNK = 2000
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}

ANNOTATION_COLUMNS = (
    "id",
    "article",
    "article_title",
    "article_url",
    "url",
    "kind",
    "status",
    "text",
    "speaker",
    "verdict",
    "tags",
    "note",
    "start",
    "end",
    "author",
    "created_at",
    "updated_at",
)
ARTICLE_COLUMNS = (
    "id",
    "slug",
    "url",
    "title",
    "summary",
    "published_on",
    "outlet",
    "agency",
    "language",
    "original_url",
    "created_at",
    "updated_at",
)


def _article_url_maker(base_url: str) -> Callable[[str], str]:
    """slug -> the reading page's absolute URL, without a reverse() per row."""
    marker = "SLUG-MARKER"
    pattern = base_url.rstrip("/") + reverse("articles:article", args=[marker])
    head, _, tail = pattern.partition(marker)
    return lambda slug: f"{head}{slug}{tail}"


def annotation_records(rows: Iterable[tuple], base_url: str) -> Iterator[tuple]:
    """export_rows() tuples -> ANNOTATION_COLUMNS values (tags as a list)."""
    article_url = _article_url_maker(base_url)
    for (
        pk,
        slug,
        title,
        kind,
        status,
        exact,
        speaker,
        verdict,
        note,
        start,
        end,
        first_name,
        last_name,
        created,
        updated,
        tags,
    ) in rows:
        page = article_url(slug)
        author = f"{first_name or ''} {last_name or ''}".strip()
        yield (
            pk,
            slug,
            title,
            page,
            f"{page}#annotation-{pk}",
            kind,
            status,
            exact,
            speaker or "",
            verdict,
            tags,
            note,
            start,
            end,
            author,
            created.isoformat(),
            updated.isoformat(),
        )


def article_records(rows: Iterable[tuple], base_url: str) -> Iterator[tuple]:
    """export_rows() tuples -> ARTICLE_COLUMNS values."""
    article_url = _article_url_maker(base_url)
    for (
        pk,
        slug,
        title,
        summary,
        published,
        outlet,
        agency,
        language,
        url,
        created,
        updated,
    ) in rows:
        yield (
            pk,
            slug,
            article_url(slug),
            title,
            summary,
            published.isoformat(),
            outlet,
            agency,
            language,
            url,
            created.isoformat(),
            updated.isoformat(),
        )


def _csv_blocks(columns: tuple[str, ...], records: Iterable[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    tags_at = columns.index("tags") if "tags" in columns else -1
    for count, record in enumerate(records, start=1):
        if tags_at >= 0:
            record = (*record[:tags_at], "; ".join(record[tags_at]), *record[tags_at + 1 :])
        writer.writerow(record)
        if count % EXPORT_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl_blocks(columns: tuple[str, ...], records: Iterable[tuple]) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    for record in records:
        lines.append(dumps(dict(zip(columns, record, strict=True))))
        if len(lines) == EXPORT_CHUNK:
            lines.append("")
            yield "\n".join(lines)
            lines = []
    if lines:
        lines.append("")
        yield "\n".join(lines)


def _streamed(rows: QuerySet) -> Iterator[Any]:
    """The rows through a server-side cursor, inside a transaction held while streaming
    (closed, and rolled back, if the client goes away)."""
    with transaction.atomic():
        yield from rows.iterator(chunk_size=EXPORT_CHUNK)


def export_response(
    *, kind: str, rows: QuerySet, fmt: str, base_url: str, filename: str
) -> StreamingHttpResponse:
    """Stream `rows` (an `export_rows()` queryset of annotations or articles, per `kind`)
    as CSV or JSON Lines (`fmt`), as a download named `filename`.<fmt>."""
    if kind == "annotations":
        columns, to_records = ANNOTATION_COLUMNS, annotation_records
    else:
        columns, to_records = ARTICLE_COLUMNS, article_records
    records = to_records(_streamed(rows), base_url)
    blocks = _csv_blocks(columns, records) if fmt == "csv" else _jsonl_blocks(columns, records)
    response = StreamingHttpResponse(
        (block.encode() for block in blocks), content_type=FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
