"""Content-Security-Policy and Permissions-Policy on every response (issue 16, #9).

A small middleware rather than django-csp: the policy is one constant string (nothing inline
needs a nonce or a hash, so nothing varies per request or per view), it must also cover the
admin and the error pages, and django-csp would not set Permissions-Policy anyway. Both
headers are built once, from the two dicts in settings, when the server starts.

Nothing on the site runs inline: scripts are files (`script-src 'self'`), styles are files
(`style-src 'self'`; htmx's indicator `<style>` is turned off by the `htmx-config` meta tag in
base.html, and scripts that place panels set `element.style`, which CSP does not govern),
and htmx never evaluates code (`allowEval: false`; keyboard triggers live in annotate.js).
The JSON-LD blocks, `<script type="application/ld+json">`, are data: browsers neither run
them nor check them against script-src, so they need no hash. Django's admin (5.2) has no
inline script or style on the pages it serves here, so it gets the same policy.

With DEBUG on, Django's technical 404 and 500 pages are inline HTML, CSS and JS: they are
served without the policy so a developer can read them. Production never sends them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"


def content_security_policy(directives: Mapping[str, Sequence[str]]) -> str:
    """`{"default-src": ["'none'"], "upgrade-insecure-requests": []}` ->
    "default-src 'none'; upgrade-insecure-requests"."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> "camera=(), fullscreen=(self)"."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.csp = content_security_policy(settings.CONTENT_SECURITY_POLICY)
        self.permissions = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # possibly Django's technical page, all inline (see above)
        response.headers.setdefault(CSP_HEADER, self.csp)
        response.headers.setdefault(PERMISSIONS_HEADER, self.permissions)
        return response
