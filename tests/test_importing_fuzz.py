"""Byte-level fuzzing of the pure parser `parse_source` (issue 16's attack suite).

tests/test_importing_parsers.py fuzzes arbitrary bytes, arbitrary text, line-level edits of
the valid sources and generated articles. This adds what a damaged or hostile file does at
the byte level: bit flips, bytes inserted, deleted and overwritten anywhere (not only at line
boundaries), two sources spliced together, and tokens that stress decoding (BOMs mid-file,
invalid and overlong UTF-8, encoded surrogates, C1 controls, NUL, DOS end-of-file, lone CR,
U+2028). Whatever comes in, `parse_source` returns a well-formed article or raises ParseError
with a message (never its internal-error safety net, never another exception).

CI runs the fixed-seed "ci" profile (300 examples per property); `HYPOTHESIS_PROFILE=long`
runs 20,000 per property (see tests/conftest.py).
"""

from __future__ import annotations

import codecs

from hypothesis import given
from hypothesis import strategies as st

from tests.test_importing_parsers import FUZZ, VALID_SOURCES, check_any

NASTY = [
    b"\x00",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"\xc0\xaf",  # overlong "/"
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\xe2\x80",  # a truncated sequence
    b"\x80\x81\x9d\x9f",  # C1 controls / cp1254-only bytes
    b"\x1a",
    b"\r",
    b"\r\r\n",
    "\u2028\u2029\ufeff".encode(),
    "“”‘’".encode("cp1254"),
    b"\n\n" * 50,
    b"Kaynak/Source:",
    b"<https://example.com/x>",
    b"07.01.2020",
    b"99.99.9999",
    b"x" * 5000,
]

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(max_size=16)),
    st.tuples(st.just("nasty"), st.integers(0, 1 << 20), st.sampled_from(NASTY)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 400)),
    st.tuples(st.just("overwrite"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)),
)


def mutate(data: bytes, edits) -> bytes:
    buffer = bytearray(data)
    for op, where, arg in edits:
        at = where % (len(buffer) + 1)
        if op == "flip" and buffer:
            buffer[min(at, len(buffer) - 1)] ^= 1 << arg
        elif op in ("insert", "nasty"):
            buffer[at:at] = arg
        elif op == "delete":
            del buffer[at : at + arg]
        elif op == "overwrite":
            buffer[at : at + len(arg)] = arg
    return bytes(buffer)


@FUZZ
@given(st.sampled_from(VALID_SOURCES), st.lists(mutation, min_size=1, max_size=12))
def test_fuzz_byte_mutations_of_valid_files(data, edits):
    check_any(mutate(data, edits))


@FUZZ
@given(
    st.sampled_from(VALID_SOURCES),
    st.sampled_from(VALID_SOURCES),
    st.integers(0, 1 << 20),
    st.integers(0, 1 << 20),
)
def test_fuzz_spliced_sources(first, second, cut, resume):
    """The head of one file glued to the tail of another: two headers, mixed encodings."""
    check_any(first[: cut % (len(first) + 1)] + second[resume % (len(second) + 1) :])


@FUZZ
@given(st.sampled_from(VALID_SOURCES), st.sampled_from(NASTY), st.integers(1, 200))
def test_fuzz_a_token_repeated_through_a_file(data, token, every):
    """A nasty token after every `every` bytes: damage spread all over, not in one place."""
    chunks = [data[i : i + every] for i in range(0, len(data), every)]
    check_any(token.join(chunks))
