"""Shared fixtures: factories for the data model, users in each role, a browser page (Chromium
itself: tests/browser/conftest.py).

Hypothesis profiles: "ci" (chosen when the CI environment variable is set, as .ci/run has it)
derandomizes, so a CI run tries the same examples every time and a failure there is one that
reproduces; it prints the failing example's blob for `@reproduce_failure`. Elsewhere the
default profile searches afresh each run; HYPOTHESIS_PROFILE=ci picks the CI one locally.
"long" (HYPOTHESIS_PROFILE=long) is the deep run: 20,000 examples per property.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# A deep search on demand (HYPOTHESIS_PROFILE=long): 20,000 examples per property instead of
# a few hundred; the importer's fuzz tests take it (README, "Security": the command).
hypothesis_settings.register_profile(
    "long", max_examples=20_000, deadline=None, print_blob=True, database=None
)
hypothesis_settings.load_profile(
    os.getenv("HYPOTHESIS_PROFILE") or ("ci" if os.getenv("CI") else "default")
)

# Playwright's sync API runs an event loop; pytest-django's live_server is sync Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    """Screenshots land here (git-ignored) so a person can look at them."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@functools.cache
def _axe_source() -> str:
    return (Path(__file__).parent / "browser/vendor/axe-4.11.4.min.js").read_text()


def run_axe(page) -> list[dict]:
    """Inject axe-core and return its violations for the current page."""
    # Evaluated through DevTools, which the page's Content-Security-Policy does not govern
    # (add_script_tag inserts an inline <script>, which it blocks, rightly).
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {_axe_source()} }}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def watch_page(page) -> None:
    """Record, inside the page, each key it handles and each htmx request it sends.

    For tests that assert something did *not* happen: `handled(page, key)` then waits for a
    positive signal (the key went through every listener) before anything is asserted.
    """
    page.evaluate(
        """() => {
          window.handledKeys = [];
          window.htmxRequests = [];
          // On window, bubbling: runs after the listeners on body (htmx's) and on document.
          window.addEventListener("keydown", (e) => window.handledKeys.push(e.key));
          document.addEventListener("htmx:beforeRequest", (e) => {
            const { verb, path } = e.detail.requestConfig;
            window.htmxRequests.push(`${verb} ${path}`);
          });
        }"""
    )


def handled(page, key: str) -> list[str]:
    """Wait until the page has handled `key` (see `watch_page`); the htmx requests sent so far.

    htmx sends a request from inside the key's listener, so any request the keys pressed
    until now caused is in the list once this returns.
    """
    page.wait_for_function("key => window.handledKeys.includes(key)", arg=key)
    return page.evaluate("window.htmxRequests")


def htmx_idle(page) -> None:
    """Until no htmx request, swap or settle is under way: a box measured, a field typed into
    or a clock jumped before a swap settles races it."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def login_in_browser(page, live_server, username: str, password: str = "password") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#main button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _no_page_kept_from_another_test():
    """Page versions come from sequences, which a test's rollback does not undo: a test that
    writes nothing would read the version the previous test left and could be served that
    test's page from the cache (articles/hub_cache.py). Each test starts with it empty."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _editors_group_survives_flushes(request):
    """Transactional tests (live_server) flush the Editors group the roles migration made;
    recreate it so `make_user(editor=True)` works whatever ran before."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from django.contrib.auth.models import Group

        from articles.permissions import EDITORS_GROUP

        Group.objects.get_or_create(name=EDITORS_GROUP)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """`collectstatic` into a folder of its own, under local mode's DEBUG=true (the case that
    used to write no manifest)."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("staticfiles")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DEBUG": "true", "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return root


# Roles for the API's tests: a reader (signed in, no group), an editor, and staff who may
# import (permission to add articles, as the admin's import page asks).
@pytest.fixture
def reader(db):
    from tests.factories import make_user

    return make_user("reader", first_name="Rita", last_name="Reader")


@pytest.fixture
def editor(db):
    from tests.factories import make_user

    return make_user("editor", editor=True, first_name="Eda", last_name="Editor")


@pytest.fixture
def staff(db):
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    user = make_user("staff", is_staff=True, first_name="Sam", last_name="Staff")
    user.user_permissions.add(Permission.objects.get(codename="add_article"))
    return user


@pytest.fixture
def bearer():
    """`bearer(user)`: headers carrying a fresh API token of `user`."""
    from articles.services.tokens import api_token_create

    def headers_for(user) -> dict[str, str]:
        _, secret = api_token_create(user=user, name="tests")
        return {"Authorization": f"Bearer {secret}"}

    return headers_for
