"""Pure parsers for imported source files (no Django, no I/O).

Usage::

    article = parse_source(path.read_bytes(), filename=path.name)  # raises ParseError
"""

from .base import Block, ParsedArticle, ParseError, content_hash
from .decoding import decode_text, sniff_binary
from .registry import FormatParser, parse_source, register_format, registered_formats

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
