"""Who may do what. Views check these; templates only use them to hide tools."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

EDITORS_GROUP = "Editors"
# Reviewers approve or send back other editors' verdicts (migration 0016); they are editors.
REVIEWERS_GROUP = "Reviewers"


def is_editor(user) -> bool:
    """Editors, reviewers and staff may annotate; the group lookup is cached on the user."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_is_editor", None)
    if cached is None:
        cached = user.groups.filter(name__in=[EDITORS_GROUP, REVIEWERS_GROUP]).exists()
        user._is_editor = cached
    return cached


def is_reviewer(user) -> bool:
    """Reviewers and staff may approve verdicts (never their own: `services.verdicts`)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWERS_GROUP).exists()
        user._is_reviewer = cached
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
    taking someone out of the Editors group takes effect at once.

    The query is raw SQL: compiling the ORM's version (an Exists subquery) took longer than
    running it, about 1.5 ms against 0.3 ms.
    """

    def get_user(self, user_id):
        # Django has already turned the session's id into the primary key's type.
        groups = [EDITORS_GROUP, REVIEWERS_GROUP]
        users = get_user_model()._default_manager.raw(
            _user_sql(), [groups, REVIEWERS_GROUP, user_id]
        )
        user = next(iter(users), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_editor = user.in_editors_group  # type: ignore[attr-defined]  # raw() column
        user._is_reviewer = user.in_reviewers_group  # type: ignore[attr-defined]
        return user


@functools.cache
def _user_sql() -> str:
    user_model = get_user_model()
    links = user_model.groups.through._meta.db_table
    member = (
        f'EXISTS (SELECT 1 FROM "{links}" ug JOIN "{Group._meta.db_table}" g'
        " ON g.id = ug.group_id WHERE ug.user_id = u.id AND g.name {test})"
    )
    return (
        f"SELECT u.*, {member.format(test='= ANY(%s)')} AS in_editors_group,"
        f" {member.format(test='= %s')} AS in_reviewers_group"
        f' FROM "{user_model._meta.db_table}" u WHERE u.id = %s'
    )
