"""Who may do what. Views check these; templates only use them to hide tools."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse

EDITORS_GROUP = "Editors"


def is_editor(user) -> bool:
    """Editors and staff may annotate; the group lookup is cached on the user object."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_is_editor", None)
    if cached is None:
        cached = user.groups.filter(name=EDITORS_GROUP).exists()
        user._is_editor = cached
    return cached


def editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users are sent to log in; logged-in non-editors get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_editor(request.user):
            raise PermissionDenied("Only editors may change annotations.")
        return view(request, *args, **kwargs)

    return wrapped


class EditorAwareBackend(ModelBackend):
    """Django's ModelBackend, except that loading the logged-in user (on every request) also
    answers `is_editor`: one query instead of two. Membership is read fresh each request, so
    taking someone out of the Editors group takes effect at once."""

    def get_user(self, user_id):
        editors = Group.objects.filter(name=EDITORS_GROUP, user=OuterRef("pk"))
        users = get_user_model()._default_manager.annotate(in_editors_group=Exists(editors))
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        user._is_editor = user.in_editors_group
        return user
