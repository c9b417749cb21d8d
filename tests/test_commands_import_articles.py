"""Tests for `manage.py import_articles`."""

from __future__ import annotations

import errno
import io
import json
import os
import threading
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.management.progress import Progress
from articles.models import Article, SourceFile
from tests.test_importing_storing import EXPECTED, FIXTURES, SAMPLE, source

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[CommandError, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_articles", *args, stdout=out, stderr=err)
    return failure.value, out.getvalue(), err.getvalue()


def write_sources(folder: Path, numbers) -> list[Path]:
    paths = []
    for number in numbers:
        name, data = source(number)
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_dry_run_json_on_the_sample_reproduces_the_expected_fields(django_assert_num_queries):
    # One query: the known speakers the quote finder maps names onto.
    with django_assert_num_queries(1):
        out, err = run("--dry-run", "--json", str(SAMPLE))
    [line] = out.splitlines()
    record = json.loads(line)
    quotes = record.pop("quotes")
    assert {(q["text"], q["speaker"]) for q in quotes} >= {
        (q["text"], q["speaker"]) for q in EXPECTED["quotes"]["required"]
    }
    assert all(q["end"] - q["start"] == len(q["text"]) for q in quotes)
    assert record == {
        "file": str(SAMPLE),
        "status": "parsed",
        "version": None,
        "error": None,
        "title": EXPECTED["title"],
        "summary": EXPECTED["summary"],
        "published": EXPECTED["published"],
        "outlet": EXPECTED["outlet"],
        "agency": EXPECTED["agency"],
        "url": EXPECTED["url"],
        "source_note": EXPECTED["source_note"],
        "headings": EXPECTED["headings"],
        "paragraphs": EXPECTED["paragraphs"],
        "encoding": "utf-8",
    }
    assert "Dry run, nothing stored: 1 parsed, 0 failed." in err
    assert not Article.objects.exists()


@pytest.mark.parametrize("path", sorted(SAMPLE.parent.glob("*.txt")), ids=lambda p: p.stem)
def test_dry_run_json_matches_every_samples_expected_fields(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    record = json.loads(run("--dry-run", "--json", str(path))[0])
    assert record["status"] == "parsed"
    # Every required quote (optional ones lost their marks in the source) is proposed,
    # word for word, with its speaker.
    proposed = {(q["text"], q["speaker"]) for q in record.pop("quotes")}
    required = {(q["text"], q["speaker"]) for q in expected.pop("quotes")["required"]}
    assert required <= proposed
    shared = set(record) & set(expected)
    assert {"title", "published", "outlet", "headings", "paragraphs"} <= shared
    assert {key: record[key] for key in shared} == {key: expected[key] for key in shared}


def test_it_imports_folders_recursively_and_sums_up(tmp_path):
    write_sources(tmp_path, [1, 2])
    (tmp_path / "deeper").mkdir()
    write_sources(tmp_path / "deeper", [3])
    (tmp_path / ".hidden").mkdir()
    write_sources(tmp_path / ".hidden", [4])
    out, err = run(str(tmp_path))
    assert "3 imported, 0 duplicates, 0 failed." in out
    assert Article.objects.count() == 3
    assert err == ""  # no progress bar when stderr is not a terminal


def test_it_imports_zip_archives(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for number in (1, 2):
            zf.writestr(*source(number))
    out, _ = run("--json", str(archive))
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == [f"{archive}/story-1.txt", f"{archive}/story-2.txt"]
    assert [r["status"] for r in records] == ["imported", "imported"]


def test_it_exits_non_zero_and_lists_reasons_when_a_file_failed(tmp_path):
    write_sources(tmp_path, [1])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes((FIXTURES / "bad_png_renamed.txt").read_bytes())
    error, out, _ = run_failing(str(tmp_path))
    assert error.returncode == 1
    assert str(error) == "2 of 3 files failed"
    assert f"failed: {tmp_path / 'empty.txt'}: file is empty" in out
    assert f"failed: {tmp_path / 'image.txt'}: binary content (PNG image)" in out
    assert "1 imported, 0 duplicates, 2 failed." in out
    assert Article.objects.count() == 1
    assert SourceFile.objects.filter(status="failed").count() == 2


def test_it_reports_duplicates_with_what_exists(tmp_path):
    [path] = write_sources(tmp_path, [1])
    run(str(path))
    out, _ = run(str(path))
    article = Article.objects.get()
    link = article.get_absolute_url()
    assert f"duplicate: {path}: already stored as 'Story number 1' ({link})" in out
    assert "0 imported, 1 duplicates, 0 failed." in out


def test_json_records_have_every_key_and_null_for_what_a_failed_file_lacks(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    _, out, err = run_failing("--json", str(tmp_path / "empty.txt"))
    record = json.loads(out)
    assert record["status"] == "failed"
    assert record["error"] == "file is empty"
    assert all(record[key] is None for key in record if key not in ("file", "status", "error"))
    assert "0 imported, 0 duplicates, 1 failed." in err  # the summary keeps stdout pure JSON


def test_json_shows_duplicates_with_their_parsed_fields(tmp_path):
    [path] = write_sources(tmp_path, [1])
    run(str(path))
    out, _ = run("--json", str(path))
    record = json.loads(out)
    assert (record["status"], record["title"], record["paragraphs"]) == (
        "duplicate",
        "Story number 1",
        3,
    )


def test_a_dry_run_stores_nothing(tmp_path):
    write_sources(tmp_path, [1, 2])
    out, _ = run("--dry-run", str(tmp_path))
    assert "Dry run, nothing stored: 2 parsed, 0 failed." in out
    assert not Article.objects.exists()
    assert not SourceFile.objects.exists()


def test_it_does_not_read_a_file_past_the_size_limit(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    (tmp_path / "big.txt").write_bytes(b"x" * 101)
    _, out, _ = run_failing(str(tmp_path))
    assert "file is too large (101 bytes; the limit is 100 bytes)" in out


def test_it_takes_more_files_than_an_upload_may_hold(tmp_path, settings):
    settings.IMPORT_MAX_FILES = 2
    write_sources(tmp_path, [1, 2, 3])
    out, _ = run("--batch-size", "2", str(tmp_path))
    assert "3 imported, 0 duplicates, 0 failed." in out


def test_it_stops_before_importing_when_a_path_does_not_exist(tmp_path):
    write_sources(tmp_path, [1])
    error, _, _ = run_failing(str(tmp_path), str(tmp_path / "missing.txt"))
    assert str(error) == f"no such file or folder: {tmp_path / 'missing.txt'}"
    assert not SourceFile.objects.exists()


def test_it_refuses_a_batch_size_below_one(tmp_path):
    error, _, _ = run_failing("--batch-size", "0", str(tmp_path))
    assert str(error) == "--batch-size must be at least 1"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_on_a_terminal_only():
    from django.core.management.base import OutputWrapper

    terminal = FakeTerminal()
    progress = Progress(OutputWrapper(terminal), total=4)
    progress.advance(2)
    progress.finish()
    assert "[###############---------------]  50% 2/4 files" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")

    pipe = io.StringIO()
    quiet = Progress(OutputWrapper(pipe), total=4)
    quiet.advance(4)
    quiet.finish()
    assert pipe.getvalue() == ""


@pytest.mark.django_db(transaction=True)
def test_parallel_jobs_import_everything_once(tmp_path):
    write_sources(tmp_path, range(1, 9))
    (tmp_path / "copy-of-1.txt").write_bytes(source(1)[1])  # same content
    name, same_url = source(20, url="https://news.example.org/story/2")
    (tmp_path / name).write_bytes(same_url)  # other content, same URL as story 2
    out, _ = run("--jobs", "2", "--batch-size", "2", "--json", str(tmp_path))
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 10
    assert Counter(r["status"] for r in records) == {"imported": 8, "duplicate": 2}
    assert Article.objects.count() == 8
    assert SourceFile.objects.count() == 10


def test_it_refuses_jobs_below_one(tmp_path):
    error, _, _ = run_failing("--jobs", "0", str(tmp_path))
    assert str(error) == "--jobs must be at least 1"


def test_a_broken_link_in_a_folder_is_reported_and_counted_as_failed(tmp_path):
    write_sources(tmp_path, [1])
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted-meanwhile.txt")
    error, out, _ = run_failing(str(tmp_path))
    assert str(error) == "1 of 2 files failed"
    assert f"failed: {tmp_path / 'gone.txt'}: broken symbolic link" in out
    assert "1 imported, 0 duplicates, 1 failed." in out
    failed = SourceFile.objects.get(status="failed")
    assert failed.error == "broken symbolic link"


def test_a_link_to_a_file_within_the_paths_given_is_imported_as_before(tmp_path):
    [target] = write_sources(tmp_path, [1])
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "link.txt").symlink_to(target)
    # The target is one of the paths given: the link is followed (and the file is a duplicate
    # of itself the second time).
    out, _ = run(str(folder), str(target))
    assert "1 imported, 1 duplicates, 0 failed." in out


def test_a_link_out_of_the_folder_given_is_skipped_with_the_reason_and_never_read(tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    [story] = write_sources(tmp_path / "outside", [1])
    folder = tmp_path / "import"
    folder.mkdir()
    write_sources(folder, [2])
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "story.txt").symlink_to(story)
    (folder / "elsewhere").symlink_to(secret.parent, target_is_directory=True)
    out, _ = run(str(folder))
    for link in ("passwd.txt", "story.txt", "elsewhere"):
        assert f"skipped: {folder / link}: symbolic link to " in out
    assert f"symbolic link to {secret}, outside the paths given: not followed" in out
    assert "1 imported, 0 duplicates, 0 failed, 3 skipped." in out
    # Nothing read from outside, and no record of the skipped links.
    assert SourceFile.objects.count() == 1
    assert all(b"root:x" not in bytes(f.content) for f in SourceFile.objects.all())


def test_skipped_links_are_skipped_in_json_and_do_not_fail_the_command(tmp_path):
    (tmp_path / "hosts").write_text("127.0.0.1 localhost\n")
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "hosts.txt").symlink_to(tmp_path / "hosts")
    out, err = run("--json", str(folder))
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["status"] == "skipped" and record["file"] == str(folder / "hosts.txt")
    assert "outside the paths given" in record["error"]
    assert "0 imported, 0 duplicates, 0 failed, 1 skipped." in err


def test_a_fifo_is_never_opened_but_reported_given_directly_or_in_a_folder(tmp_path):
    write_sources(tmp_path, [1])
    pipe = tmp_path / "pipe.zip"  # a .zip name too: counting its members must not open it
    os.mkfifo(pipe)
    unblocked = []

    def unblock_a_reader():
        # Should the command ever open the pipe, this lets it fail instead of hang forever.
        fd = os.open(pipe, os.O_WRONLY)  # waits for a reader, if there ever is one
        unblocked.append(True)
        os.close(fd)

    threading.Thread(target=unblock_a_reader, daemon=True).start()
    error, out, _ = run_failing("--dry-run", str(pipe))
    assert str(error) == "1 of 1 files failed"
    assert f"failed: {pipe}: not a regular file (a named pipe)" in out
    assert "Dry run, nothing stored: 0 parsed, 1 failed." in out
    error, out, _ = run_failing(str(tmp_path))
    assert f"failed: {pipe}: not a regular file (a named pipe)" in out
    assert "1 imported, 0 duplicates, 1 failed." in out
    assert unblocked == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_files_and_folders_we_may_not_read_are_reported(tmp_path):
    write_sources(tmp_path, [1])
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    secret.chmod(0)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        error, out, _ = run_failing(str(tmp_path))
    finally:
        locked.chmod(0o700)
    assert f"failed: {secret}: permission denied" in out
    assert f"failed: {locked}: permission denied" in out
    assert "1 imported, 0 duplicates, 2 failed." in out


def test_a_file_that_refuses_reading_is_reported_as_permission_denied(tmp_path, monkeypatch):
    # Tests run as root here, where chmod cannot refuse: make the read itself refuse.
    [path] = write_sources(tmp_path, [1])
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    error, out, _ = run_failing(str(path))
    assert f"failed: {path}: permission denied" in out
    assert "0 imported, 0 duplicates, 1 failed." in out


def test_a_folder_that_refuses_listing_is_reported_as_permission_denied(tmp_path, monkeypatch):
    # As above: root lists any folder, so make the listing itself refuse.
    write_sources(tmp_path, [1])
    locked = tmp_path / "locked"
    locked.mkdir()
    write_sources(locked, [2])
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    error, out, _ = run_failing(str(tmp_path))
    assert f"failed: {locked}: permission denied" in out
    assert "1 imported, 0 duplicates, 1 failed." in out


def test_the_summary_says_the_articles_wait_for_the_indexer(tmp_path):
    write_sources(tmp_path, range(3))
    out, _ = run(str(tmp_path))
    assert out.splitlines()[-1] == (
        "3 articles queued for search indexing and quote suggestions: searchable once "
        "`manage.py index_articles` (the worker `make run` starts) has indexed them; "
        "pass --wait to index them here."
    )
    assert Article.objects.waiting_for_index().count() == 3
    out, _ = run("--no-quotes", str(tmp_path))
    assert "queued" not in out  # all duplicates: nothing new to index


def test_no_quotes_queues_for_search_indexing_only(tmp_path):
    write_sources(tmp_path, range(2))
    out, _ = run("--no-quotes", str(tmp_path))
    assert "2 articles queued for search indexing: searchable once" in out
    assert not Article.objects.filter(quotes_pending=True).exists()


def test_wait_indexes_before_exiting(tmp_path):
    write_sources(tmp_path, range(3))
    out, _ = run("--wait", str(tmp_path))
    assert out.splitlines()[-1] == "3 articles indexed for search, 0 quote suggestions stored."
    assert not Article.objects.waiting_for_index().exists()
    assert Article.objects.filter(search_vector__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True)
def test_wait_with_parallel_jobs_indexes_everything_once(tmp_path):
    write_sources(tmp_path, range(12))
    out, _ = run("--jobs", "2", "--batch-size", "2", "--wait", str(tmp_path))
    assert "12 imported, 0 duplicates, 0 failed." in out
    assert out.splitlines()[-1] == "12 articles indexed for search, 0 quote suggestions stored."
    assert not Article.objects.filter(search_vector__isnull=True).exists()


def test_one_article_queued_is_said_in_the_singular(tmp_path):
    (tmp_path / "one.txt").write_bytes(SAMPLE.read_bytes())
    out = io.StringIO()
    call_command("import_articles", str(tmp_path / "one.txt"), stdout=out)
    assert "1 article queued for search indexing" in out.getvalue()
    assert "has indexed it; pass --wait to index it here." in out.getvalue()


def test_a_readme_in_a_zip_is_skipped_and_counted_as_skipped(tmp_path):
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.md", "# What these files are\n\nExports from May.\n")
        zf.writestr("story-1.txt", source(1)[1])
    out, _ = run(str(archive))
    assert f"skipped: {archive}/readme.md: not a source file (a .md file" in out
    assert "1 imported, 0 duplicates, 0 failed, 1 skipped." in out
    assert SourceFile.objects.count() == 1
    out, err = run("--dry-run", "--json", str(archive))
    statuses = {r["file"]: r["status"] for r in map(json.loads, out.splitlines())}
    assert statuses == {f"{archive}/readme.md": "skipped", f"{archive}/story-1.txt": "parsed"}
    assert "Dry run, nothing stored: 1 parsed, 0 failed, 1 skipped." in err
