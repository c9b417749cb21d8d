"""Health checks for load balancers and compose, answered before host validation.

`/healthz` is liveness: the process answers (no database query, so a database outage never
gets a healthy web process restarted). `/healthz/ready` is readiness: one `SELECT 1`, 503
with Retry-After while the database is unreachable, so traffic goes elsewhere meanwhile.

`HealthCheckMiddleware` comes first in MIDDLEWARE and answers both paths itself, before
SecurityMiddleware and CommonMiddleware look at the Host header or redirect to HTTPS. A
container's healthcheck asks `http://127.0.0.1:8000/healthz` with Host `127.0.0.1` over plain
HTTP: with `ALLOWED_HOSTS=news.example.org` and `SECURE_SSL_REDIRECT=true` (as .env.example
says) the ordinary stack answers 400 or a redirect to https://news.example.org/, never 200.
Sending a matching Host header would not be enough (the HTTPS redirect would still answer),
and the answers carry nothing worth protecting: "ok" or "database unavailable".
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

# Seconds a client is told to wait before asking again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def readiness(request: HttpRequest) -> HttpResponse:
    """200 when the database answers one query, 503 with Retry-After when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:  # OperationalError and InterfaceError among them
        # A broken connection is not reused by the next check.
        connection.close_if_unusable_or_obsolete()
        response = HttpResponse("database unavailable", content_type="text/plain", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse("ok", content_type="text/plain")


HEALTH_CHECKS = {"/healthz": liveness, "/healthz/ready": readiness}


class HealthCheckMiddleware:
    """Answers HEALTH_CHECKS' paths before any other middleware (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        check = HEALTH_CHECKS.get(request.path_info)
        if check is not None:
            response = check(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
