"""Tests for the admin's "Import source files" page."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, SourceFile
from tests.factories import make_user
from tests.test_importing_storing import FIXTURES, SAMPLE, source

pytestmark = pytest.mark.django_db

URL = "/admin/articles/sourcefile/import/"


@pytest.fixture
def importer(client):
    user = make_user(is_staff=True)
    codenames = ["add_article", "view_article", "view_sourcefile"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post(client, *files: tuple[str, bytes]):
    return client.post(URL, {"files": [upload(name, data) for name, data in files]})


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_url_has_its_admin_name():
    assert reverse("admin:articles_sourcefile_import") == URL


def test_it_shows_the_upload_form_with_a_multiple_file_input(importer):
    response = importer.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<input type="file" name="files" multiple' in html
    assert 'enctype="multipart/form-data"' in html
    assert "At most 5000 files per import" in html


def test_it_sends_anonymous_visitors_to_the_admin_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_returns_403_for_staff_without_the_add_article_permission(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": [upload(*source(1))]}).status_code == 403
    assert not SourceFile.objects.exists()


def test_it_redirects_editors_who_are_not_staff_to_the_admin_login(client):
    client.force_login(make_user(editor=True))
    assert client.get(URL).status_code == 302


def test_it_imports_several_files_and_shows_a_result_per_file(importer):
    files = [(SAMPLE.name, SAMPLE.read_bytes()), source(1), ("empty.txt", b"")]
    response = post(importer, *files)
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 imported, 0 duplicates, 1 failed" in html
    sample = Article.objects.get(outlet__name="Euronews")
    assert reverse("admin:articles_article_change", args=[sample.pk]) in html
    assert sample.get_absolute_url() in html
    assert "file is empty" in html
    for source_file in SourceFile.objects.all():
        assert reverse("admin:articles_sourcefile_change", args=[source_file.pk]) in html
    assert SourceFile.objects.filter(imported_by=response.wsgi_request.user).count() == 3


def test_it_links_a_duplicate_to_the_existing_article(importer):
    post(importer, source(1))
    response = post(importer, ("again.txt", source(1)[1]))
    article = Article.objects.get()
    html = response.content.decode()
    assert "0 imported, 1 duplicate, 0 failed" in html
    assert "Already stored as" in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert SourceFile.objects.get(name="again.txt").article == article


def test_it_expands_zip_archives(importer):
    archive = make_zip({"a/story-1.txt": source(1)[1], "story-2.txt": source(2)[1]})
    response = post(importer, ("batch.zip", archive))
    html = response.content.decode()
    assert "2 imported, 0 duplicates, 0 failed" in html
    assert "batch.zip/a/story-1.txt" in html
    assert Article.objects.count() == 2


def test_a_zip_with_dot_dot_entries_shows_the_reason_and_imports_the_rest(importer):
    archive = make_zip({"../evil.txt": source(1)[1], "good.txt": source(2)[1]})
    html = post(importer, ("batch.zip", archive)).content.decode()
    assert "unsafe path in the zip archive (&#x27;../evil.txt&#x27;)" in html
    assert "1 imported, 0 duplicates, 1 failed" in html


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("fake.zip", b"not a zip at all", "not a valid zip archive"),
        ("image.txt", (FIXTURES / "bad_png_renamed.txt").read_bytes(), "(PNG image)"),
        ("bomb.zip", make_zip({"bomb.txt": b"\0" * 30_000_000}), "(a zip bomb?)"),
    ],
)
def test_bad_uploads_get_a_reason_a_record_and_no_article(importer, name, data, reason):
    response = post(importer, (name, data))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Article.objects.exists()
    assert SourceFile.objects.get().status == SourceFile.Status.FAILED


def test_a_file_past_the_size_limit_is_refused_unread(importer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    html = post(importer, ("big.txt", b"x" * 101)).content.decode()
    assert "file is too large (101 bytes; the limit is 100 bytes)" in html
    assert bytes(SourceFile.objects.get().content) == b""


def test_uploading_nothing_asks_for_a_file(importer):
    response = importer.post(URL, {})
    assert response.status_code == 200
    assert "Choose at least one file to import." in response.content.decode()
    assert not SourceFile.objects.exists()


@pytest.mark.parametrize("count", [5, 50])
def test_an_upload_costs_the_same_queries_whatever_its_size(
    importer, count, django_assert_num_queries
):
    files = [source(n) for n in range(count)]
    # Session, user, permissions (2), the import's thirteen (its NOTIFY included; the quote
    # finder is the indexer's now) and the length of the indexing queue.
    with django_assert_num_queries(18):
        response = post(importer, *files)
    assert f"{count} imported" in response.content.decode()
    html = response.content.decode()
    assert re.search(rf"\?indexing=waiting\">{count} articles</a>\s+waiting for search", html)
    assert f"The {count} imported articles are queued for search indexing" in html


def test_one_imported_article_is_said_in_the_singular(importer):
    html = " ".join(post(importer, source(0)).content.decode().split())
    assert "The 1 imported article is queued for search indexing" in html
    assert "once the indexing worker has indexed it." in html


@pytest.mark.parametrize("model", ["article", "sourcefile"])
def test_the_article_and_source_file_lists_link_to_the_import_page(importer, model):
    html = importer.get(f"/admin/articles/{model}/").content.decode()
    assert f'href="{URL}"' in html
    assert "Import source files" in html


def test_the_lists_hide_the_link_from_staff_who_may_not_import(client):
    user = make_user(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    assert "Import source files" not in client.get("/admin/articles/article/").content.decode()


def test_source_files_cannot_be_added_by_hand(importer, admin_client):
    assert admin_client.get("/admin/articles/sourcefile/add/").status_code == 403


def test_more_files_than_one_request_may_carry_is_a_400_not_a_500(importer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    response = post(importer, source(1), source(2), source(3))
    assert response.status_code == 400
    assert not SourceFile.objects.exists()


def test_the_import_page_shows_the_indexing_queue(importer):
    assert "No articles waiting for search indexing." in importer.get(URL).content.decode()
    post(importer, source(1), source(2))
    html = importer.get(URL).content.decode()
    assert re.search(r'href="/admin/articles/article/\?indexing=waiting">2 articles</a>', html)


def test_the_article_list_filters_the_articles_waiting_for_indexing(admin_client):
    from articles.importing.indexing import articles_index
    from tests.factories import make_article

    post(admin_client, source(1), source(2))
    articles_index(batch_size=1)
    indexed = make_article(title="Written by hand")
    html = admin_client.get("/admin/articles/article/?indexing=waiting").content.decode()
    assert "Waiting for indexing" in html
    waiting = Article.objects.waiting_for_index().get()
    assert waiting.title in html and indexed.title not in html
    html = admin_client.get("/admin/articles/article/?indexing=done").content.decode()
    assert waiting.title not in html and indexed.title in html
