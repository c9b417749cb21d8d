"""Editors' autocomplete: speakers and tags as they type, options for a datalist."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.http import HtmxHttpRequest
from articles.models import Speaker, Tag
from articles.permissions import editor_required

SUGGESTION_LIMIT = 10


@require_safe
@editor_required
def speaker_autocomplete(request: HtmxHttpRequest) -> HttpResponse:
    # The quote's speaker field, or the claim's claimant field (both name speakers).
    typed = request.GET.get("speaker") or request.GET.get("claimant") or ""
    term = " ".join(typed.split())
    speakers = Speaker.objects.matching(term)[:SUGGESTION_LIMIT] if term else []
    return render(request, "articles/_suggestions.html", {"speakers": speakers, "term": term})


@require_safe
@editor_required
def tag_autocomplete(request: HtmxHttpRequest) -> HttpResponse:
    typed = request.GET.get("tags", "")
    done, _, term = typed.rpartition(",")
    term = term.strip()
    prefix = f"{done}, " if done else ""
    tags = Tag.objects.filter(name__icontains=term)[:SUGGESTION_LIMIT] if term else []
    return render(request, "articles/_suggestions.html", {"tags": tags, "prefix": prefix})
