"""The Newsreader plain-text export ("newsreader-text-v1").

Layout, blocks separated by blank lines::

    TITLE
    summary line, or "-"
    DD.MM.YYYY
    Outlet (7 January 2020)
    [agency or byline]
    body paragraphs and subheadings ...
    <https://original.url/>
    Kaynak/Source: [source name]

The header is strict (a wrong date must stop the import, not produce a wrong article);
the tail (URL, footer) and the agency line are optional because real exports omit them.
"""

from __future__ import annotations

import datetime
import json
import re

from articles.importing.parsers.base import (
    BLOCK_SEPARATOR,
    Block,
    ParsedArticle,
    ParseError,
    excerpt,
)

FORMAT_NAME = "newsreader-text-v1"

# Sanity limits: longer header fields mean the layout was misread (or the file is not an
# article), and storing a 1 MB "title" would only break pages later.
MAX_TITLE_CHARS = 1000
MAX_SUMMARY_CHARS = 5000
MAX_OUTLET_CHARS = 200
MAX_AGENCY_CHARS = 60
MAX_AGENCY_WORDS = 4
MAX_HEADING_CHARS = 100

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# Anything that is clearly meant to be a date, so we can say "wrong form" rather than
# "missing". Bounded repetitions only: nothing here can backtrack badly on a huge line.
_DATE_LIKE = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}")
_DATE_PREFIX = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}(?![\d./-])")
# "Outlet (date in words)": the last parenthesised group is the date, so outlets that
# contain parentheses themselves still work. Greedy on purpose: a lazy ".*?\s*" would go
# quadratic on long runs of spaces.
_OUTLET = re.compile(r"(?P<outlet>.*)\((?P<when>[^()]*)\)")
_URL = re.compile(r"<\s*(?P<url>https?://[^\s<>]+)\s*>", re.IGNORECASE)
_FOOTER = re.compile(r"kaynak\s*/\s*source\s*:(?P<note>.*)", re.IGNORECASE)

# A block ending in one of these has finished its sentence, so a following lower-case
# block is a new paragraph, not the rest of this one. Quotation marks count because in
# these sources a quote mark at the end of a block almost always closes a quoted sentence.
_SENTENCE_END = frozenset(".!?…\"”“'’»")
# Headings never end in these (the spec's list plus the quote marks above).
_CLOSING_PUNCT = _SENTENCE_END | frozenset(":;")
_OPENING_QUOTES = "\"'“”‘’«»„‚"
# A quotation closed by punctuation and followed by more words marks reported speech.
_REPORTED_SPEECH = re.compile(r"[,.!?][\"”]\s")
# Sniffing: markup and data formats that must not be read as an article.
_FOREIGN = (
    (re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE), "an HTML document"),
    (re.compile(r"<\?xml\s"), "an XML document"),
    (re.compile(r"\{\\rtf"), "an RTF document"),
    (re.compile(r"[{\[]\s*[\"{\[]"), "JSON"),
)


class _Block:
    """A raw block of non-blank lines with the 1-based number of its first line."""

    __slots__ = ("lines", "lineno")

    def __init__(self, lines: list[str], lineno: int) -> None:
        self.lines = lines
        self.lineno = lineno

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def first(self) -> str:
        return self.lines[0].strip()

    def rest(self) -> _Block | None:
        """The lines after the first, as a block of their own (for glued header lines)."""
        if len(self.lines) == 1:
            return None
        return _Block(self.lines[1:], self.lineno + 1)


def split_blocks(text: str) -> list[_Block]:
    """Split text into blocks of non-blank lines with trailing whitespace removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[_Block] = []
    current: list[str] | None = None
    # Only "\n" separates lines: str.splitlines would also split on \f, \x1c, \u2028 etc.,
    # which belong to the text as written.
    for number, line in enumerate(map(str.rstrip, text.split("\n")), 1):
        if not line:
            current = None
        elif current is None:
            current = [line]
            blocks.append(_Block(current, number))
        else:
            current.append(line)
    return blocks


def sniff(text: str, filename: str = "") -> int:
    """How sure we are that ``text`` is this format: 0 no, 1 plain text, 2 certainly.

    Any plain text scores 1 so that a broken article gets this parser's specific message
    ("no date line after the title") rather than a vague "unrecognised format".
    """
    if describe_foreign(text) is not None:
        return 0
    # Only the header matters; splitting the whole file here would double the work.
    blocks = split_blocks(text[:2048])
    for block in blocks[1:3]:
        if _DATE_LIKE.fullmatch(block.first()):
            return 2
    return 1


def describe_foreign(text: str) -> str | None:
    head = text[:4096].lstrip("\ufeff \t\r\n")
    for pattern, name in _FOREIGN:
        if pattern.match(head):
            return name
    # Any other JSON value; a title such as "[VIDEO] Storm" is not valid JSON.
    if head[:1] in ("{", "["):
        try:
            json.loads(text)
        except RecursionError:
            return "JSON"  # too deeply nested to finish checking; only JSON nests like that
        except ValueError:
            return None
        return "JSON"
    return None


def parse(text: str, encoding: str) -> ParsedArticle:
    # Legacy DOS/Windows tools end files with Ctrl-Z; it is not part of the article.
    blocks = split_blocks(text.lstrip("\ufeff").rstrip().rstrip("\x1a"))
    if not blocks:
        raise ParseError("file contains only whitespace")

    title, summary, published, outlet, rest = _parse_header(blocks)
    rest, url, source_note = _split_tail(rest)
    agency, rest = _split_agency(rest)
    if not rest:
        line = blocks[-1].lineno
        raise ParseError("no body text after the outlet line", line=line)
    body, spans = _build_body(rest)
    return ParsedArticle(
        title=title,
        summary=summary,
        published=published,
        outlet=outlet,
        agency=agency,
        url=url,
        source_note=source_note,
        body=body,
        blocks=spans,
        encoding=encoding,
        format=FORMAT_NAME,
    )


def _parse_header(
    blocks: list[_Block],
) -> tuple[str, str | None, datetime.date, str, list[_Block]]:
    date_index = _date_index(blocks)
    if date_index is None:
        blocks = _unglue_header(blocks)
        date_index = _date_index(blocks)
    first = blocks[0]
    if _DATE_LIKE.fullmatch(first.first()):
        raise ParseError("no title before the date line", line=first.lineno)
    if date_index == 1 and len(first.lines) > 1 and first.lines[-1].strip() == "-":
        # "Title\n-" with no blank line: the dash is the summary marker, not the title's.
        first = _Block(first.lines[:-1], first.lineno)
    title = first.text.strip()
    if title == "-":
        raise ParseError("the title is missing ('-' in its place)", line=first.lineno)
    if len(title) > MAX_TITLE_CHARS:
        raise ParseError(
            f"the title is {len(title):,} characters long (limit {MAX_TITLE_CHARS:,}); "
            "is the file laid out as title, summary, date, outlet?",
            line=first.lineno,
        )
    if date_index is None:
        line = blocks[1].lineno if len(blocks) > 1 else first.lineno
        raise ParseError("no date line after the title", line=line)
    # The summary line is required by the layout, but a file that goes straight from the
    # title to the date is unambiguous, so we accept it as "no summary".
    summary_block = blocks[1] if date_index == 2 else None

    summary = None
    if summary_block is not None:
        summary = summary_block.text.strip()
        if summary == "-":
            summary = None
        elif len(summary) > MAX_SUMMARY_CHARS:
            raise ParseError(
                f"the summary is {len(summary):,} characters long "
                f"(limit {MAX_SUMMARY_CHARS:,}); is the date line missing?",
                line=summary_block.lineno,
            )

    date_block = blocks[date_index]
    published = _parse_date(date_block.first(), date_block.lineno)

    # Tolerate the outlet glued to the date line (no blank line between them).
    rest = blocks[date_index + 1 :]
    glued = date_block.rest()
    if glued is not None:
        rest.insert(0, glued)
    if not rest:
        raise ParseError("no outlet line after the date", line=date_block.lineno)
    outlet_block = rest[0]
    outlet_line = outlet_block.first()
    match = _OUTLET.fullmatch(outlet_line) if len(outlet_line) <= 2 * MAX_OUTLET_CHARS else None
    if match is None or not match["outlet"].strip() or not match["when"].strip():
        raise ParseError(
            "no outlet line after the date (expected e.g. 'Euronews (7 January 2020)', "
            f"found {excerpt(outlet_line)})",
            line=outlet_block.lineno,
        )
    outlet = match["outlet"].strip()
    if len(outlet) > MAX_OUTLET_CHARS:
        raise ParseError(
            f"the outlet name is {len(outlet):,} characters long (limit {MAX_OUTLET_CHARS})",
            line=outlet_block.lineno,
        )
    glued = outlet_block.rest()
    rest = rest[1:] if glued is None else [glued, *rest[1:]]
    return title, summary, published, outlet, rest


def _date_index(blocks: list[_Block]) -> int | None:
    """Index of the date block: 1 without a summary block, 2 with one; None if absent."""
    candidates = [i for i in (1, 2) if i < len(blocks)]
    for i in candidates:
        if _DATE_LIKE.fullmatch(blocks[i].first()):
            return i
    # A date followed by more text ("07.01.2020 14:30") is still the date line, just a
    # malformed one; say so rather than "no date line".
    for i in candidates:
        if _DATE_PREFIX.match(blocks[i].first()):
            return i
    return None


def _unglue_header(blocks: list[_Block]) -> list[_Block]:
    """Split a header written without blank lines ("Title\\n-\\n7.1.2020\\nOutlet (…)")."""
    for i, block in enumerate(blocks[:2]):
        for j in range(1, len(block.lines)):
            if not _DATE_LIKE.fullmatch(block.lines[j].strip()):
                continue
            head = [_Block(block.lines[:j], block.lineno)]
            if i == 0 and j > 1:
                # Titles are one line in these exports; the next line is the summary or "-".
                head = [
                    _Block(block.lines[:1], block.lineno),
                    _Block(block.lines[1:j], block.lineno + 1),
                ]
            tail = _Block(block.lines[j:], block.lineno + j)
            return [*blocks[:i], *head, tail, *blocks[i + 1 :]]
    return blocks


def _parse_date(line: str, lineno: int) -> datetime.date:
    match = _DATE.fullmatch(line)
    if match is None:
        raise ParseError(f"date {excerpt(line, 30)} is not in DD.MM.YYYY form", line=lineno)
    day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ParseError(f"date {line} is not a real date", line=lineno) from None


def _split_tail(blocks: list[_Block]) -> tuple[list[_Block], str | None, str | None]:
    """Remove the footer and URL from the end; either may be missing."""
    blocks = list(blocks)
    source_note = None
    if blocks:
        last = blocks[-1]
        for i, line in enumerate(last.lines):
            match = _FOOTER.match(line.strip())
            if match is not None:
                # The source name may continue on the following lines of the footer block.
                note = " ".join([match["note"], *last.lines[i + 1 :]]).strip()
                source_note = note or None
                blocks[-1:] = [_Block(last.lines[:i], last.lineno)] if i else []
                break

    url = None
    if blocks:
        last = blocks[-1]
        match = _URL.fullmatch(last.lines[-1].strip())
        if match is not None:
            url = match["url"]
            if len(last.lines) == 1:
                blocks.pop()
            else:
                blocks[-1] = _Block(last.lines[:-1], last.lineno)
    return blocks, url, source_note


def _split_agency(blocks: list[_Block]) -> tuple[str | None, list[_Block]]:
    """Take the agency/byline line if the first body block looks like one.

    An agency is a short single line without closing punctuation ("AP", "Reuters",
    "Anadolu Ajansı", "By Jane Doe") that is followed by more body. A lone short first
    line could also be a subheading; articles do not open with one, so we call it agency.
    """
    if len(blocks) < 2 or len(blocks[0].lines) != 1:
        return None, blocks
    line = blocks[0].first()
    if len(line) > MAX_AGENCY_CHARS or line[-1] in _CLOSING_PUNCT:
        return None, blocks
    # Separators such as "/" or "|" in "AP / Reuters" are not words.
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    if (
        not words
        or (len(words) > MAX_AGENCY_WORDS and words[0].lower() not in ("by", "from"))
        or _starts_lower(blocks[1].text)
    ):
        return None, blocks
    return line, blocks[1:]


def _starts_lower(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0].islower()


def _ends_sentence(text: str) -> bool:
    return text[-1] in _SENTENCE_END


def _is_heading(text: str) -> bool:
    stripped = text.strip().lstrip(_OPENING_QUOTES)
    return (
        0 < len(stripped) <= MAX_HEADING_CHARS
        and stripped[-1] not in _CLOSING_PUNCT
        and (stripped[0].isupper() or stripped[0].isdigit())
        # `leaving," Milley said` is a paragraph whose final full stop got lost.
        and _REPORTED_SPEECH.search(stripped) is None
    )


def _build_body(blocks: list[_Block]) -> tuple[str, tuple[Block, ...]]:
    # Re-join paragraphs broken across a blank line: the first part stops mid-sentence
    # and the next part carries on in lower case.
    # Parts are collected and joined once: appending to a growing string would go
    # quadratic on a file of thousands of lower-case fragments.
    groups: list[list[str]] = []
    single_line: list[bool] = []
    for block in blocks:
        text = block.text
        if groups and not _ends_sentence(groups[-1][-1]) and _starts_lower(text):
            groups[-1].append(text)
            single_line[-1] = False
        else:
            groups.append([text])
            single_line.append(len(block.lines) == 1)
    texts = [parts[0] if len(parts) == 1 else " ".join(parts) for parts in groups]

    spans: list[Block] = []
    offset = 0
    last = len(texts) - 1
    for i, text in enumerate(texts):
        # The closing block is never a heading: a heading introduces what follows it.
        heading = i < last and single_line[i] and _is_heading(text)
        end = offset + len(text)
        spans.append(Block("heading" if heading else "paragraph", offset, end))
        offset = end + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(texts), tuple(spans)
