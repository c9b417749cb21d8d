"""Staff import through the API: the command's --json records, the admin's limits."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from articles.models import Article, SourceFile
from tests.conftest import SAMPLES
from tests.test_importing_storing import source

pytestmark = pytest.mark.django_db

SAMPLE = SAMPLES / "000_58f869ba7bb6f21c.txt"
OTHER = SAMPLES / "001_felixstowe-strike.txt"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def post(client, headers, *files: tuple[str, bytes]):
    return client.post(
        "/api/imports/", {"files": [upload(n, d) for n, d in files]}, headers=headers
    )


def test_staff_import_files_and_zips_with_the_commands_records(client, staff, bearer, tmp_path):
    archive = make_zip({"one/a.txt": SAMPLE.read_bytes(), "b.txt": b"not a source file"})
    response = post(
        client, bearer(staff), ("archive.zip", archive), (OTHER.name, OTHER.read_bytes())
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [f["file"] for f in body["files"]] == [
        "archive.zip/one/a.txt",
        "archive.zip/b.txt",
        OTHER.name,
    ]
    assert [f["status"] for f in body["files"]] == ["imported", "failed", "imported"]
    assert body["counts"] == {"imported": 2, "failed": 1}
    assert Article.objects.count() == 2
    assert SourceFile.objects.filter(imported_by=staff).count() == 3
    # The very records `import_articles --json` prints for the same files (a fresh database
    # would say "imported"; here the files are stored already: duplicates, both ways).
    again = post(client, bearer(staff), (OTHER.name, OTHER.read_bytes())).json()["files"]
    (tmp_path / OTHER.name).write_bytes(OTHER.read_bytes())
    out = io.StringIO()
    call_command(
        "import_articles", str(tmp_path / OTHER.name), "--json", stdout=out, stderr=io.StringIO()
    )
    command = [json.loads(line) for line in out.getvalue().splitlines()]
    command[0]["file"] = OTHER.name  # the command names the path it was given
    assert again == command and again[0]["status"] == "duplicate"


def test_the_admins_limits_apply(client, staff, bearer, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    response = post(client, bearer(staff), (SAMPLE.name, SAMPLE.read_bytes()))
    record = response.json()["files"][0]
    assert record["status"] == "failed" and "too large" in record["error"]
    settings.IMPORT_MAX_FILE_BYTES = 10_000_000
    settings.IMPORT_MAX_FILES = 1
    archive = make_zip({"a.txt": SAMPLE.read_bytes(), "b.txt": OTHER.read_bytes()})
    record = post(client, bearer(staff), ("two.zip", archive)).json()["files"][0]
    assert record["status"] == "failed" and "at most 1" in record["error"]
    assert not Article.objects.exists()


def test_no_files_is_a_422_naming_the_field(client, staff, bearer):
    response = client.post("/api/imports/", {}, headers=bearer(staff))
    assert response.status_code == 422 and "files" in response.json()["errors"]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("reader", 403), ("editor", 403), ("staff", 200)]
)
def test_import_per_role(client, bearer, reader, editor, staff, role, status):
    users = {"reader": reader, "editor": editor, "staff": staff}
    headers = {} if role == "anonymous" else bearer(users[role])
    response = post(client, headers, (SAMPLE.name, SAMPLE.read_bytes()))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert Article.objects.exists() == (status == 200)


def test_an_import_costs_a_fixed_number_of_queries_whatever_the_file_count(
    client, staff, bearer, django_assert_num_queries
):
    headers = bearer(staff)
    # The token's last use is written once, the outlet is created once.
    post(client, headers, source(99))
    # Token, the staff's permissions (user's, groups'); savepoint, URL locks, duplicates,
    # ids, outlets, slugs, COPY source files and articles, NOTIFY, release.
    with django_assert_num_queries(13) as two:
        post(client, headers, ("two.zip", make_zip(dict(source(n) for n in range(2)))))
    with django_assert_num_queries(len(two.captured_queries)):
        response = post(
            client, headers, ("five.zip", make_zip(dict(source(n) for n in range(10, 15))))
        )
    assert response.json()["counts"] == {"imported": 5}
