from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView

from articles.api.site import not_found as api_not_found
from articles.api.site import urls as api_urls
from articles.views.accounts import ConfirmLogoutView
from articles.views.desk import DeskLoginView
from newsreader import health

urlpatterns = [
    path("admin/", admin.site.urls),
    # Editors and staff land on their desk after logging in (articles.views.desk).
    path("accounts/login/", DeskLoginView.as_view(), name="login"),
    # A GET asks first (articles.views.accounts); only a POST logs out.
    path("accounts/logout/", ConfirmLogoutView.as_view(), name="logout"),
    # Answered by health.HealthCheckMiddleware before host validation; listed here too so
    # they show in the URL configuration (and answer the same without the middleware).
    path("healthz", health.liveness, name="healthz"),
    path("healthz/ready", health.readiness, name="healthz_ready"),
    path("api/", api_urls()),
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    path("favicon.ico", RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
    path("", include("articles.urls")),
]

handler400 = "articles.views.errors.bad_request"
handler500 = "articles.views.errors.server_error"
