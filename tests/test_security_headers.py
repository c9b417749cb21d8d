"""Content-Security-Policy and Permissions-Policy headers (issue 16, #9). Chromium checks the
pages obey the policy in tests/browser/test_csp.py; this checks every kind of response
carries it."""

from __future__ import annotations

import pytest
from django.test import override_settings

from newsreader.security_headers import content_security_policy, permissions_policy
from tests.factories import make_article

pytestmark = pytest.mark.django_db

STRICT = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    from django.conf import settings

    assert content_security_policy(settings.CONTENT_SECURITY_POLICY) == STRICT


@pytest.mark.parametrize(
    "path",
    ["/", "/search/?q=x", "/no-such-page/", "/feeds/latest/", "/admin/login/", "/accounts/login/"],
)
def test_every_kind_of_response_carries_both_policies(client, path):
    make_article()
    response = client.get(path)
    assert response["Content-Security-Policy"] == STRICT
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_article_pages_and_the_400_page_carry_it(client):
    article = make_article()
    assert client.get(article.get_absolute_url())["Content-Security-Policy"] == STRICT
    response = client.get("/search/?q=%00")
    assert response.status_code == 400
    assert response["Content-Security-Policy"] == STRICT


def test_nothing_inline_in_the_article_page_but_json_ld(client):
    """The policy would block an inline script or style attribute; none must be there to block."""
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    scripts = html.split("<script")[1:]
    assert scripts and all(
        s.lstrip().startswith(("src=", 'type="application/ld+json"', 'type="module" src='))
        for s in scripts
    ), scripts
    assert " style=" not in html and "<style" not in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html


@override_settings(DEBUG=True)
def test_debug_technical_error_pages_are_left_readable(client):
    # Django's technical 404 is all inline; a policy would hide its styles from a developer.
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response


def test_header_formats():
    assert content_security_policy({"a": ["'self'", "b"], "c": []}) == "a 'self' b; c"
    assert permissions_policy({"camera": [], "fullscreen": ["self"]}) == (
        "camera=(), fullscreen=(self)"
    )


def test_no_template_relies_on_inline_handlers_or_hx_on():
    """The CSP blocks inline event handlers, and hx-on needs the eval htmx has turned off
    (base.html): behaviour belongs in static/js. The API token page once failed so."""
    import re
    from pathlib import Path

    from django.conf import settings

    handler = re.compile(r"""\s(?:on[a-z]+|hx-on[:\w-]*)\s*=\s*["']""")
    offenders = []
    for directory in [Path(settings.BASE_DIR) / "templates"]:  # TEMPLATES' DIRS
        for template in directory.rglob("*.html"):
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if handler.search(line):
                    offenders.append(f"{template}:{number}: {line.strip()}")
    assert offenders == []
