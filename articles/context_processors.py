from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from articles.permissions import is_editor, is_reviewer


def roles(request: HttpRequest) -> dict:
    # Lazy: pages that never ask don't pay for the group query (the backend answers both
    # with the user, see EditorAwareBackend).
    return {
        "is_editor": SimpleLazyObject(lambda: is_editor(request.user)),
        "is_reviewer": SimpleLazyObject(lambda: is_reviewer(request.user)),
    }
