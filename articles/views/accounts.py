"""Signing out: Django's LogoutView logs out on POST only (a link or a prefetch must not
sign anyone out); a GET, from a bookmark or a typed address, gets a page that asks."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class ConfirmLogoutView(auth_views.LogoutView):
    """POST logs out and shows logged_out.html; GET shows a confirmation form instead of an
    empty 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return render(request, "registration/logout_confirm.html")
