"""tests/browser/conftest.py: no Chromium fails the run with how to get one; only
BROWSER_TESTS=skip leaves the browser tests out, and the summary says so."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

ONE_BROWSER_TEST = "tests/browser/test_smoke.py"


def run_pytest(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"BROWSER_TESTS", "CHROMIUM"}}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            ONE_BROWSER_TEST,
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_fails_with_how_to_get_a_browser_when_there_is_none():
    result = run_pytest(CHROMIUM="/nonexistent/chromium")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "none was found at CHROMIUM=/nonexistent/chromium" in output
    assert "playwright install chromium" in output
    assert "apt-get install chromium" in output
    assert "BROWSER_TESTS=skip" in output
    assert "passed" not in output and "skipped" not in output


def test_browser_tests_skip_on_request_with_a_warning_in_the_summary():
    result = run_pytest(CHROMIUM="/nonexistent/chromium", BROWSER_TESTS="skip")
    closing = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" in closing and "1 warning" in closing
    assert "BROWSER_TESTS=skip: the browser tests (tests/browser) are NOT run" in result.stdout
    assert "SKIPPED [1] tests/browser/test_smoke.py: BROWSER_TESTS=skip" in result.stdout
