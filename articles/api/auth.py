"""Who is asking: an API token (`Authorization: Bearer …`) or the browser's session.

Three levels, one auth object each (django-ninja calls it before the endpoint):

- `readers`: anyone, unless READING_REQUIRES_LOGIN, where a token or a session is needed;
- `editors`: members of the Editors group (and staff) — the annotation writes;
- `importers`: staff with permission to add articles, as the admin's import page asks.

A token that is sent but unknown, revoked or malformed is refused (401) whatever the level,
never read as anonymous; each such failure counts against the client's address, and past
API_AUTH_FAILURE_LIMIT failures in API_AUTH_FAILURE_WINDOW seconds every token request from
that address gets 429 with Retry-After until the window ends. A session user's unsafe
requests need the CSRF token, as everywhere on the site; token requests carry no cookie and
need none.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from articles.models import ApiToken
from articles.permissions import is_editor
from articles.services.tokens import api_token_touch, token_digest

IMPORT_PERMISSION = "articles.add_article"
LOGIN_NEEDED = "Reading needs a login here: send an API token (Authorization: Bearer …)."
TOKEN_REFUSED = "This API token is not valid: it is unknown or was revoked."
HEADER_MALFORMED = "Send the API token as “Authorization: Bearer <token>”."
EDITORS_ONLY = "Only editors may change annotations."
IMPORTERS_ONLY = "Only staff with permission to add articles may import."
SIGN_IN_NEEDED = "Send an API token (Authorization: Bearer …) or sign in."
CSRF_REFUSED = "CSRF check failed: a signed-in browser must send the X-CSRFToken header."
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TooManyFailures(Exception):
    """This address failed token authentication too often; try again in `retry_after` s."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            f"Too many failed API token attempts from this address: "
            f"try again in {retry_after} seconds."
        )


def _client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR, as gunicorn sees it: behind a proxy every client shares the proxy's
    # address, so the limit then applies to all of them together (err on refusing).
    return request.META.get("REMOTE_ADDR", "")


def _failure_keys(request: HttpRequest) -> tuple[str, str]:
    address = _client_address(request)
    return f"api-auth-failures:{address}", f"api-auth-failures-since:{address}"


def _check_not_blocked(request: HttpRequest) -> None:
    count_key, since_key = _failure_keys(request)
    if (cache.get(count_key) or 0) >= settings.API_AUTH_FAILURE_LIMIT:
        since = cache.get(since_key) or time.time()
        remaining = settings.API_AUTH_FAILURE_WINDOW - (time.time() - since)
        raise TooManyFailures(max(1, int(remaining + 0.999)))


def _record_failure(request: HttpRequest) -> None:
    count_key, since_key = _failure_keys(request)
    window = settings.API_AUTH_FAILURE_WINDOW
    if cache.add(count_key, 0, timeout=window):
        cache.set(since_key, time.time(), timeout=window)
    try:
        cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)


def token_user(request: HttpRequest, secret: str):
    """The active user the token `secret` belongs to, set as `request.user`; refusals raise
    (401, or 429 when this address failed too often). One query, plus the last-used time
    written at most once a minute."""
    _check_not_blocked(request)
    token = ApiToken.objects.authenticating(token_digest(secret.strip())).first()
    if token is None:
        _record_failure(request)
        raise AuthenticationError(401, TOKEN_REFUSED)
    api_token_touch(token=token)
    user = token.user
    user._is_editor = token.user_is_editor  # see is_editor
    request.user = user
    request.api_token = token  # type: ignore[attr-defined]
    return user


class ApiAuth(HttpBearer):
    """One level of access (see the module's docstring); answers the user, or raises."""

    def __init__(self, level: str):
        super().__init__()
        self.level = level

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                _check_not_blocked(request)
                _record_failure(request)
                raise AuthenticationError(401, HEADER_MALFORMED)
            user = token_user(request, secret)
        else:
            user = getattr(request, "user", None) or AnonymousUser()
            unsafe = user.is_authenticated and request.method not in _SAFE_METHODS
            if unsafe and check_csrf(request) is not None:
                raise AuthorizationError(403, CSRF_REFUSED)
        return self._allowed(user)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return token_user(request, token)  # __call__ does it all; ninja needs the method

    def _allowed(self, user) -> Any:
        if self.level == "reader":
            if settings.READING_REQUIRES_LOGIN and not user.is_authenticated:
                raise AuthenticationError(401, LOGIN_NEEDED)
            return user
        if not user.is_authenticated:
            raise AuthenticationError(401, SIGN_IN_NEEDED)
        if self.level == "editor" and not is_editor(user):
            raise AuthorizationError(403, EDITORS_ONLY)
        if self.level == "importer" and not user.has_perm(IMPORT_PERMISSION):
            raise AuthorizationError(403, IMPORTERS_ONLY)
        return user


readers = ApiAuth("reader")
editors = ApiAuth("editor")
importers = ApiAuth("importer")
