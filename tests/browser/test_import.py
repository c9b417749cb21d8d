"""The admin import page in Chromium: choose several files, see the per-file results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, SourceFile
from tests.conftest import login_in_browser, run_axe
from tests.factories import make_user
from tests.test_importing_storing import FIXTURES, SAMPLE, source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_imports_files_through_the_admin(page, live_server, artifacts, tmp_path):
    make_user("chief", is_staff=True, is_superuser=True)
    login_in_browser(page, live_server, "chief")
    name, data = source(1)
    (tmp_path / name).write_bytes(data)
    (tmp_path / "image.txt").write_bytes((FIXTURES / "bad_png_renamed.txt").read_bytes())

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("text=Import source files")
    expect(page).to_have_url(re.compile(r"/admin/articles/sourcefile/import/$"))
    page.click("input[type=submit]")  # nothing chosen yet
    assert page.inner_text(".errorlist") == "Choose at least one file to import."
    page.screenshot(path=str(artifacts / "admin-import-nothing-chosen.png"))
    page.set_input_files(
        "input[type=file]", [str(SAMPLE), str(tmp_path / name), str(tmp_path / "image.txt")]
    )
    page.click("input[type=submit]")
    page.wait_for_selector(".import-results")
    page.screenshot(path=str(artifacts / "admin-import-results.png"), full_page=True)

    assert "2 imported, 0 duplicates, 1 failed" in page.inner_text(".import-summary")
    assert page.inner_text(".import-row-failed").endswith("binary content (PNG image)")
    assert Article.objects.count() == 2
    assert SourceFile.objects.count() == 3
    assert run_axe(page) == []

    page.click(".import-row-imported >> text=view")
    # Shown in sentence case: the source writes it in capitals (articles/headlines.py).
    assert page.inner_text("h1").startswith("'Honest mistake'")
