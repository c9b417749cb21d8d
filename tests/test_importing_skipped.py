"""What is no source file is skipped, not failed: links out of the paths given, files that
say (by name) and show (by content) that they are something else. Symbolic links inside a
zip are refused as such. Skipped files get no SourceFile record (the schema stays as it is:
SourceFile.Status has no 'skipped'); the admin and the command report and count them."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from articles.importing import discovery
from articles.importing.parsers.archives import ImportLimits, SourceEntry, expand_uploads
from articles.importing.parsers.registry import not_a_source_file
from articles.importing.storing import SKIPPED, source_files_import
from articles.models import Article, SourceFile
from tests.test_importing_storing import SAMPLE, source
from tests.test_views_imports import importer, post  # noqa: F401 - the fixture

LIMITS = ImportLimits(10_000_000, None, 100_000_000, 100)
README = b"# Export notes\n\nThese files came from the archive on 3 May.\n"


def zip_with_link(name: str, target: str, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo(name)
        link.create_system = 3  # Unix: the mode is in external_attr, as `zip -y` stores it
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, target)
        for member, data in files.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def test_a_symbolic_link_in_a_zip_is_refused_as_such_and_never_read():
    data = zip_with_link("passwd.txt", "/etc/passwd", {"story.txt": b"story"})
    link, story = expand_uploads([("batch.zip", data)], LIMITS)
    assert link == SourceEntry(
        "batch.zip/passwd.txt", b"", "symbolic link in archive: links are not imported"
    )
    assert story == SourceEntry("batch.zip/story.txt", b"story")


@pytest.mark.parametrize("name", ["readme.md", "photo.JPG", "notes.docx", "batch.zip/a/README.md"])
def test_a_file_named_as_something_else_whose_content_is_no_export_is_not_a_source(name):
    reason = not_a_source_file(README, name)
    assert reason is not None and reason.startswith("not a source file (a .")
    assert not_a_source_file(b"\x89PNG\r\n\x1a\n" + bytes(100), name) is not None


@pytest.mark.parametrize("name", ["story.txt", "story", "STORY.TXT", "story.text"])
def test_source_file_names_are_left_to_the_parser_whatever_their_content(name):
    assert not_a_source_file(README, name) is None


def test_a_renamed_export_is_a_source_file_by_its_content():
    assert not_a_source_file(SAMPLE.read_bytes(), "renamed.html") is None
    assert not_a_source_file(SAMPLE.read_bytes(), "story.md") is None


def test_discovery_marks_links_out_of_the_paths_given_as_skipped(tmp_path):
    (tmp_path / "secret").write_text("secret")
    folder = tmp_path / "import"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("a")
    (folder / "inside.txt").symlink_to(folder / "sub" / "a.txt")
    (folder / "outside.txt").symlink_to(tmp_path / "secret")
    sources = dict(discovery.collect([str(folder)]))
    assert sources[folder / "inside.txt"] is None
    assert isinstance(sources[folder / "outside.txt"], discovery.Skipped)
    link = folder / "outside.txt"
    [entry] = list(discovery.read([(link, sources[link])], LIMITS))
    assert isinstance(entry, SourceEntry) and entry.skipped and entry.data == b""
    # Given as a path itself, the secret is followed like any file given.
    assert (
        dict(discovery.collect([str(folder), str(tmp_path / "secret")]))[folder / "outside.txt"]
        is None
    )


@pytest.mark.django_db
def test_skipped_files_are_reported_in_order_and_never_stored():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.md", README)
        zf.writestr("story-1.txt", source(1)[1])
    results = source_files_import(
        files=[("batch.zip", archive.getvalue()), ("notes.md", README), source(2)]
    )
    assert [(r.name, r.status) for r in results] == [
        ("batch.zip/readme.md", SKIPPED),
        ("batch.zip/story-1.txt", SourceFile.Status.IMPORTED),
        ("notes.md", SKIPPED),
        (source(2)[0], SourceFile.Status.IMPORTED),
    ]
    assert (results[0].error or "").startswith("not a source file (a .md file")
    assert SourceFile.objects.count() == 2 and Article.objects.count() == 2
    dry = source_files_import(files=[("notes.md", README)], dry_run=True)
    assert [r.status for r in dry] == [SKIPPED]


@pytest.mark.django_db
def test_the_admin_counts_and_explains_skipped_files(importer):  # noqa: F811
    files = {"readme.md": README, "story-1.txt": source(1)[1]}
    archive = zip_with_link("link.txt", "/etc/passwd", files)
    html = post(importer, ("batch.zip", archive)).content.decode()
    assert "1 imported, 0 duplicates, 1 failed, 1 skipped (not source files, not stored)" in html
    assert "symbolic link in archive: links are not imported" in html
    assert "not a source file (a .md file, and its content is not a newsreader export)" in html
    # The story and the refused link have their records; the readme has none.
    assert sorted(SourceFile.objects.values_list("name", "status")) == [
        ("batch.zip/link.txt", "failed"),
        ("batch.zip/story-1.txt", "imported"),
    ]
    assert bytes(SourceFile.objects.get(status="failed").content) == b""
