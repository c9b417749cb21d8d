"""Error views: the 400 page in the site's style, saying what went wrong and what to do
instead, and the answer to a failed CSRF check.

Django's own 400 is bare text and renders without the request (so without the signed-in
user); this one renders like every other page. (403.html and 404.html are templates only:
Django renders those with the request.)
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from articles.http import HtmxHttpRequest
from articles.write_answers import refused


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
