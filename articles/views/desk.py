"""The editors' desk: their home, what waits for them across articles (needs review after a
correction, pending quote-finder suggestions), per article with a count and a link."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.http import HtmxHttpRequest
from articles.models import Annotation
from articles.permissions import editor_required

PAGE_SIZE = 25


@require_safe
@editor_required
def desk(request: HtmxHttpRequest) -> HttpResponse:
    """Two queries per section (the page and its count), whatever the number of articles."""
    waiting = Annotation.objects.waiting_per_article
    reviews = Paginator(waiting(Annotation.Status.NEEDS_REVIEW), PAGE_SIZE)
    suggestions = Paginator(waiting(Annotation.Status.SUGGESTED), PAGE_SIZE)
    context = {
        "reviews": reviews.get_page(request.GET.get("reviews")),
        "suggestions": suggestions.get_page(request.GET.get("suggestions")),
    }
    return render(request, "articles/desk.html", context)
