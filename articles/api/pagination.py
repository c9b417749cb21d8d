"""Cursor pagination: keyset on the list's order, so inserts never shift a page.

A page is the `limit` rows after the cursor's row in a fixed total order ending in the
primary key (newest first: `(published_on, id)` descending; changes: `(updated_at, id)`
ascending). New rows land before or after that key, never between pages already read, and
nothing is counted. The cursor is opaque to clients: url-safe base64 of the order's name
and the last row's key.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

BAD_CURSOR = "Not a cursor of this list: pass the `next_cursor` a page of it answered."
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _datetime(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "id": int,
    "published_on": _date,
    "updated_at": _datetime,
}


@dataclass(frozen=True)
class Keyset:
    """A total order over a list: `fields` (the last one unique), all one `descending`."""

    name: str
    fields: tuple[str, ...]
    descending: bool

    def ordered(self, queryset: QuerySet) -> QuerySet:
        sign = "-" if self.descending else ""
        return queryset.order_by(*(sign + field for field in self.fields))

    def after(self, queryset: QuerySet, cursor: str) -> QuerySet:
        """The rows after the cursor's row in this order."""
        values = self.decode(cursor)
        op = "lt" if self.descending else "gt"
        # (a, b) after (x, y): a beyond x, or a = x and b beyond y; the leading a <= x
        # (or >=) lets the index's first column bound the scan.
        condition = Q()
        for index in range(len(self.fields) - 1, -1, -1):
            field, value = self.fields[index], values[index]
            beyond = Q(**{f"{field}__{op}": value})
            condition = (
                beyond
                if index == len(self.fields) - 1
                else beyond | (Q(**{field: value}) & condition)
            )
        bound = Q(**{f"{self.fields[0]}__{op}e": values[0]})
        return queryset.filter(bound & condition)

    def encode(self, row: Any) -> str:
        values = [getattr(row, field) for field in self.fields]
        text = json.dumps([self.name, *[_plain(v) for v in values]], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list[Any]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            name, *values = json.loads(raw)
            if name != self.name or len(values) != len(self.fields):
                raise ValueError(name)
            return [PARSERS[field](value) for field, value in zip(self.fields, values, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
            raise ValidationError({"cursor": BAD_CURSOR}) from error


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    next_cursor: str | None


def keyset_page(queryset: QuerySet, keyset: Keyset, *, cursor: str | None, limit: int) -> Page:
    """`limit` rows after `cursor` (from the start without one), and the next page's cursor
    (None on the last page). One query: it fetches one row more than it answers."""
    if cursor:
        queryset = keyset.after(queryset, cursor)
    rows = list(keyset.ordered(queryset)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=keyset.encode(rows[-1]) if more else None)


NEWEST_ARTICLES = Keyset("newest", ("published_on", "id"), descending=True)
NEWEST = Keyset("newest-id", ("id",), descending=True)
CHANGES = Keyset("changes", ("updated_at", "id"), descending=False)
BY_ID = Keyset("id", ("id",), descending=False)
