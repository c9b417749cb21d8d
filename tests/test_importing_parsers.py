"""Tests for articles.importing.parsers (pure parsers; runs with or without Django)."""

from __future__ import annotations

import codecs
import datetime
import json
import os
import pickle
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.importing.parsers import (
    Block,
    FormatParser,
    ParsedArticle,
    ParseError,
    decode_text,
    parse_source,
    register_format,
    registered_formats,
    sniff_binary,
)
from articles.importing.parsers.base import BLOCK_SEPARATOR

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_58f869ba7bb6f21c.txt"
EXPECTED = json.loads(SAMPLE.with_suffix(".expected.json").read_text(encoding="utf-8"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"
SAFETY_NET = "could not parse the file (internal error"


def fixture(name: str) -> ParsedArticle:
    return parse_source((FIXTURES / name).read_bytes(), filename=name)


def source(
    body: str = "First paragraph of the story.\n\nSecond paragraph of the story.",
    *,
    title: str = "A title",
    summary: str = "-",
    date: str = "7.1.2020",
    outlet: str = "Euronews (7 January 2020)",
    agency: str | None = "AP",
    url: str | None = "https://example.com/a",
    footer: str = "Kaynak/Source:",
) -> bytes:
    parts = [title, summary, date, outlet, *([agency] if agency else []), body]
    if url:
        parts.append(f"<{url}>")
    parts.append(footer)
    return "\n\n".join(parts).encode("utf-8")


def parse_body(body: str, **kwargs) -> ParsedArticle:
    return parse_source(source(body, **kwargs))


def kinds(article: ParsedArticle) -> list[tuple[str, str]]:
    return [(b.kind, article.body[b.start : b.end]) for b in article.blocks]


def error(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_source(data)
    return info.value


def assert_well_formed(article: ParsedArticle) -> None:
    """Invariants every successful parse must satisfy (annotations rely on the offsets)."""
    assert article.blocks, "an article has at least one body block"
    texts = [article.body[b.start : b.end] for b in article.blocks]
    assert BLOCK_SEPARATOR.join(texts) == article.body
    position = 0
    for block, text in zip(article.blocks, texts, strict=True):
        assert block.kind in ("heading", "paragraph")
        assert block.start == position and block.start < block.end
        assert "\n" not in text and "\r" not in text
        assert text.strip() and text == text.rstrip()
        position = block.end + len(BLOCK_SEPARATOR)
    assert article.blocks[-1].kind == "paragraph"
    assert article.title and article.title == article.title.strip()
    assert article.outlet and article.outlet == article.outlet.strip()
    for value in (article.summary, article.agency, article.url, article.source_note):
        assert value is None or (value and value == value.strip())
    pairs = zip(article.blocks, texts, strict=True)
    assert article.headings == [t for b, t in pairs if b.kind == "heading"]
    assert len(article.headings) + len(article.paragraphs) == len(article.blocks)
    assert len(article.content_hash) == 64


# --- the product sample -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ParsedArticle:
    return parse_source(SAMPLE.read_bytes(), filename=SAMPLE.name)


def test_sample_metadata(sample):
    assert sample.title == EXPECTED["title"]
    assert sample.summary is EXPECTED["summary"] is None
    assert sample.published == datetime.date.fromisoformat(EXPECTED["published"])
    assert sample.outlet == EXPECTED["outlet"]
    assert sample.agency == EXPECTED["agency"]
    assert sample.url == EXPECTED["url"]
    assert sample.source_note is EXPECTED["source_note"] is None
    assert sample.encoding == "utf-8"
    assert sample.format == "newsreader-text-v1"


def test_sample_body(sample):
    assert sample.headings == EXPECTED["headings"]
    assert len(sample.paragraphs) == EXPECTED["paragraphs"]
    joined = [p for p in sample.paragraphs if p.startswith(EXPECTED["joined_paragraph_starts"])]
    assert len(joined) == 1
    assert "Soleimani and a senior Iraqi militia commander." in joined[0]
    assert "and a senior Iraqi militia commander" in joined[0]
    assert_well_formed(sample)


def test_sample_body_keeps_damaged_quotes_exactly(sample):
    # Annotations point into the body, so nothing may be "repaired".
    raw = SAMPLE.read_text(encoding="utf-8")
    assert 'would be repositioning forces" to prepare for onward movement."' in sample.body
    for paragraph in sample.paragraphs:
        if paragraph.startswith(EXPECTED["joined_paragraph_starts"]):
            continue
        assert paragraph in raw
    assert sample.paragraphs[0].startswith("The U.S. letter that seemed")
    assert sample.paragraphs[-1].endswith("calling for the expulsion of the American forces.")


def test_sample_quotes_are_findable_in_body(sample):
    for quote in EXPECTED["quotes"]["required"]:
        assert quote["text"] in sample.body


def test_sample_headings_are_blocks_in_order(sample):
    positions = [sample.body.index(h) for h in EXPECTED["headings"]]
    assert positions == sorted(positions)
    heading_blocks = [b for b in sample.blocks if b.kind == "heading"]
    assert [b.start for b in heading_blocks] == positions


# --- fixtures -------------------------------------------------------------------------


def test_cp1254_fixture_decodes_turkish_letters():
    article = fixture("cp1254_turkish.txt")
    assert article.encoding == "cp1254"
    assert article.title == "İSTANBUL'DA ŞOFÖRLER GREVDE"
    assert article.outlet == "Anadolu Ajansı"
    assert article.published == datetime.date(2020, 2, 3)
    assert article.agency == "AA"
    assert article.source_note == "Anadolu Ajansı"
    assert article.paragraphs[0].startswith("İstanbul'da şoför ğ ı")
    assert "“Haklarımızı istiyoruz”" in article.paragraphs[0]
    for mojibake in "ÝÞÐýþð":
        assert mojibake not in article.body + article.title


def test_iso8859_9_fixture():
    article = fixture("iso8859_9_turkish.txt")
    assert article.encoding == "iso-8859-9"
    assert article.title == "Ankara'da kış erken geldi"
    assert article.outlet == "Hürriyet"
    assert "İçişleri" in article.body
    assert article.paragraphs[1] == "Öğrenciler okula ağır kışlıklarla gitti."


def test_bom_and_crlf():
    article = fixture("bom_crlf.txt")
    plain = fixture("no_url.txt")
    assert article.encoding == "utf-8-sig"
    assert article.title == "Ministers agree on new rail link"
    assert "\r" not in article.body and "\ufeff" not in article.title
    assert article.body == plain.body


def test_trailing_tabs_and_blank_lines():
    article = fixture("trailing_tabs.txt")
    reference = fixture("bom_crlf.txt")
    assert article.title == reference.title
    assert article.summary is None
    assert (article.published, article.outlet, article.agency, article.url) == (
        reference.published,
        reference.outlet,
        reference.agency,
        reference.url,
    )
    assert article.body == reference.body
    assert article.blocks == reference.blocks


def test_missing_agency():
    article = fixture("no_agency.txt")
    assert article.agency is None
    assert article.paragraphs[0].startswith("Transport ministers agreed")


def test_missing_url():
    article = fixture("no_url.txt")
    assert article.url is None
    assert article.agency == "Reuters"
    assert article.paragraphs[-1] == "The line is due to open in 2027."


def test_named_footer():
    assert fixture("named_footer.txt").source_note == "Anadolu Ajansı"


def test_joined_paragraph_fixture():
    article = fixture("joined_paragraph.txt")
    assert article.paragraphs == [
        "The minister thanked the engineers and the regional councils that backed the plan.",
        "Work starts next year.",
    ]


def test_subheadings_fixture():
    assert kinds(fixture("subheadings.txt")) == [
        ("paragraph", "The plan was approved on Friday."),
        ("heading", "What happens next"),
        ("paragraph", "Tenders open in May."),
        ("heading", "Cost: who pays"),
        ("paragraph", "The two governments split the bill."),
    ]


def test_single_digit_date():
    article = fixture("single_digit_date.txt")
    assert article.published == datetime.date(2021, 2, 1)
    assert article.outlet == "AP News"


def test_summary_present():
    assert fixture("with_summary.txt").summary == "A 40 km line will join the capitals by 2027."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_empty.txt", "file is empty"),
        ("bad_whitespace_only.txt", "file contains only whitespace"),
        ("bad_random_binary.txt", "binary content (NUL bytes)"),
        ("bad_png_renamed.txt", "binary content (PNG image)"),
        ("bad_gzip.txt", "binary content (gzip archive)"),
        ("bad_title_only.txt", "no date line after the title"),
        ("bad_date.txt", "date 31.02.2020 is not a real date"),
        ("bad_html.txt", "unrecognised format (looks like an HTML document)"),
        (
            "bad_no_outlet.txt",
            "no outlet line after the date (expected e.g. 'Euronews (7 January 2020)', "
            "found 'Euronews')",
        ),
    ],
)
def test_bad_fixtures(name, message):
    with pytest.raises(ParseError) as info:
        parse_source((FIXTURES / name).read_bytes(), filename=name)
    assert info.value.message == message
    assert str(info.value) == message
    assert info.value.filename == name


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.glob("*.txt") if not p.name.startswith("bad_"))
)
def test_good_fixtures_are_well_formed(name):
    assert_well_formed(fixture(name))


def test_fixtures_readme_lists_every_fixture():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for path in FIXTURES.glob("*.txt"):
        assert f"`{path.name}`" in readme


# --- header rules ---------------------------------------------------------------------


def test_title_kept_as_written():
    title = "'Honest mistake': pentagon DENIES it — İzmir"
    assert parse_source(source(title=title)).title == title


def test_title_block_lines_are_joined():
    assert parse_source(source(title="A long title\nthat wraps")).title == "A long title that wraps"


def test_summary_dash_is_none_and_text_is_kept():
    assert parse_source(source(summary="-")).summary is None
    assert parse_source(source(summary="The standfirst.")).summary == "The standfirst."


def test_summary_line_may_be_missing_entirely():
    data = b"Title\n\n07.01.2020\n\nEuronews (7 January 2020)\n\nAP\n\nBody text here.\n"
    article = parse_source(data)
    assert article.summary is None
    assert article.published == datetime.date(2020, 1, 7)
    assert article.paragraphs == ["Body text here."]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("07.01.2020", datetime.date(2020, 1, 7)),
        ("7.1.2020", datetime.date(2020, 1, 7)),
        ("29.02.2020", datetime.date(2020, 2, 29)),
        ("31.12.1999", datetime.date(1999, 12, 31)),
    ],
)
def test_dates(date, expected):
    assert parse_source(source(date=date)).published == expected


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("31.02.2020", "date 31.02.2020 is not a real date"),
        ("29.02.2019", "date 29.02.2019 is not a real date"),
        ("00.01.2020", "date 00.01.2020 is not a real date"),
        ("1.13.2020", "date 1.13.2020 is not a real date"),
        ("2020-01-07", "date '2020-01-07' is not in DD.MM.YYYY form"),
        ("7.1.20", "date '7.1.20' is not in DD.MM.YYYY form"),
    ],
)
def test_bad_dates(date, message):
    err = error(source(date=date))
    assert err.message == message
    assert err.line == 5


def test_no_date_line():
    err = error(b"Title\n\nA summary\n\nEuronews (7 January 2020)\n\nBody.\n")
    assert err.message == "no date line after the title"
    assert err.line == 3


def test_no_title_before_date():
    assert error(b"07.01.2020\n\nEuronews (7 January 2020)\n\nBody.").message == (
        "no title before the date line"
    )


def test_dash_title():
    assert error(source(title="-")).message == "the title is missing ('-' in its place)"


def test_outlet_missing_after_date():
    assert error(b"Title\n\n-\n\n07.01.2020\n").message == "no outlet line after the date"


@pytest.mark.parametrize(
    ("header", "summary"),
    [
        (b"Title\n-\n7.1.2020\nEuronews (7 January 2020)\nAP", None),
        (b"Title\nThe standfirst.\n7.1.2020\nEuronews (7 January 2020)\n\nAP", "The standfirst."),
        (b"Title\n\n-\n7.1.2020\n\nEuronews (7 January 2020)\n\nAP", None),
        (b"Title\n7.1.2020\n\nEuronews (7 January 2020)\n\nAP", None),
        (b"Title\n-\n\n7.1.2020\n\nEuronews (7 January 2020)\n\nAP", None),
    ],
    ids=[
        "all-glued",
        "title-summary-date-glued",
        "summary-date-glued",
        "title-date-glued",
        "title-dash-glued",
    ],
)
def test_header_without_blank_lines(header, summary):
    article = parse_source(header + b"\n\nBody text.\n\n<https://x.org/a>\n\nKaynak/Source:")
    assert (article.title, article.summary) == ("Title", summary)
    assert (article.published, article.outlet, article.agency) == (
        datetime.date(2020, 1, 7),
        "Euronews",
        "AP",
    )
    assert article.paragraphs == ["Body text."]


def test_date_with_trailing_text_is_reported_as_malformed():
    err = error(source(date="07.01.2020 14:30"))
    assert err.message == "date '07.01.2020 14:30' is not in DD.MM.YYYY form"
    assert err.line == 5


def test_summary_starting_with_a_date_is_still_a_summary():
    article = parse_source(source(summary="7.1.2020 was the day it changed."))
    assert article.summary == "7.1.2020 was the day it changed."


def test_outlet_with_parentheses_in_name():
    article = parse_source(source(outlet="BBC (World) (7 January 2020)"))
    assert article.outlet == "BBC (World)"


def test_outlet_glued_to_date_line():
    data = b"Title\n\n-\n\n7.1.2020\nEuronews (7 January 2020)\n\nAP\n\nBody text.\n"
    article = parse_source(data)
    assert (article.outlet, article.agency, article.paragraphs) == (
        "Euronews",
        "AP",
        ["Body text."],
    )


def test_no_body():
    err = error(source("", agency=None).replace(b"\n\n\n\n", b"\n\n"))
    assert err.message == "no body text after the outlet line"


def test_huge_title_line():
    err = error(b"x" * 2_000_000)
    assert err.message.startswith("the title is 2,000,000 characters long")


def test_huge_outlet_line():
    err = error(source(outlet="Euronews " + " " * 100_000 + "x (7 January 2020)"))
    assert err.message.startswith("no outlet line after the date")


# --- agency ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agency",
    [
        "AP",
        "AFP",
        "Reuters",
        "Anadolu Ajansı",
        "By Jane Doe Smith Jr",
        "Associated Press / Reuters / AFP",
        "Ahmet Yılmaz | İstanbul",
    ],
)
def test_agency_lines(agency):
    article = parse_source(source(agency=agency))
    assert article.agency == agency
    assert article.paragraphs[0] == "First paragraph of the story."


def test_sentence_after_outlet_is_body_not_agency():
    article = parse_source(source("Officials said.\n\nMore text.", agency=None))
    assert article.agency is None
    assert article.paragraphs == ["Officials said.", "More text."]


def test_broken_first_paragraph_is_not_agency():
    article = parse_source(source("The minister said that\n\nthe plan works.", agency=None))
    assert article.agency is None
    assert article.paragraphs == ["The minister said that the plan works."]


def test_punctuation_only_line_is_not_agency():
    article = parse_source(source("Body text.\n\nMore.", agency="* * *"))
    assert article.agency is None
    assert article.paragraphs[0] == "* * *"


def test_lone_short_body_block_is_body_not_agency():
    article = parse_source(source("Short note", agency=None))
    assert article.agency is None
    assert article.paragraphs == ["Short note"]


# --- body rules -----------------------------------------------------------------------


def test_lines_inside_a_block_are_joined_by_one_space():
    article = parse_body("One line\nand the next line.\n\nAnother.")
    assert article.paragraphs == ["One line and the next line.", "Another."]


def test_multi_line_short_block_is_a_paragraph_not_a_heading():
    article = parse_body("Intro.\n\nShort\nLines\n\nEnd.")
    assert [k for k, _ in kinds(article)] == ["paragraph", "paragraph", "paragraph"]


@pytest.mark.parametrize(
    "line",
    [
        "What happens next",
        "Trump threatens Iraq with sanctions",
        "2021 in numbers",
        "Cost: who pays",
        '"Honest mistake" and what followed',
    ],
)
def test_headings(line):
    article = parse_body(f"Intro.\n\n{line}\n\nBody after it.")
    assert kinds(article)[1] == ("heading", line)


@pytest.mark.parametrize(
    "line",
    [
        "It was a mistake.",
        "Was it a mistake?",
        "What a mistake!",
        "He said:",
        "First; second;",
        'He said "no"',
        "He said “no”",
        "And then…",
        "this starts in lower case",
        "A" * 101,
        "Nobody's leaving,\" Milley said",
        "Now it’s a kerfuffle,” Milley lamented",
    ],
)
def test_not_headings(line):
    article = parse_body(f"Intro.\n\n{line}\n\nBody after it.")
    assert kinds(article)[1] == ("paragraph", line)


def test_last_block_is_never_a_heading():
    article = parse_body("Intro.\n\nClosing line without punctuation")
    assert kinds(article)[-1] == ("paragraph", "Closing line without punctuation")


def test_consecutive_headings():
    article = parse_body("Intro.\n\nPart one\n\nChapter A\n\nText.")
    assert [k for k, _ in kinds(article)] == ["paragraph", "heading", "heading", "paragraph"]


def test_joined_paragraph_rules():
    article = parse_body(
        "It ended with the\n\nsenior commander.\n\n"  # joined
        "It ended here.\n\nlower case but after a full stop.\n\n"  # not joined
        "No punctuation\n\nUpper case next.\n\n"  # not joined (upper case)
        "He said:\n\nthey will leave.\n\n"  # joined (colon does not end a sentence)
        "Three parts, the\n\nsecond, and the\n\nthird."  # chained
    )
    assert kinds(article) == [
        ("paragraph", "It ended with the senior commander."),
        ("paragraph", "It ended here."),
        ("paragraph", "lower case but after a full stop."),
        ("heading", "No punctuation"),
        ("paragraph", "Upper case next."),
        ("paragraph", "He said: they will leave."),
        ("paragraph", "Three parts, the second, and the third."),
    ]


def test_joined_paragraph_turkish_lower_case():
    article = parse_body("Bakan açıklamasında\n\nışık verdi.", agency="AA")
    assert article.paragraphs == ["Bakan açıklamasında ışık verdi."]


def test_body_kept_exactly_apart_from_trailing_whitespace():
    body = '  Indented start, “curly” and "straight" quotes,\ttab inside.  \t\n\nEnd.\t'
    article = parse_body(body)
    assert article.paragraphs == [
        '  Indented start, “curly” and "straight" quotes,\ttab inside.',
        "End.",
    ]


def test_unicode_line_separators_stay_inside_text():
    # Only \n (and \r) end lines; other separators belong to the text as written.
    article = parse_body("One\x0ctwo\u2028three.\n\nEnd.")
    assert article.paragraphs[0] == "One\x0ctwo\u2028three."


def test_offsets_are_code_points():
    article = parse_body("İstanbul’da 😀 şoför.\n\nSonra ğ ı.", agency="AA")
    assert article.body == "İstanbul’da 😀 şoför.\n\nSonra ğ ı."
    assert article.blocks == (Block("paragraph", 0, 20), Block("paragraph", 22, 32))


def test_many_broken_fragments_stay_linear():
    # Re-joining by string concatenation used to be quadratic: minutes for this file.
    fragments = "x\n\n" * 200_000
    started = time.perf_counter()
    article = parse_body(f"Intro.\n\n{fragments}End.")
    assert time.perf_counter() - started < 5
    assert article.paragraphs[1] == " ".join(["x"] * 200_000)
    assert len(article.paragraphs) == 3


# --- tail rules -----------------------------------------------------------------------


def test_dos_end_of_file_marker_is_dropped():
    article = parse_source(source(footer="Kaynak/Source: AA") + b"\r\n\x1a")
    assert article.source_note == "AA"
    assert "\x1a" not in article.body


def test_footer_with_name_on_next_line():
    article = parse_source(source(footer="Kaynak/Source:\nAnadolu Ajansı"))
    assert article.source_note == "Anadolu Ajansı"


def test_footer_variants():
    assert parse_source(source(footer="KAYNAK / SOURCE :  AFP ")).source_note == "AFP"
    assert parse_source(source(footer="Kaynak/Source:   ")).source_note is None


def test_missing_footer_and_url():
    article = parse_source(source(url=None).rsplit(b"\n\n", 1)[0])
    assert (article.url, article.source_note) == (None, None)
    assert article.paragraphs[-1] == "Second paragraph of the story."


def test_url_and_footer_glued_to_body():
    data = source(url=None, footer="x").replace(
        b"story.\n\nx", b"story.\n<https://example.com/b>\nKaynak/Source: AA"
    )
    article = parse_source(data)
    assert article.url == "https://example.com/b"
    assert article.source_note == "AA"
    assert article.paragraphs[-1] == "Second paragraph of the story."


def test_non_http_angle_line_stays_in_body():
    article = parse_source(source("Text.\n\n<not a url>", url=None))
    assert article.url is None
    assert article.paragraphs[-1] == "<not a url>"


# --- decoding -------------------------------------------------------------------------


def test_decode_text_cp1254_turkish():
    text, encoding = decode_text("İstanbul'da şoför ğ ı “alıntı”".encode("cp1254"))
    assert text == "İstanbul'da şoför ğ ı “alıntı”"
    assert encoding == "cp1254"


def test_decode_text_legacy_turkish_without_c1_bytes():
    # Without bytes in 0x80-0x9F both legacy encodings give the same text.
    text, encoding = decode_text("İstanbul'da şoför ğ ı".encode("cp1254"))
    assert text == "İstanbul'da şoför ğ ı"
    assert encoding == "iso-8859-9"


def test_decode_text_iso_with_c1_control_chars():
    data = "Çok güzel ".encode("iso-8859-9") * 50 + b"\x81"
    text, encoding = decode_text(data)
    assert encoding == "iso-8859-9"
    assert text.endswith("güzel \x81")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", ("", "utf-8")),
        (b"plain ascii", ("plain ascii", "utf-8")),
        ("şoför".encode(), ("şoför", "utf-8")),
        (codecs.BOM_UTF8 + "şoför".encode(), ("şoför", "utf-8-sig")),
    ],
)
def test_decode_text_utf8(data, expected):
    assert decode_text(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "binary content (PNG image)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary content (JPEG image)"),
        (b"GIF89a\x01\x00", "binary content (GIF image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary content (PDF document)"),
        (b"PK\x03\x04\x14\x00\x06\x00", "binary content (ZIP archive or Office document)"),
        (b"\x1f\x8b\x08\x00\x00\x00", "binary content (gzip archive)"),
        (b"BZh91AY&SY\x00", "binary content (bzip2 archive)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00",
            "binary content (legacy Microsoft Office document)",
        ),
        (b"\x7fELF\x02\x01\x01", "binary content (ELF executable)"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "binary content (WAV audio)"),
        (b"RIFF\x24\x08\x00\x00WEBPVP8 ", "binary content (WebP image)"),
        (b"\x00\x00\x00\x18ftypmp42", "binary content (MP4/QuickTime video)"),
        (b"ID3\x03\x00\x00\x00", "binary content (MP3 audio)"),
        (b"MZ\x90\x00\x03", "binary content (Windows executable)"),
        (b"Title\x00with a NUL", "binary content (NUL bytes)"),
        (
            "Title line here\n".encode("utf-16-le"),
            "binary content (NUL bytes; UTF-16 text without a byte-order mark?)",
        ),
        (
            codecs.BOM_UTF16_LE + "Title".encode("utf-16-le"),
            "UTF-16 text is not supported; save the file as UTF-8",
        ),
        (bytes(range(1, 9)) * 20 + b"text", "binary content (mostly control characters)"),
        (
            codecs.BOM_UTF8 + b"Title \xfe\n",
            "file starts with a UTF-8 byte-order mark but is not valid UTF-8 "
            "(byte 0xFE at offset 9)",
        ),
        (
            "şoför ".encode() + "şoför".encode("cp1254"),
            "mixed encodings: the file has UTF-8 Turkish letters but also bytes that are not "
            "UTF-8 (byte 0xFE at offset 8); re-save it in a single encoding",
        ),
    ],
)
def test_decode_text_errors(data, message):
    with pytest.raises(ParseError) as info:
        decode_text(data)
    assert info.value.message == message
    # parse_source reports the same message.
    assert error(data).message == message


def test_decode_errors_point_at_the_line():
    data = "Başlık\n\nşoför\n".encode() + "şoför".encode("cp1254")
    with pytest.raises(ParseError) as info:
        decode_text(data)
    assert info.value.line == 4


def test_sniff_binary_leaves_text_alone():
    titles = (b"BM is a title", b"MZ title", b"ID3 tags", b"RIFF", b"RIFF raff", b"Why the WEBP")
    for text in titles:
        assert sniff_binary(text) is None


def test_random_bytes_without_nul_are_binary():
    rng = random.Random(1)
    data = bytes(rng.randrange(1, 256) for _ in range(4096))
    assert error(data).message == "binary content (mostly control characters)"


def test_too_large(monkeypatch):
    from articles.importing.parsers import decoding

    monkeypatch.setattr(decoding, "MAX_BYTES", 100)
    assert error(b"x" * 101).message == ("file is too large (101 bytes; the limit is 100 bytes)")


# --- formats and API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b'{"title": "x"}', "JSON"),
        (b"[\n  1, 2\n]", "JSON"),
        (b'<?xml version="1.0"?><rss/>', "an XML document"),
        (b"{\\rtf1\\ansi Hello}", "an RTF document"),
        (b"\n\n<html lang=en><body>x</body></html>", "an HTML document"),
        (b"[1, " + b"[" * 100_000 + b"]" * 100_001, "JSON"),
    ],
    ids=["object", "array", "xml", "rtf", "html", "deep-json"],
)
def test_unrecognised_formats(data, looks_like):
    assert error(data).message == f"unrecognised format (looks like {looks_like})"


def test_title_in_square_brackets_is_not_json():
    assert (
        parse_source(source(title="[VIDEO] Storm hits coast")).title == "[VIDEO] Storm hits coast"
    )


def test_format_detected_by_content_not_extension():
    article = parse_source(SAMPLE.read_bytes(), filename="renamed.html")
    assert article.format == "newsreader-text-v1"


def test_registry_lists_builtin_format_and_rejects_duplicates():
    (builtin,) = [f for f in registered_formats() if f.name == "newsreader-text-v1"]
    with pytest.raises(ValueError):
        register_format(FormatParser(name=builtin.name, sniff=builtin.sniff, parse=builtin.parse))


def test_parse_source_rejects_str():
    with pytest.raises(TypeError):
        parse_source("text")  # type: ignore[arg-type]


def test_parse_source_accepts_bytearray_and_memoryview():
    data = SAMPLE.read_bytes()
    assert parse_source(bytearray(data)) == parse_source(memoryview(data)) == parse_source(data)


def test_parsed_article_is_frozen(sample: ParsedArticle):
    with pytest.raises(AttributeError):
        sample.title = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        sample.blocks[0].start = 3  # type: ignore[misc]


def test_bom_only_is_empty():
    assert error(codecs.BOM_UTF8).message == "file is empty"


def test_results_and_errors_pickle_for_worker_processes(sample):
    assert pickle.loads(pickle.dumps(sample)) == sample
    with pytest.raises(ParseError) as info:
        parse_source(source(date="31.02.2020"), filename="x.txt")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.message, copy.line, copy.filename) == (info.value.message, 5, "x.txt")


def test_parse_error_is_value_error_with_line():
    err = error(source(date="31.02.2020"))
    assert isinstance(err, ValueError)
    assert err.line == 5
    assert "31.02.2020" in repr(err)


def test_content_hash_ignores_encoding_newlines_and_quote_style():
    utf8 = fixture("cp1254_turkish.txt")
    again = parse_source(
        (FIXTURES / "cp1254_turkish.txt")
        .read_bytes()
        .decode("cp1254")
        .replace("\n", "\r\n")
        .replace("“", '"')
        .replace("”", '"')
        .encode("utf-8-sig")
    )
    assert again.encoding == "utf-8-sig"
    assert again.content_hash == utf8.content_hash
    assert parse_body("Different text.").content_hash != utf8.content_hash


def test_content_hash_ignores_metadata(sample):
    other = parse_source(SAMPLE.read_bytes().replace(b"07.01.2020", b"08.01.2020"))
    assert other.content_hash == sample.content_hash
    assert other.published != sample.published


# --- fuzzing --------------------------------------------------------------------------

VALID_SOURCES = [SAMPLE.read_bytes()] + [
    p.read_bytes() for p in sorted(FIXTURES.glob("*.txt")) if not p.name.startswith("bad_")
]
FUZZ = settings(
    # 300 per property in CI (the "ci" profile, fixed seed); the "long" profile
    # (HYPOTHESIS_PROFILE=long, tests/conftest.py) or FUZZ_EXAMPLES=N for a deep run.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", max(300, settings().max_examples))),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_any(data: bytes) -> None:
    try:
        article = parse_source(data)
    except ParseError as exc:
        assert exc.message and not exc.message.startswith(SAFETY_NET), exc.message
        assert isinstance(exc.__cause__, type(None) | UnicodeDecodeError), exc.__cause__
    else:
        assert_well_formed(article)


@FUZZ
@given(st.binary(max_size=4096))
@example(b"\xef\xbb\xbf")
@example(b"\r\r\r")
@example(b"-\n\n1.1.2000\n\n(x)\n\nAP\n\nb")
@example(b"T\n\n1.1.2000\n\nO (d)\n\n<http://x>\n\nKaynak/Source:")
def test_fuzz_arbitrary_bytes(data):
    check_any(data)


@FUZZ
@given(st.text(max_size=2000))
def test_fuzz_arbitrary_text(text):
    check_any(text.encode("utf-8"))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@FUZZ
@given(
    st.sampled_from(VALID_SOURCES),
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "insert", "duplicate", "blank", "truncate"]),
            st.integers(min_value=0, max_value=10_000),
            st.binary(max_size=40)
            | st.sampled_from([b"", b"-", b"7.1.2020", b"AP", b"<https://x.y>"]),
        ),
        max_size=6,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1254", "iso-8859-9", "crlf", "keep"]),
)
def test_fuzz_mutated_valid_files(data, edits, flip):
    lines = _lines(data)
    for op, position, payload in edits:
        i = position % (len(lines) + 1)
        if op == "delete" and lines:
            del lines[min(i, len(lines) - 1)]
        elif op == "insert":
            lines.insert(i, payload)
        elif op == "duplicate" and lines:
            lines.insert(i, lines[min(i, len(lines) - 1)])
        elif op == "blank":
            lines.insert(i, b"")
        elif op == "truncate":
            lines = lines[: max(i, 1)]
    mutated = b"\n".join(lines)
    if flip != "keep":
        try:
            text = mutated.decode("utf-8")
        except UnicodeDecodeError:
            text = mutated.decode("cp1254", errors="replace")
        if flip == "crlf":
            mutated = text.replace("\n", "\r\n").encode("utf-8")
        else:
            mutated = text.encode(flip, errors="replace")
    check_any(mutated)


@FUZZ
@given(st.sampled_from(VALID_SOURCES), st.sampled_from(["utf-8-sig", "cp1254", "iso-8859-9"]))
def test_encoding_flips_keep_the_text(data, encoding):
    original = parse_source(data)
    text = data.decode(original.encoding)
    try:
        flipped = text.encode(encoding)
    except UnicodeEncodeError:
        return  # e.g. typographic quotes have no ISO-8859-9 byte
    article = parse_source(flipped)
    assert article.encoding in (encoding, "cp1254", "iso-8859-9", "utf-8")
    assert (article.title, article.body, article.blocks) == (
        original.title,
        original.body,
        original.blocks,
    )


LOWER = "abcçdefgğhıijklmnoöprsştuüvyz"
UPPER = "ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"
word = st.text(alphabet=LOWER + UPPER + "'", min_size=1, max_size=9)
capitalised = st.tuples(st.sampled_from(UPPER), st.text(alphabet=LOWER, max_size=8)).map("".join)
words = st.lists(word, min_size=1, max_size=7).map(" ".join)
paragraph = st.tuples(capitalised, words, st.sampled_from(".!?")).map(
    lambda t: f"{t[0]} {t[1]}{t[2]}"
)
# Heading words never end in a quote mark: a closing quote makes a block a paragraph.
heading_word = st.text(alphabet=LOWER + UPPER, min_size=1, max_size=9)
heading = st.tuples(capitalised, st.lists(heading_word, max_size=5).map(" ".join)).map(
    lambda t: f"{t[0]} {t[1]}".strip()
)


@st.composite
def articles(draw):
    blocks = [("paragraph", draw(paragraph))]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            blocks.append(("heading", draw(heading)))
        blocks.append(("paragraph", draw(paragraph)))
    fields = {
        "title": draw(words),
        "summary": draw(st.none() | paragraph),
        "published": draw(st.dates(min_value=datetime.date(1900, 1, 1))),
        "outlet": draw(words),
        "agency": draw(st.sampled_from([None, "AP", "AFP", "Reuters", "Anadolu Ajansı"])),
        "url": draw(
            st.none() | st.from_regex(r"https://[a-z]{1,8}\.com/[a-z0-9/_-]{0,20}", fullmatch=True)
        ),
        "source_note": draw(st.none() | words),
    }
    return fields, blocks


@FUZZ
@given(
    articles(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["", " ", "\t", " \t "]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1254"]),
)
def test_round_trip_generated_articles(generated, padded_date, newline, trailing, encoding):
    fields, blocks = generated
    date = fields["published"]
    day_month = f"{date.day:02}.{date.month:02}" if padded_date else f"{date.day}.{date.month}"
    parts = [
        fields["title"],
        fields["summary"] or "-",
        f"{day_month}.{date.year:04}",
        f"{fields['outlet']} ({date.day} {date:%B} {date.year})",
        *([fields["agency"]] if fields["agency"] else []),
        *(text for _, text in blocks),
        *([f"<{fields['url']}>"] if fields["url"] else []),
        f"Kaynak/Source: {fields['source_note'] or ''}",
    ]
    text = "\n\n".join(parts)
    text = "\n".join(line + trailing for line in text.split("\n"))
    article = parse_source(text.replace("\n", newline).encode(encoding))
    if encoding == "utf-8-sig":
        assert article.encoding == "utf-8-sig"
    elif encoding == "utf-8" or text.isascii():
        assert article.encoding == "utf-8"
    else:
        # No typographic quotes here, so nothing in 0x80-0x9F tells cp1254 apart.
        assert article.encoding == "iso-8859-9"
    for name, value in fields.items():
        assert getattr(article, name) == value, name
    assert [(b.kind, article.body[b.start : b.end]) for b in article.blocks] == blocks
    assert_well_formed(article)


def test_the_parsers_and_discovery_load_nothing_from_django_or_the_rest_of_the_app():
    # Run in a fresh interpreter: this one has Django and the whole app loaded already.
    pure = ["articles.importing.parsers", "articles.importing.discovery"]
    code = f"""
import importlib, pkgutil, sys
import articles.importing.parsers as parsers
for module in pkgutil.iter_modules(parsers.__path__):
    importlib.import_module("articles.importing.parsers." + module.name)
importlib.import_module("articles.importing.discovery")
pure = {pure!r}
print(sorted(
    name for name in sys.modules
    if name.split(".")[0] == "django"
    or (
        name.split(".")[0] == "articles"
        and name not in ("articles", "articles.importing", "articles.content_hashing")
        and not any(name == p or name.startswith(p + ".") for p in pure)
    )
))
"""
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
