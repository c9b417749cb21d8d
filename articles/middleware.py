from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Pages that must stay reachable when reading requires a login.
OPEN_PREFIXES = ("/accounts/", "/admin/", "/static/", "/favicon.ico", "/healthz")


class LoginRequiredForReadingMiddleware:
    """With READING_REQUIRES_LOGIN, anonymous visitors are sent to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.READING_REQUIRES_LOGIN
            and not request.user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
