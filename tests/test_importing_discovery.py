"""Tests for articles.importing.discovery: which files paths name, and why some cannot be
read (pure, no database)."""

from __future__ import annotations

import errno
import os
import threading
import zipfile
from pathlib import Path

import pytest

from articles.importing import discovery
from articles.importing.parsers.archives import ImportLimits, SourceEntry

LIMITS = ImportLimits(
    max_file_bytes=100, max_files=None, max_uncompressed_bytes=1000, max_compression_ratio=100
)


def test_folders_expand_recursively_sorted_and_skip_hidden_files_and_folders(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "c.txt").write_text("c")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "d.txt").write_text("d")
    assert discovery.collect([str(tmp_path)]) == [
        (tmp_path / "a" / "c.txt", None),
        (tmp_path / "b.txt", None),
    ]


def test_files_keep_their_argument_order(tmp_path):
    first, second = tmp_path / "z.txt", tmp_path / "a.txt"
    first.write_text("z")
    second.write_text("a")
    assert discovery.collect([str(first), str(second)]) == [(first, None), (second, None)]


def test_a_missing_argument_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder: .*missing.txt"):
        discovery.collect([str(tmp_path / "missing.txt")])


def test_a_broken_link_is_reported_not_skipped(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted-meanwhile.txt")
    assert discovery.collect([str(tmp_path)]) == [(tmp_path / "gone.txt", "broken symbolic link")]
    assert discovery.collect([str(tmp_path / "gone.txt")]) == [
        (tmp_path / "gone.txt", "broken symbolic link")
    ]


def test_a_link_loop_is_reported(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert discovery.collect([str(loop)]) == [(loop, "symbolic link loop")]


def test_a_fifo_is_reported_without_being_opened(tmp_path):
    pipe = tmp_path / "pipe.zip"  # a .zip name too: counting its members must not open it
    os.mkfifo(pipe)
    opened = []

    def unblock_a_reader():
        # Should discovery ever open the pipe, this lets it fail instead of hang forever.
        fd = os.open(pipe, os.O_WRONLY)  # waits for a reader, if there ever is one
        opened.append(True)
        os.close(fd)

    threading.Thread(target=unblock_a_reader, daemon=True).start()
    [source] = discovery.collect([str(tmp_path)])
    assert source == (pipe, "not a regular file (a named pipe)")
    assert discovery.collect([str(pipe)]) == [source]
    assert discovery.entry_count(source) == 1
    assert list(discovery.read([source], LIMITS)) == [
        SourceEntry(str(pipe), b"", "not a regular file (a named pipe)")
    ]
    assert opened == []


def test_a_folder_that_refuses_listing_is_reported(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("x")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert discovery.collect([str(tmp_path)]) == [(locked, "permission denied")]


def test_entry_count_counts_a_zips_files_and_one_for_anything_else(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("one.txt", "1")
        zf.writestr("folder/", "")
        zf.writestr("folder/two.txt", "2")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    plain = tmp_path / "plain.txt"
    plain.write_text("p")
    assert discovery.entry_count((archive, None)) == 2
    assert discovery.entry_count((broken, None)) == 1
    assert discovery.entry_count((plain, None)) == 1


def test_read_yields_bytes_and_refuses_files_past_the_size_limit_unread(tmp_path, monkeypatch):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_bytes(b"small")
    big.write_bytes(b"x" * 101)
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        assert self != big, "a file past the limit is never read"
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    small_entry, big_entry = discovery.read([(small, None), (big, None)], LIMITS)
    assert small_entry == (str(small), b"small")
    assert isinstance(big_entry, SourceEntry) and big_entry.error and not big_entry.data


def test_read_reports_a_file_that_refuses_reading(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("x")

    def read_bytes(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert list(discovery.read([(path, None)], LIMITS)) == [
        SourceEntry(str(path), b"", "permission denied")
    ]
