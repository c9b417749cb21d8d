"""Tests for articles.importing.parsers.archives: zip expansion, import limits (pure, no DB)."""

from __future__ import annotations

import io
import zipfile

import pytest

from articles.importing.parsers.archives import (
    ImportLimits,
    SourceEntry,
    expand_uploads,
    upload_size_error,
)

LIMITS = ImportLimits(
    max_file_bytes=10_000,
    max_files=5,
    max_uncompressed_bytes=100_000,
    max_compression_ratio=100,
)


def make_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def expand(uploads, limits: ImportLimits = LIMITS) -> list[SourceEntry]:
    return list(expand_uploads(uploads, limits))


def test_it_passes_plain_files_through():
    assert expand([("a.txt", b"text")]) == [SourceEntry("a.txt", b"text")]


def test_it_expands_a_zip_member_by_member_named_inside_the_archive():
    data = make_zip({"one.txt": b"1", "folder/two.txt": b"2", "folder/": b""})
    assert expand([("batch.zip", data)]) == [
        SourceEntry("batch.zip/one.txt", b"1"),
        SourceEntry("batch.zip/folder/two.txt", b"2"),
    ]


def test_it_recognises_zip_archives_by_extension_in_any_case():
    [entry] = expand([("BATCH.ZIP", make_zip({"a.txt": b"a"}))])
    assert entry == SourceEntry("BATCH.ZIP/a.txt", b"a")


def test_it_skips_macos_resource_forks_and_finder_files():
    data = make_zip({"a.txt": b"a", "__MACOSX/._a.txt": b"\x00\x05", ".DS_Store": b"\x00"})
    assert [e.name for e in expand([("x.zip", data)])] == ["x.zip/a.txt"]


@pytest.mark.parametrize(
    "inner", ["../evil.txt", "a/../../evil.txt", "/etc/passwd", "C:/evil.txt", "..\\evil.txt"]
)
def test_it_refuses_absolute_paths_and_dot_dot_entries(inner):
    data = make_zip({"good.txt": b"fine", inner: b"bad"})
    good, bad = expand([("x.zip", data)])
    assert good == SourceEntry("x.zip/good.txt", b"fine")
    assert bad.data == b""
    assert bad.error == f"unsafe path in the zip archive ({inner!r}): absolute or with '..'"


def test_it_refuses_a_zip_bomb_entry_without_inflating_it():
    limits = ImportLimits(10_000_000, 5, 100_000_000, 100)
    bomb = make_zip({"bomb.txt": b"\0" * 5_000_000, "good.txt": b"fine"})
    bad, good = expand([("bomb.zip", bomb)], limits)
    assert bad.name == "bomb.zip/bomb.txt"
    assert bad.data == b""
    assert bad.error is not None
    assert "compression ratio" in bad.error
    assert "above the limit of 100:1 (a zip bomb?)" in bad.error
    assert good == SourceEntry("bomb.zip/good.txt", b"fine")


def test_it_refuses_an_archive_that_would_expand_past_the_limit():
    data = make_zip({f"{i}.txt": bytes(range(256)) * 30 for i in range(3)})  # 3 x 7,680
    limits = ImportLimits(10_000, 5, 20_000, 100)
    [entry] = expand([("big.zip", data)], limits)
    assert entry.name == "big.zip"
    assert entry.error == (
        "the zip archive would expand to 23,040 bytes; the limit is 20,000 bytes"
    )


def test_it_refuses_an_archive_larger_than_the_uncompressed_limit_itself():
    limits = ImportLimits(100, 5, 1_000, 100)
    data = make_zip({"a.txt": bytes(range(256)) * 8}, compression=zipfile.ZIP_STORED)
    [entry] = expand([("huge.zip", data)], limits)
    assert entry.error is not None
    assert entry.error.startswith("archive is too large (")
    assert entry.data == b""


def test_it_refuses_a_member_larger_than_the_file_limit():
    data = make_zip({"big.txt": bytes(range(256)) * 50, "ok.txt": b"ok"})
    big, ok = expand([("x.zip", data)])
    assert big.error == "file is too large (12,800 bytes; the limit is 10,000 bytes)"
    assert ok.error is None


def test_it_refuses_a_plain_file_larger_than_the_limit():
    [entry] = expand([("big.txt", b"x" * 10_001)])
    assert entry == SourceEntry(
        "big.txt", b"", "file is too large (10,001 bytes; the limit is 10,000 bytes)"
    )


def test_it_says_when_a_zip_is_not_a_zip_and_keeps_its_bytes():
    [entry] = expand([("fake.zip", b"just text")])
    assert entry == SourceEntry("fake.zip", b"just text", "not a valid zip archive")


def test_it_says_when_a_zip_is_empty():
    [entry] = expand([("empty.zip", make_zip({}))])
    assert entry.error == "the zip archive contains no files"


def test_it_refuses_an_archive_with_more_members_than_one_import_takes():
    data = make_zip({f"{i}.txt": b"x" for i in range(6)})
    [entry] = expand([("many.zip", data)])
    assert entry.error == "the zip archive holds 6 files; one import takes at most 5"


def test_it_fails_files_past_the_count_limit_across_uploads():
    entries = expand([(f"{i}.txt", b"x") for i in range(7)])
    assert [e.error for e in entries[:5]] == [None] * 5
    assert [e.error for e in entries[5:]] == ["too many files: one import takes at most 5"] * 2


def test_it_takes_any_number_of_files_without_a_count_limit():
    limits = ImportLimits(10_000, None, 100_000, 100)
    assert all(e.error is None for e in expand([(f"{i}.txt", b"x") for i in range(50)], limits))


def test_it_passes_entries_that_already_failed_through():
    failed = SourceEntry("big.txt", b"", "file is too large")
    assert expand([failed]) == [failed]


def test_it_reports_a_damaged_member():
    data = bytearray(make_zip({"a.txt": b"hello world " * 20}, compression=zipfile.ZIP_STORED))
    data[data.index(b"hello")] ^= 0xFF  # breaks the CRC
    [entry] = expand([("broken.zip", bytes(data))])
    assert entry.error is not None
    assert entry.error.startswith("damaged zip entry (")


def test_it_is_lazy():
    def uploads():
        yield ("a.txt", b"a")
        raise AssertionError("read too far")

    assert next(expand_uploads(uploads(), LIMITS)) == SourceEntry("a.txt", b"a")


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        ("a.txt", 10_000, None),
        ("a.txt", 10_001, "file is too large (10,001 bytes; the limit is 10,000 bytes)"),
        ("a.zip", 100_000, None),
        ("a.zip", 100_001, "archive is too large (100,001 bytes; the limit is 100,000 bytes)"),
    ],
)
def test_upload_size_error_checks_before_reading(name, size, expected):
    assert upload_size_error(name, size, LIMITS) == expected
