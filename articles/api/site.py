"""The API: django-ninja under /api/, its OpenAPI document and docs page, its error
answers (always JSON with a field-level message, never an HTML page or a 500 for bad
input), and ETags on every successful read."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.request import RawPostDataException
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

import articles.api.annotations as annotation_routes
from articles.api import articles, catalogue, exports, imports, search
from articles.api.auth import TooManyFailures
from articles.services.annotations import AnnotationGone


class NewsreaderApi(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        """Successful reads carry a strong ETag (a digest of the body) and answer 304 to
        an If-None-Match that names it: a client polling an unchanged page downloads
        nothing. `Vary: Authorization, Cookie`: what is shown may depend on who asks."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            response["Vary"] = "Authorization, Cookie"
            wanted = request.headers.get("If-None-Match", "")
            if any(tag.strip().removeprefix("W/") == etag for tag in wanted.split(",")):
                not_modified = HttpResponseNotModified()
                not_modified["ETag"] = etag
                not_modified["Vary"] = response["Vary"]
                return not_modified
        return response


api = NewsreaderApi(
    title="Newsreader API",
    version="1",
    description=(
        "Articles, annotations, speakers, tags, outlets and search, read with cursor "
        "pagination; annotations written by editors and source files imported by staff, "
        "with an API token (`Authorization: Bearer …`, made on /account/tokens/)."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=require_safe,  # the schema and docs pages are reads: 405 for a POST
)


def _error(request: HttpRequest, status: int, detail: str, errors: dict | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def _field(location: tuple) -> str:
    """A pydantic error's location without the parameter kind: ("query", "limit") -> limit."""
    parts = [
        str(p)
        for p in location
        if p not in ("query", "body", "path", "payload", "form", "file", "header", "cookie")
    ]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(tuple(error.get("loc", ()))), []).append(error["msg"])
    return _error(request, 422, "The request is not valid: see errors.", errors)


@api.exception_handler(ValidationError)
def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
        detail = " ".join(message for messages in errors.values() for message in messages)
    else:
        errors, detail = {"__all__": exc.messages}, " ".join(exc.messages)
    return _error(request, 422, detail, errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "You may not do that.")


@api.exception_handler(AnnotationGone)
def _gone(request: HttpRequest, exc: AnnotationGone) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(TooManyFailures)
def _too_many(request: HttpRequest, exc: TooManyFailures) -> HttpResponse:
    response = _error(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else "Authentication needed."
    response = _error(request, 401, message)
    response["WWW-Authenticate"] = 'Bearer realm="newsreader"'
    return response


@api.exception_handler(RawPostDataException)
def _form_body(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A signed-in browser's multipart form: the CSRF check read it as a form, so the JSON
    # body can no longer be read. Not JSON either way: the answer a token client gets.
    return _error(request, 400, "The request body is not valid JSON.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    return _error(request, exc.status_code, message)


api.add_router("/articles/", articles.router)
api.add_router("/annotations/", annotation_routes.router)
api.add_router("/", catalogue.router)
api.add_router("/search/", search.router)
api.add_router("/imports/", imports.router)
api.add_router("/exports/", exports.router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/: a JSON 404 rather than the site's HTML page."""
    return _error(request, 404, f"No API endpoint at {request.path}: see /api/docs.")


def _json_not_allowed(view):
    """django-ninja answers a method an endpoint lacks with a plain-text 405: say it in
    JSON, naming the methods allowed, like every other error."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            answer = _error(request, 405, f"{request.method} is not allowed here (use {allowed}).")
            answer["Allow"] = allowed
            return answer
        return response

    return wrapped


def urls() -> tuple[list, str, str]:
    """`api.urls`, each endpoint's 405 in JSON, and /api/ itself the JSON 404."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        # django-ninja's /api/ raises Http404, which would be the site's HTML page.
        if getattr(pattern, "name", None) == "api-root":
            pattern.callback = not_found
        pattern.callback = _json_not_allowed(pattern.callback)
    return patterns, app_name, namespace
