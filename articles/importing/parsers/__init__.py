"""Pure parsers for imported source files (no Django, no I/O).

Usage::

    try:
        article = parse_source(path.read_bytes(), filename=path.name)
    except ParseError as exc:
        report(exc.filename, exc.line, exc.message)

Contract relied on by the importer and the annotation code:

* ``parse_source`` raises ``ParseError`` and nothing else for any bytes (it raises
  ``TypeError`` only when handed something that is not bytes-like: a caller bug).
* ``ParsedArticle.body`` is the canonical text; ``Block.start``/``end`` are code-point
  offsets into it, blocks are in order, separated by exactly ``"\\n\\n"``, and
  ``"\\n\\n".join(block texts) == body``. The body is never "repaired".
* ``encoding`` is one of "utf-8", "utf-8-sig", "cp1254", "iso-8859-9"; ``format`` names
  the layout that was recognised (currently only "newsreader-text-v1").
"""

from __future__ import annotations

from articles.importing.parsers.base import Block, ParsedArticle, ParseError, content_hash
from articles.importing.parsers.decoding import decode_text, sniff_binary
from articles.importing.parsers.registry import (
    FormatParser,
    parse_source,
    register_format,
    registered_formats,
)

__all__ = [
    "Block",
    "FormatParser",
    "ParseError",
    "ParsedArticle",
    "content_hash",
    "decode_text",
    "parse_source",
    "register_format",
    "registered_formats",
    "sniff_binary",
]
