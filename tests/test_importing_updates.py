"""Re-importing a file with a stored article's URL and new content makes a new version."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.importing.storing import source_files_import
from articles.models import Annotation, Article, ArticleVersion, SourceFile
from tests.factories import make_annotation, make_user

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "000_58f869ba7bb6f21c.txt"


def import_bytes(name: str, data: bytes, **kwargs):
    [result] = source_files_import(files=[(name, data)], **kwargs)
    return result


def annotate(article: Article, words: str, **fields) -> Annotation:
    at = article.body.index(words)
    return make_annotation(article, at, at + len(words), **fields)


def test_changed_content_under_the_same_url_is_a_new_version():
    user = make_user(editor=True)
    original = SAMPLE.read_bytes()
    first = import_bytes("wire.txt", original, user=user)
    article = Article.objects.get(pk=first.article.pk)
    quote = annotate(article, "There's no onward movement.", kind="quote")
    # The wire repairs the damaged opening quotation mark, with Windows line ends.
    corrected = original.replace(b"\nNobody's leaving,", b"\n\"Nobody's leaving,")
    corrected = corrected.replace(b"\n", b"\r\n")
    result = import_bytes("wire-corrected.txt", corrected, user=user)
    assert result.status == "updated"
    assert result.version == 2
    assert result.article.pk == article.pk
    article.refresh_from_db()
    assert '"Nobody\'s leaving,"' in article.body
    assert "\r" not in article.body
    assert article.version_number == 2 and article.text_modified_kind == "update"
    version = ArticleVersion.objects.get(article=article, number=2)
    assert version.source_file == result.source_file
    assert version.created_by == user
    assert SourceFile.objects.get(pk=result.source_file.pk).status == "updated"
    quote.refresh_from_db()
    assert quote.status == "published"
    assert article.body[quote.start : quote.end] == "There's no onward movement."
    assert Article.objects.count() == 1


def test_identical_content_stays_a_duplicate_even_with_crlf():
    original = SAMPLE.read_bytes()
    import_bytes("wire.txt", original)
    again = import_bytes("wire-crlf.txt", original.replace(b"\n", b"\r\n"))
    assert again.status == "duplicate"
    assert ArticleVersion.objects.count() == 1


def test_updates_can_be_turned_off_by_the_setting(settings):
    settings.IMPORT_UPDATES = False
    original = SAMPLE.read_bytes()
    import_bytes("wire.txt", original)
    again = import_bytes("v2.txt", original.replace(b"Honest mistake", b"An honest mistake"))
    assert again.status == "duplicate"
    assert ArticleVersion.objects.count() == 1


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_articles", "--jobs", "1", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_reports_updated_with_the_version_and_link(tmp_path):
    first = tmp_path / "a" / "wire.txt"
    first.parent.mkdir()
    first.write_bytes(SAMPLE.read_bytes())
    run(str(first))
    second = tmp_path / "b" / "wire.txt"
    second.parent.mkdir()
    second.write_bytes(SAMPLE.read_bytes().replace(b"Honest mistake", b"An honest mistake"))
    out = run(str(second))
    article = Article.objects.get()
    assert (
        f"updated: {second}: version 2 of {article.title!r} ({article.get_absolute_url()})" in out
    )
    assert "0 imported, 0 duplicates, 0 failed, 1 updated." in out
    third = tmp_path / "c" / "wire.txt"
    third.parent.mkdir()
    third.write_bytes(SAMPLE.read_bytes().replace(b"Honest mistake", b"A mistake"))
    record = json.loads(run("--json", str(third)))
    assert (record["status"], record["version"]) == ("updated", 3)


def test_the_command_flag_keeps_the_old_behaviour(tmp_path):
    first = tmp_path / "wire.txt"
    first.write_bytes(SAMPLE.read_bytes())
    run(str(first))
    first.write_bytes(SAMPLE.read_bytes().replace(b"Honest mistake", b"An honest mistake"))
    record = json.loads(run("--json", "--no-update", str(first)))
    assert (record["status"], record["version"]) == ("duplicate", None)
