"""Turn raw file bytes into text: binary sniffing and encoding detection.

Sources are UTF-8 (sometimes with a BOM) or Turkish legacy encodings. Windows-1254 and
ISO-8859-9 agree everywhere except 0x80-0x9F, where Windows-1254 has typographic quotes,
dashes and the euro sign and ISO-8859-9 has C1 control codes. Neither ever maps a Turkish
letter differently, so the only real danger is decoding them as Windows-1252/Latin-1
(``İ ş ğ ı`` would become ``Ý þ ð ý``), which we never do.
"""

from __future__ import annotations

import codecs
import re

from articles.importing.parsers.base import ParseError

# Far above any real article (they are a few KB); stops a stray disk image from being read
# into several copies in memory.
MAX_BYTES = 2 * 1024 * 1024

# Signatures checked before anything else, so a renamed image gets a precise message.
# (prefix, description).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "Zstandard archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Microsoft Office document"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)
# Indexed by first byte so a text file costs one dict lookup, not 25 prefix checks.
_MAGIC_BY_FIRST_BYTE: dict[bytes, list[tuple[bytes, str]]] = {}
for _magic, _name in _MAGIC:
    _MAGIC_BY_FIRST_BYTE.setdefault(_magic[:1], []).append((_magic, _name))
# Signatures short enough to be the start of a real title need a second check.
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_ID3 = re.compile(rb"ID3[\x02-\x04]\x00")
_BMP = re.compile(rb"BM.{4}\x00\x00\x00\x00", re.DOTALL)
_EXE = re.compile(rb"MZ[^\x00]{0,62}\x00", re.DOTALL)
_RIFF = re.compile(rb"RIFF.{4}(?P<kind>WEBP|WAVE|AVI )", re.DOTALL)
_MP4 = re.compile(rb"\x00.{3}ftyp", re.DOTALL)

_UTF16_32_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

# C0 controls other than tab, LF, CR, plus DEL. Counted with bytes.translate, which is a
# single C loop, so text files pay next to nothing for the check.
_C0_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_RANGE = bytes(range(0x80, 0xA0))
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b < 0xA0)
# Bytes that Windows-1254 leaves undefined; their presence rules it out.
_CP1254_UNDEFINED = frozenset(b"\x81\x8d\x8e\x8f\x90\x9d\x9e")
# Above this share of control characters a "text" is really binary (random bytes sit
# around 12-25 %, real text at 0).
_CONTROL_RATIO = 0.05
# UTF-8 encodings of Turkish-specific letters. Finding them in a file that is not valid
# UTF-8 means it mixes encodings; decoding it as legacy would turn them into mojibake.
_UTF8_TURKISH = re.compile(rb"\xc3[\x87\xa7\x96\xb6\x9c\xbc]|\xc4[\xb0\xb1\x9e\x9f]|\xc5[\x9e\x9f]")


def sniff_binary(data: bytes) -> str | None:
    """Name the kind of binary content, or None when the bytes may be text."""
    for magic, name in _MAGIC_BY_FIRST_BYTE.get(data[:1], ()):
        if data.startswith(magic):
            return name
    head = data[:80]
    if _BZIP2.match(head):
        return "bzip2 archive"
    if _ID3.match(head):
        return "MP3 audio"
    if _BMP.match(head):
        return "BMP image"
    if _EXE.match(head):
        return "Windows executable"
    if match := _RIFF.match(head):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio"}.get(match["kind"], "AVI video")
    if _MP4.match(head):
        return "MP4/QuickTime video"
    if b"\x00" in data:
        # Every other byte NUL is what UTF-16 without a byte-order mark looks like.
        sample = data[:4096]
        half = len(sample) // 2
        if half >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) >= half * 0.8:
            return "NUL bytes; UTF-16 text without a byte-order mark?"
        return "NUL bytes"
    return None


def _control_ratio(data: bytes, extra: bytes = b"") -> float:
    deleted = len(data) - len(data.translate(None, _C0_CONTROLS + extra))
    return deleted / len(data)


def _line_of(data: bytes, offset: int) -> int:
    # Counts LF only; close enough for CR-only files, which are rare in legacy encodings.
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a source file; return (text, encoding name).

    Encoding names: "utf-8", "utf-8-sig", "cp1254", "iso-8859-9". Raises ParseError for
    binary content, UTF-16/32 text, a broken UTF-8 file with a BOM, and mixed encodings.
    Empty input decodes to ("", "utf-8"); deciding that an empty file is an error is the
    caller's business.
    """
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"file is too large ({len(data):,} bytes; the limit is {MAX_BYTES:,} bytes)"
        )
    for bom, name in _UTF16_32_BOMS:
        if data.startswith(bom):
            raise ParseError(f"{name} text is not supported; save the file as UTF-8")
    kind = sniff_binary(data)
    if kind is not None:
        raise ParseError(f"binary content ({kind})")
    if data and _control_ratio(data) > _CONTROL_RATIO:
        raise ParseError("binary content (mostly control characters)")

    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            offset = exc.start + len(codecs.BOM_UTF8)
            raise ParseError(
                "file starts with a UTF-8 byte-order mark but is not valid UTF-8 "
                f"(byte 0x{data[offset]:02X} at offset {offset})",
                line=_line_of(data, offset),
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start

    # The lead bytes are rare letters (Ã Ä Å) in Turkish legacy text, so three fast finds
    # spare the regex scan almost always.
    if (b"\xc3" in data or b"\xc4" in data or b"\xc5" in data) and _UTF8_TURKISH.search(data):
        raise ParseError(
            "mixed encodings: the file has UTF-8 Turkish letters but also bytes that are not "
            f"UTF-8 (byte 0x{data[first_bad]:02X} at offset {first_bad}); "
            "re-save it in a single encoding",
            line=_line_of(data, first_bad),
        )
    c1 = set(data.translate(None, _NOT_C1))
    if c1 and not (c1 & _CP1254_UNDEFINED):
        return data.decode("cp1254"), "cp1254"
    # ISO-8859-9 reads 0x80-0x9F as C1 control codes; many of them means binary garbage.
    if c1 and _control_ratio(data, _C1_RANGE) > _CONTROL_RATIO:
        raise ParseError("binary content (mostly control characters)")
    return data.decode("iso-8859-9"), "iso-8859-9"
