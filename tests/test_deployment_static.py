"""Serving with DEBUG off needs the static manifest, and collectstatic always writes one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_wsgi(static_root: Path, debug: str) -> subprocess.CompletedProcess:
    """Import the WSGI application, as gunicorn and runserver do, with production settings."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DEBUG": debug, "SECRET_KEY": "x" * 50, "STATIC_ROOT": str(static_root)}
    return subprocess.run(
        [sys.executable, "-c", "import newsreader.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_collectstatic_writes_a_manifest_even_with_debug_on(collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    assert manifest["paths"]["css/site.css"].startswith("css/site.")
    assert (collected_static / manifest["paths"]["css/site.css"]).exists()


def test_our_modules_import_each_other_by_their_hashed_names(collected_static):
    # A hashed module is cached for a year: importing "./spans.js" unhashed, it would run
    # against whatever spans.js a later deploy put there.
    paths = json.loads((collected_static / "staticfiles.json").read_text())["paths"]
    spans = paths["js/spans.js"].removeprefix("js/")
    for script in ("js/annotate.js", "js/review.js"):
        text = (collected_static / paths[script]).read_text()
        assert f'from "./{spans}"' in text
        assert 'from "./spans.js"' not in text


def test_serving_with_debug_off_refuses_to_start_without_a_manifest(tmp_path):
    result = start_wsgi(tmp_path, debug="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured: No static files manifest" in result.stderr
    assert "manage.py collectstatic --noinput" in result.stderr


def test_serving_with_debug_off_starts_with_the_manifest(collected_static):
    result = start_wsgi(collected_static, debug="false")
    assert result.returncode == 0, result.stderr


def test_local_mode_starts_without_a_manifest(tmp_path):
    # `make run`: DEBUG on, no collectstatic; {% static %} gives plain names.
    result = start_wsgi(tmp_path, debug="true")
    assert result.returncode == 0, result.stderr
