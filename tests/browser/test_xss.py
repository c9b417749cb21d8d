"""The XSS corpus in Chromium (issue 16's attack suite): every payload of tests/browser/xss.py
planted in every user- and file-supplied field, every page that shows them loaded, and no
payload may run (no `window.__xss`, no dialog) or leave an element (`data-xss`) or a
`javascript:` link behind.

`make test` runs the corpus on four representative pages (home, the article as an editor sees
it, search, a tag page); `pytest -m slow tests/browser/test_xss.py` runs it on every page of
`xss.pages()` plus the admin's import results (the file name), and prints the figures.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.csp import settle
from tests.browser.xss import (
    CHECK,
    FIELDS,
    PAGES_PER_PAYLOAD,
    PAYLOADS,
    Planted,
    pages,
    plant,
    source_for,
)
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPRESENTATIVE = {"/", "/search/?q=payload"}


def dismissed_into(dialogs: list[str]):
    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    return on_dialog


def visitors(browser, live_server):
    """An anonymous context and an editor's (a superuser: an editor who also sees the admin),
    both with the CSP bypassed so that only the escaping stands between payload and page."""
    make_user("xss-chief", is_staff=True, is_superuser=True)
    contexts = {}
    dialogs: list[str] = []
    for who in ("anonymous", "editor"):
        context = browser.new_context(bypass_csp=True)
        page = context.new_page()
        page.on("dialog", dismissed_into(dialogs))
        if who == "editor":
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "xss-chief")
            page.fill("#id_password", "password")
            page.click("#main button[type=submit]")
            page.wait_for_load_state()
        contexts[who] = page
    return contexts, dialogs


def check(page, url: str, dialogs: list[str]) -> list:
    response = page.goto(url, wait_until="domcontentloaded")
    assert response is not None and response.status < 500, (url, response and response.status)
    problems: list[tuple[str, object]] = []
    try:
        # Images (onerror payloads) finish before "load"; injected markup that keeps adding
        # resources (htmx attributes swapping the page into itself) never lets it come.
        page.wait_for_load_state("load", timeout=10_000)
    except PlaywrightTimeoutError:
        problems.append(("never finished loading", "injected markup keeps loading"))
    settle(page)
    found = page.evaluate(CHECK)
    if found["ran"] is not None:
        problems.append(("ran", found["ran"]))
    if found["elements"]:
        problems.append(("elements", found["elements"]))
    if found["javascriptUrls"]:
        problems.append(("javascript: urls", found["javascriptUrls"]))
    if dialogs:
        problems.append(("dialogs", list(dialogs)))
        dialogs.clear()
    return [(url, *problem) for problem in problems]


def planted_all() -> list[Planted]:
    chief = make_user("xss-importer", is_staff=True, is_superuser=True)
    return [plant(name, payload, n, chief) for n, (name, payload) in enumerate(PAYLOADS)]


def run_corpus(browser, live_server, select, *, uploads: bool = False) -> tuple[int, list]:
    """Plant every payload, load the pages `select` picks; with `uploads`, also upload a file
    named after each payload through the admin's import page and check its results."""
    worlds = planted_all()
    contexts, dialogs = visitors(browser, live_server)
    loads: int = 0
    problems: list = []
    for world in worlds:
        for who, url in pages(world):
            if select(world, who, url):
                found = check(contexts[who], live_server.url + url, dialogs)
                loads += 1
                if found:
                    # Stop at the first page a payload got through: what it injected (htmx
                    # attributes fetching the page into itself) can swamp every later page.
                    return loads, [(world.name, who, *p) for p in found]
    if uploads:
        editor = contexts["editor"]
        for n, (name, payload) in enumerate(PAYLOADS, start=len(PAYLOADS)):
            url = live_server.url + "/admin/articles/sourcefile/import/"
            editor.goto(url)
            editor.set_input_files(
                "input[type=file]",
                {"name": f"{payload}.txt", "mimeType": "text/plain", "buffer": source_for(name, n)},
            )
            editor.click("input[type=submit]")
            editor.wait_for_selector(".import-results")
            settle(editor)
            found = editor.evaluate(CHECK)
            if found["ran"] or found["elements"] or found["javascriptUrls"] or dialogs:
                problems.append((name, "upload", found, list(dialogs)))
            loads += 1
    return loads, problems


def test_the_check_sees_a_payload_that_gets_through(browser, live_server):
    """Proof the corpus can fail: the same checks on a page the payloads are written into raw."""
    contexts, dialogs = visitors(browser, live_server)
    page = contexts["anonymous"]
    page.goto(live_server.url + "/")
    raw = "".join(payload for _, payload in PAYLOADS)
    page.evaluate("html => { document.body.insertAdjacentHTML('beforeend', html); }", raw)
    page.evaluate("() => new Promise((r) => setTimeout(r, 0))")
    found = page.evaluate(CHECK)
    assert found["ran"] is not None
    assert len(found["elements"]) >= 8
    assert found["javascriptUrls"]


def test_representative_pages_run_no_payload(browser, live_server):
    def select(world, who, url):
        return (
            url in REPRESENTATIVE
            or (who == "editor" and url == world.article.get_absolute_url())
            or url == f"/tags/{world.tag.slug}/"
        )

    loads, problems = run_corpus(browser, live_server, select)
    assert problems == []
    assert loads == len(PAYLOADS) * 4
    print(f"XSS (representative): {len(PAYLOADS)} payloads, {loads} page loads, executed 0")


@pytest.mark.slow
def test_the_whole_corpus_runs_no_payload(browser, live_server):
    loads, problems = run_corpus(browser, live_server, lambda world, who, url: True, uploads=True)
    assert problems == []
    assert loads == len(PAYLOADS) * (PAGES_PER_PAYLOAD + 1)  # + its upload
    print(
        f"XSS corpus: {len(PAYLOADS)} payloads x {len(FIELDS)} fields = "
        f"{len(PAYLOADS) * len(FIELDS)} plantings, {loads} page loads, executed 0"
    )
