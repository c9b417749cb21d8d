"""Format registry and the parse_source entry point.

Formats are recognised by content, not by file extension: exports arrive renamed, and a
".txt" may well be HTML. Every format sniffs the decoded text and says how sure it is;
the surest one parses. A new format is one module with ``sniff`` and ``parse`` plus a
``register_format`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from articles.importing.parsers import newsreader_text
from articles.importing.parsers.base import ParsedArticle, ParseError
from articles.importing.parsers.decoding import decode_text

# Sniff scores: 0 means "not mine", 1 "plain text I can try", 2 "certainly mine".
Sniffer = Callable[[str, str], int]
Parser = Callable[[str, str], ParsedArticle]


@dataclass(frozen=True)
class FormatParser:
    name: str
    sniff: Sniffer  # (text, filename) -> score
    parse: Parser  # (text, encoding) -> ParsedArticle, raising ParseError
    # Says what foreign content looks like ("an HTML document") for the error message.
    describe: Callable[[str], str | None] = lambda text: None


_FORMATS: list[FormatParser] = []


def register_format(fmt: FormatParser) -> None:
    """Add a format; on equal sniff scores, earlier registrations win."""
    if any(f.name == fmt.name for f in _FORMATS):
        raise ValueError(f"format {fmt.name!r} is already registered")
    _FORMATS.append(fmt)


def registered_formats() -> tuple[FormatParser, ...]:
    return tuple(_FORMATS)


register_format(
    FormatParser(
        name=newsreader_text.FORMAT_NAME,
        sniff=newsreader_text.sniff,
        parse=newsreader_text.parse,
        describe=newsreader_text.describe_foreign,
    )
)


# What source files are called: exports come as .txt, or with no extension at all.
SOURCE_SUFFIXES = frozenset({"", ".txt", ".text"})


def not_a_source_file(data: bytes, filename: str) -> str | None:
    """Why a file is no source file at all (to be skipped, not failed), or None.

    By extension and content together: a name that says it is something else (readme.md,
    photo.jpg, notes.docx) whose content no format is certain of. A renamed export
    ("story.html" that is one) still imports, and a broken .txt still fails with the
    parser's reason. Never raises.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix in SOURCE_SUFFIXES:
        return None
    try:
        text, _encoding = decode_text(bytes(data))
        if text and any(fmt.sniff(text, filename) >= 2 for fmt in _FORMATS):
            return None
    except ParseError:
        pass  # binary or undecodable: certainly no export
    except Exception:
        return None  # let parse_source report whatever this is
    return f"not a source file (a {suffix} file, and its content is not a newsreader export)"


def parse_source(data: bytes | bytearray | memoryview, filename: str = "") -> ParsedArticle:
    """Parse one imported source file.

    Raises ParseError, and only ParseError, for any content whatsoever; the message says
    what is wrong in words an editor understands. ``filename`` is only a hint for sniffing
    and is copied onto the error.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_source() needs bytes, not {type(data).__name__}")
    try:
        return _parse(bytes(data), filename)
    except ParseError as exc:
        exc.filename = filename
        raise
    except Exception as exc:
        # A bulk import must survive one odd file. Fuzz tests assert this never fires.
        raise ParseError(
            f"could not parse the file (internal error: {type(exc).__name__})",
            filename=filename,
        ) from exc


def _parse(data: bytes, filename: str) -> ParsedArticle:
    if not data:
        raise ParseError("file is empty")
    text, encoding = decode_text(data)
    if not text:
        raise ParseError("file is empty")  # a byte-order mark and nothing else
    if not text.strip():
        raise ParseError("file contains only whitespace")

    best: FormatParser | None = None
    best_score = 0
    for fmt in _FORMATS:
        score = fmt.sniff(text, filename)
        if score > best_score:
            best, best_score = fmt, score
    if best is None:
        looks_like = next((d for f in _FORMATS if (d := f.describe(text))), None)
        detail = f"looks like {looks_like}" if looks_like else "no known layout matches"
        raise ParseError(f"unrecognised format ({detail})")
    return best.parse(text, encoding)
