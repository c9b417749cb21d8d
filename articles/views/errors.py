"""The 400 page in the site's style, saying what went wrong and what to do instead.

Django's own is bare text and renders without the request (so without the signed-in
user); this one renders like every other page. (403.html and 404.html are templates only:
Django renders those with the request.)
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"reason": _bad_request_reason(exception)}
    return render(request, "400.html", context, status=400)


def request_refused(request: HttpRequest, reason: str) -> HttpResponse:
    """The 400 page with `reason`, for requests refused before any view runs."""
    return render(request, "400.html", {"reason": reason}, status=400)
