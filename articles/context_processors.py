from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from articles.permissions import is_editor


def roles(request: HttpRequest) -> dict:
    # Lazy: pages that never ask don't pay for the group query.
    return {"is_editor": SimpleLazyObject(lambda: is_editor(request.user))}
