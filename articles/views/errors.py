"""Error views: the 400 page in the site's style, saying what went wrong and what to do
instead, and the answer to a failed CSRF check.

Django's own 400 is bare text and renders without the request (so without the signed-in
user); this one renders like every other page. (403.html and 404.html are templates only:
Django renders those with the request.)
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults

from articles.http import HtmxHttpRequest
from articles.write_answers import refused
from newsreader.health import RETRY_AFTER_SECONDS


def _bad_request_reason(exception: Exception | None) -> str:
    # Django raises these while reading the body, before any view runs (the CSRF check
    # reads the form first), so the import page's own form can't answer them.
    if isinstance(exception, TooManyFilesSent):
        return (
            f"The upload had more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES:,} files. "
            "Import at most that many at a time, or put them in .zip archives: "
            "an archive counts as one file."
        )
    if isinstance(exception, TooManyFieldsSent):
        return "The form sent more fields than Newsreader accepts."
    if isinstance(exception, RequestDataTooBig):
        return "The form sent more text than Newsreader accepts at once."
    return "Newsreader could not understand the request."


# A plain HttpRequest: a bad request can be refused before django-htmx's middleware ran.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"reason": _bad_request_reason(exception)}
    return render(request, "400.html", context, status=400)


def csrf_failure(request: HtmxHttpRequest, reason: str = "") -> HttpResponse:
    """A stale page or expired session: say so plainly (htmx shows it in the status line)."""
    message = (
        "Your change was not saved: the page's security token is missing or out of date "
        "(CSRF check failed). Reload the page and try again."
    )
    return refused(request, message, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a styled 503 with Retry-After while the database is unreachable (any view
    or middleware raising OperationalError or InterfaceError), Django's 500 otherwise.

    Rendered without the request: its context processors (the user, the session) would ask
    the database again.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        body = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
