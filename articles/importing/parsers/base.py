"""Result and error types shared by every source-file format.

Kept free of Django so the parser can run (and be fuzzed) without settings, and so bulk
imports can parse in worker processes that never touch the ORM.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from articles.content_hashing import content_hash

BlockKind = Literal["heading", "paragraph"]

# Separator between blocks in ParsedArticle.body; offsets and consumers rely on it.
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    start: int  # code-point offset into ParsedArticle.body
    end: int  # exclusive


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    summary: str | None
    published: datetime.date
    outlet: str
    agency: str | None
    url: str | None
    source_note: str | None
    body: str
    blocks: tuple[Block, ...]
    encoding: str
    format: str

    @property
    def headings(self) -> list[str]:
        return [self.body[b.start : b.end] for b in self.blocks if b.kind == "heading"]

    @property
    def paragraphs(self) -> list[str]:
        return [self.body[b.start : b.end] for b in self.blocks if b.kind == "paragraph"]

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of title and body, normalised so re-exports of one article match.

        Normalisation: NFC, case-folded, quotation marks folded to ASCII, whitespace runs
        collapsed. Metadata (date, outlet, URL) is deliberately left out: the same story is
        often re-published under another URL or date and should still count as a duplicate.
        """
        return content_hash(self.title, self.body)


class ParseError(ValueError):
    """The only exception parse_source raises for bad input.

    ``message`` is a human sentence fit for showing to an editor as is; ``line`` (1-based,
    counted after newline normalisation) points at the offending line when there is one;
    ``filename`` is filled in by parse_source so callers can log errors without wrapping.
    """

    def __init__(self, message: str, *, line: int | None = None, filename: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.filename = filename

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ParseError({self.message!r}, line={self.line!r}, filename={self.filename!r})"


def excerpt(text: str, limit: int = 60) -> str:
    """Quote user text in error messages without flooding logs with a 10 MB line."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)
