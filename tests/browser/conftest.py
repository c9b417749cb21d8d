"""Chromium for the browser tests, or a failure that says how to get it: never a silent skip.

A run that collects browser tests and finds no Chromium stops before the first test with the
ways to get one. `BROWSER_TESTS=skip` is the only way past that: the browser tests are then
skipped with that reason and a warning says so in the run's summary (and its closing line).
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The reading pages' story, a fixture for every browser test module that reads it.
from tests.browser.reading_story import story  # noqa: F401

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OPT_OUT = "BROWSER_TESTS"

HOW_TO_GET_CHROMIUM = """\
The browser tests (tests/browser) need Chromium, and none was found{where}.
Get one, then run the tests again:
  .venv/bin/playwright install chromium      Playwright's own build (downloads it; needs internet)
  sudo apt-get install chromium              Debian (as .ci/run does); Ubuntu: the chromium snap
  brew install --cask chromium               macOS
or name one: CHROMIUM=/path/to/chromium make test
or leave the browser tests out, knowingly: BROWSER_TESTS=skip make test"""


def _playwright_cache() -> Path:
    if custom := os.getenv("PLAYWRIGHT_BROWSERS_PATH"):
        return Path(custom)
    if sys.platform == "darwin":
        return Path.home() / "Library/Caches/ms-playwright"
    return Path.home() / ".cache/ms-playwright"


def find_chromium() -> tuple[str | None, bool]:
    """(the executable to launch, or None for Playwright's own build; whether there is one).

    CHROMIUM, when set, is the only candidate: a wrong path fails rather than another
    browser passing silently in its place."""
    if named := os.getenv("CHROMIUM"):
        return (named, True) if Path(named).exists() else (None, False)
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate, True
    # `playwright install chromium` puts its build here; Playwright finds it by itself.
    return None, bool(glob.glob(str(_playwright_cache() / "chromium*")))


def browser_tests_skipped() -> bool:
    return os.getenv(OPT_OUT, "").strip().lower() == "skip"


def pytest_configure(config: pytest.Config) -> None:
    if browser_tests_skipped():
        config.issue_config_time_warning(
            pytest.PytestWarning(
                f"{OPT_OUT}=skip: the browser tests (tests/browser) are NOT run; this run does "
                "not say whether selecting text, keyboard use, accessibility and CSP work."
            ),
            stacklevel=2,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    in_browser = [item for item in items if item.get_closest_marker("browser")]
    if not in_browser:
        return
    if browser_tests_skipped():
        skip = pytest.mark.skip(reason=f"{OPT_OUT}=skip: browser tests left out on request")
        for item in in_browser:
            item.add_marker(skip)
        return
    if not find_chromium()[1]:
        named = os.getenv("CHROMIUM")
        where = f" at CHROMIUM={named}" if named else ""
        raise pytest.UsageError(HOW_TO_GET_CHROMIUM.format(where=where))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    path, _ = find_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
