"""Tests for articles.importing.storing: storing parsed source files, duplicates, atomicity."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest

from articles.importing import storing
from articles.importing.parsers import parse_source
from articles.importing.storing import source_files_import
from articles.models import Article, ArticleVersion, Outlet, SourceFile
from tests.factories import make_article, make_outlet, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_58f869ba7bb6f21c.txt"
EXPECTED = json.loads(SAMPLE.with_suffix(".expected.json").read_text(encoding="utf-8"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sources"


def fixture(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


def source(
    number: int,
    *,
    outlet: str = "Daily Bugle",
    url: str | None = "auto",
    paragraphs: int = 3,
) -> tuple[str, bytes]:
    """A distinct, valid source file: story `number` with `paragraphs` paragraphs."""
    url = f"https://news.example.org/story/{number}" if url == "auto" else url
    body = [
        f"Paragraph {p} of story {number} says something the council decided."
        for p in range(paragraphs)
    ]
    parts = [f"Story number {number}", "-", "7.1.2020", f"{outlet} (7 January 2020)", "AP"]
    parts += body + ([f"<{url}>"] if url else []) + ["Kaynak/Source:"]
    return f"story-{number}.txt", "\n\n".join(parts).encode()


def import_one(name_and_bytes, **kwargs) -> storing.ImportResult:
    [result] = source_files_import(files=[name_and_bytes], **kwargs)
    return result


def article_of(result: storing.ImportResult) -> Article:
    """The article of an imported or duplicate file (which always has one)."""
    assert result.article is not None, result
    return result.article


def source_file_of(result: storing.ImportResult) -> SourceFile:
    """The SourceFile of a stored (not dry-run) file."""
    assert result.source_file is not None, result
    return result.source_file


def test_it_imports_the_sample_with_outlet_structure_and_source_file():
    user = make_user()
    data = SAMPLE.read_bytes()
    result = import_one((SAMPLE.name, data), user=user)

    assert result.status == "imported"
    assert result.error is None
    article = Article.objects.select_related("outlet", "source_file").get()
    assert result.article == article
    assert article.title == EXPECTED["title"]
    assert article.summary == ""
    assert article.published_on == datetime.date(2020, 1, 7)
    assert article.outlet.name == "Euronews"
    assert article.agency == "AP"
    assert article.original_url == EXPECTED["url"]
    assert article.source_note == ""
    assert article.language == "en"
    assert article.headings == EXPECTED["headings"]
    paragraphs = [b for b in article.structure if b["kind"] == "paragraph"]
    assert len(paragraphs) == EXPECTED["paragraphs"]
    joined = next(b for b in paragraphs if article.body[b["start"] :].startswith("Iraq's U.N."))
    assert article.body[joined["start"] :].startswith(EXPECTED["joined_paragraph_starts"])
    assert article.content_hash == parse_source(data).content_hash
    assert article.slug.startswith("honest-mistake-pentagon-denies-plans")

    source_file = article.source_file
    assert source_file is not None
    assert source_file == result.source_file
    assert source_file.status == SourceFile.Status.IMPORTED
    assert source_file.article == article
    assert bytes(source_file.content) == data
    assert source_file.size == len(data)
    assert source_file.encoding == "utf-8"
    assert source_file.name == SAMPLE.name
    assert source_file.imported_by == user
    assert len(source_file.sha256) == 64


def test_the_structure_offsets_point_into_the_stored_body():
    import_one((SAMPLE.name, SAMPLE.read_bytes()))
    article = Article.objects.get()
    for block in article.structure:
        text = article.body[block["start"] : block["end"]]
        assert text == text.strip() and text


def test_it_imports_windows_1254_turkish_as_turkish():
    result = import_one(fixture("cp1254_turkish.txt"))
    article = Article.objects.get()
    assert result.status == "imported"
    assert article.title == "İSTANBUL'DA ŞOFÖRLER GREVDE"
    assert "şoför ğ ı" in article.body
    assert article.language == "tr"
    assert article.source_file is not None
    assert article.source_file.encoding == "cp1254"
    assert article.slug.startswith("istanbulda-soforler-grevde-")


def test_it_imports_iso_8859_9_turkish():
    import_one(fixture("iso8859_9_turkish.txt"))
    article = Article.objects.get()
    assert article.title == "Ankara'da kış erken geldi"
    assert article.outlet.name == "Hürriyet"
    assert article.language == "tr"
    assert article.source_file is not None
    assert article.source_file.encoding == "iso-8859-9"


def test_it_drops_the_bom_and_crlf_line_ends():
    import_one(fixture("bom_crlf.txt"))
    article = Article.objects.get()
    assert article.title == "Ministers agree on new rail link"
    assert "\r" not in article.body and "\ufeff" not in article.body
    assert article.source_file is not None
    assert article.source_file.encoding == "utf-8-sig"
    assert bytes(article.source_file.content).startswith(b"\xef\xbb\xbf")


def test_it_stores_an_empty_agency_when_the_agency_line_is_missing():
    import_one(fixture("no_agency.txt"))
    article = Article.objects.get()
    assert article.agency == ""
    assert article.body.startswith("Transport ministers agreed")


def test_it_stores_an_empty_url_when_the_url_line_is_missing():
    import_one(fixture("no_url.txt"))
    article = Article.objects.get()
    assert article.original_url == ""
    assert "https://" not in article.body


def test_it_keeps_a_named_footer_as_the_source_note():
    import_one(fixture("named_footer.txt"))
    article = Article.objects.get()
    assert article.source_note == "Anadolu Ajansı"
    assert "Kaynak" not in article.body


def test_it_rejoins_a_paragraph_broken_across_a_blank_line():
    import_one(fixture("joined_paragraph.txt"))
    article = Article.objects.get()
    first = article.structure[0]
    assert article.body[first["start"] : first["end"]] == (
        "The minister thanked the engineers and the regional councils that backed the plan."
    )
    assert [b["kind"] for b in article.structure] == ["paragraph", "paragraph"]


def test_it_stores_subheadings_as_heading_blocks():
    import_one(fixture("subheadings.txt"))
    article = Article.objects.get()
    assert article.headings == ["What happens next", "Cost: who pays"]
    assert [b["kind"] for b in article.structure] == [
        "paragraph",
        "heading",
        "paragraph",
        "heading",
        "paragraph",
    ]


def test_it_reads_single_digit_dates():
    import_one(fixture("single_digit_date.txt"))
    assert Article.objects.get().published_on == datetime.date(2021, 2, 1)


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


BAD_INPUTS = [
    ("bad_empty.txt", "file is empty"),
    ("bad_whitespace_only.txt", "file contains only whitespace"),
    ("bad_random_binary.txt", "binary content (NUL bytes)"),
    ("bad_png_renamed.txt", "binary content (PNG image)"),
    ("bad_title_only.txt", "no date line after the title"),
]


@pytest.mark.parametrize(("name", "message"), BAD_INPUTS)
def test_a_bad_file_gives_its_reason_and_stores_no_article(name, message):
    result = import_one(fixture(name))
    assert result.status == "failed"
    assert result.error == message
    assert result.article is None
    assert not Article.objects.exists()
    source_file = SourceFile.objects.get()
    assert source_file == result.source_file
    assert source_file.status == SourceFile.Status.FAILED
    assert source_file.error == message
    assert source_file.article is None
    assert bytes(source_file.content) == (FIXTURES / name).read_bytes()


def test_a_zip_bomb_is_refused_and_stores_nothing():
    bomb = make_zip({"bomb.txt": b"\0" * 30_000_000})
    result = import_one(("bomb.zip", bomb))
    assert result.status == "failed"
    assert result.name == "bomb.zip/bomb.txt"
    assert result.error is not None
    assert "(a zip bomb?)" in result.error
    assert not Article.objects.exists()
    source_file = SourceFile.objects.get()
    assert source_file.status == SourceFile.Status.FAILED
    assert bytes(source_file.content) == b""


def test_a_zip_with_dot_dot_entries_refuses_them_and_imports_the_rest():
    archive = make_zip({"../../etc/evil.txt": source(1)[1], "good.txt": source(2)[1]})
    evil, good = source_files_import(files=[("upload.zip", archive)])
    assert evil.status == "failed"
    assert evil.error == (
        "unsafe path in the zip archive ('../../etc/evil.txt'): absolute or with '..'"
    )
    assert good.status == "imported"
    assert list(Article.objects.values_list("title", flat=True)) == ["Story number 2"]
    assert SourceFile.objects.get(status="failed").name == "upload.zip/../../etc/evil.txt"


def test_a_title_longer_than_the_column_fails_clearly():
    name, data = source(1)
    data = data.replace(b"Story number 1", b"Long " * 120)
    result = import_one((name, data))
    assert result.status == "failed"
    assert result.error == "the title is 599 characters long (limit 500)"
    assert not Article.objects.exists()


def test_a_batch_with_one_bad_file_still_imports_the_good_ones():
    files = [source(1), fixture("bad_png_renamed.txt"), source(2), fixture("bad_empty.txt")]
    results = source_files_import(files=files)
    assert [r.status for r in results] == ["imported", "failed", "imported", "failed"]
    assert Article.objects.count() == 2
    assert SourceFile.objects.count() == 4


def test_the_same_content_under_another_name_and_url_is_a_duplicate():
    first = import_one(source(1))
    name, data = source(1, url="https://elsewhere.example.com/copy")
    again = import_one(("copy.txt", data))
    assert again.status == "duplicate"
    assert article_of(again).pk == article_of(first).pk
    assert source_file_of(again).status == SourceFile.Status.DUPLICATE
    assert source_file_of(again).article_id == article_of(first).pk
    assert Article.objects.count() == 1


def test_the_same_original_url_with_other_content_is_a_duplicate_without_updates():
    # With updates (the default) it is a new version: tests/test_importing_updates.py.
    first = import_one(source(1))
    name, data = source(2, url="https://news.example.org/story/1")
    again = import_one((name, data), update_existing=False)
    assert again.status == "duplicate"
    assert article_of(again).pk == article_of(first).pk
    assert Article.objects.count() == 1


def test_importing_the_same_file_again_is_safe():
    first = import_one(source(1))
    again = import_one(source(1))
    assert (first.status, again.status) == ("imported", "duplicate")
    assert article_of(again).pk == article_of(first).pk
    assert article_of(again).get_absolute_url() == article_of(first).get_absolute_url()
    assert Article.objects.count() == 1
    assert SourceFile.objects.count() == 2


def test_duplicates_within_one_batch_point_at_the_article_stored_first():
    results = source_files_import(files=[source(1), source(1), source(2)])
    assert [r.status for r in results] == ["imported", "duplicate", "imported"]
    assert article_of(results[1]).pk == article_of(results[0]).pk
    assert (
        SourceFile.objects.get(pk=source_file_of(results[1]).pk).article_id
        == article_of(results[0]).pk
    )
    assert (
        SourceFile.objects.get(pk=source_file_of(results[0]).pk).article_id
        == article_of(results[0]).pk
    )


def test_duplicates_across_chunks_are_found():
    results = source_files_import(files=[source(1), source(2), source(1)], batch_size=2)
    assert [r.status for r in results] == ["imported", "imported", "duplicate"]


def test_outlets_are_matched_case_insensitively():
    existing = make_outlet("Daily Bugle")
    results = source_files_import(
        files=[source(1, outlet="DAILY BUGLE"), source(2, outlet="daily bugle")]
    )
    assert {article_of(r).outlet_id for r in results} == {existing.pk}
    assert Outlet.objects.count() == 1


def test_a_new_outlet_is_created_once_per_batch_with_the_first_spelling():
    source_files_import(files=[source(1, outlet="The Planet"), source(2, outlet="THE PLANET")])
    outlet = Outlet.objects.get()
    assert (outlet.name, outlet.slug) == ("The Planet", "the-planet")
    assert outlet.articles.count() == 2


def test_an_outlet_created_meanwhile_is_found_not_fought_over(monkeypatch):
    """Another import creates the outlet between our lookup and our insert."""
    real_create = storing._create_outlets

    def create_after_a_competitor(names):
        Outlet.objects.create(name="THE PLANET", slug="the-planet")
        real_create(names)

    monkeypatch.setattr(storing, "_create_outlets", create_after_a_competitor)
    result = import_one(source(1, outlet="The Planet"))
    assert result.status == "imported"
    assert Outlet.objects.get().name == "THE PLANET"
    assert article_of(result).outlet.name == "THE PLANET"


def test_a_new_outlet_whose_slug_is_taken_gets_another():
    Outlet.objects.create(name="The-Planet", slug="the-planet")
    import_one(source(1, outlet="The Planet"))
    outlet = Outlet.objects.get(name="The Planet")
    assert outlet.slug.startswith("the-planet-") and len(outlet.slug) == len("the-planet-") + 6


def test_a_taken_slug_falls_back_to_the_full_content_hash():
    parsed = parse_source(source(1)[1])
    make_article(title="Other", slug=f"story-number-1-{parsed.content_hash[:8]}")
    result = import_one(source(1))
    assert article_of(result).slug == f"story-number-1-{parsed.content_hash}"


def test_a_race_during_the_chunk_insert_falls_back_to_file_by_file(monkeypatch):
    """Story 2 was stored by another import just after our lookup: the others still import."""
    competitor = import_one(source(2))
    real_lookup = storing._existing_articles
    calls = []

    def lookup_that_loses_the_race(valid):
        calls.append(len(valid))
        return ({}, {}) if len(calls) == 1 else real_lookup(valid)

    monkeypatch.setattr(storing, "_existing_articles", lookup_that_loses_the_race)
    results = source_files_import(files=[source(1), source(2), source(3)])
    assert calls == [3, 1, 1, 1]  # the chunk, then file by file
    assert [r.status for r in results] == ["imported", "duplicate", "imported"]
    assert article_of(results[1]).pk == article_of(competitor).pk
    assert Article.objects.count() == 3
    assert SourceFile.objects.count() == 4
    assert not SourceFile.objects.filter(status="failed").exists()


def test_a_file_that_cannot_be_stored_is_recorded_as_failed(monkeypatch):
    def slug_taken_every_time(parsed):
        return ["taken"] * len(parsed)

    make_article(slug="taken")
    monkeypatch.setattr(storing, "_unique_slugs", slug_taken_every_time)
    good_name, good = fixture("bad_empty.txt")
    results = source_files_import(files=[source(1), (good_name, good)])
    assert results[0].status == "failed"
    assert results[0].error is not None
    assert results[0].error.startswith("could not store the article (duplicate key value")
    assert results[1].error == "file is empty"
    assert Article.objects.count() == 1  # just the one made above
    assert SourceFile.objects.filter(status="failed").count() == 2


def test_a_dry_run_parses_and_touches_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        results = source_files_import(files=[source(1), fixture("bad_empty.txt")], dry_run=True)
    assert [r.status for r in results] == ["parsed", "failed"]
    assert results[0].parsed is not None
    assert results[0].parsed.title == "Story number 1"
    assert results[1].error == "file is empty"


def test_the_language_is_detected_per_article():
    results = source_files_import(files=[fixture("cp1254_turkish.txt"), source(1)])
    assert [article_of(r).language for r in results] == ["tr", "en"]


@pytest.mark.parametrize("batch", [5, 50])
def test_a_batch_costs_the_same_queries_whatever_its_size(batch, django_assert_num_queries):
    files = [source(n, paragraphs=2 + n % 7) for n in range(batch)]
    files += [source(0), ("bad.txt", b"")]  # a duplicate and a failure too
    # A savepoint pair, URL locks, duplicate lookup, outlet lookup, outlet slug check,
    # outlet insert, outlet lookup again, article slug check, id allocation, source file
    # copy, article copy, speakers for the quote finder (these stories quote nobody: no
    # suggestions to copy).
    with django_assert_num_queries(13):
        results = source_files_import(files=files)
    assert [r.status for r in results[-2:]] == ["duplicate", "failed"]
    assert Article.objects.count() == batch


def test_a_batch_with_known_outlets_needs_fewer_queries(django_assert_num_queries):
    make_outlet("Daily Bugle")
    with django_assert_num_queries(10):
        source_files_import(files=[source(n) for n in range(20)])


def test_it_refuses_a_batch_size_below_one():
    with pytest.raises(ValueError, match="batch_size"):
        source_files_import(files=[], batch_size=0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_url_take_turns():
    """While another import holds the URL, ours waits, then finds its article: a duplicate."""
    import threading

    from django.db import connection, transaction

    results = []

    def import_in_another_thread():
        try:
            racing = source(2, url="https://x.example/1", outlet="Another Paper")
            results.extend(source_files_import(files=[racing]))
        finally:
            connection.close()

    with transaction.atomic():
        storing._lock_urls(["https://x.example/1"])
        first = import_one(source(1, url="https://x.example/1"))
        racer = threading.Thread(target=import_in_another_thread)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive()  # waiting for our transaction to end
    racer.join(timeout=10)
    # The second finds the first one's article: other content, so a new version of it.
    assert [r.status for r in results] == ["updated"]
    assert article_of(results[0]).pk == article_of(first).pk
    assert ArticleVersion.objects.filter(article=article_of(first)).count() == 2
    assert Article.objects.count() == 1


def test_a_new_turkish_outlet_in_two_spellings_is_created_once():
    results = source_files_import(
        files=[source(1, outlet="İZMİR HABER"), source(2, outlet="İzmir Haber")]
    )
    assert [r.status for r in results] == ["imported", "imported"]
    outlet = Outlet.objects.get()
    assert (outlet.name, outlet.slug) == ("İZMİR HABER", "izmir-haber")
    assert {article_of(r).outlet_id for r in results} == {outlet.pk}
