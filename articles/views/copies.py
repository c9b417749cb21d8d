"""Copies of one story: an editor carries the annotations of another outlet's copy to the
article they are reading ("Also published by" lists the copies on the article page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from articles.http import HtmxHttpRequest
from articles.models import Article
from articles.permissions import editor_required
from articles.presentation import article_page_context
from articles.services.copies import annotations_carry


@require_POST
@editor_required
def annotations_carry_view(request: HtmxHttpRequest, slug: str, source: str) -> HttpResponse:
    target = get_object_or_404(Article.objects.only("id", "slug"), slug=slug)
    copy = get_object_or_404(Article.objects.only("id"), slug=source)
    try:
        carried = annotations_carry(source_id=copy.pk, target_id=target.pk, user=request.user)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain")
        messages.error(request, " ".join(error.messages))
        return redirect(target.get_absolute_url())
    if not request.htmx:
        messages.success(request, carried.summary[:1].upper() + carried.summary[1:] + ".")
        return redirect(target.get_absolute_url())
    # The whole reading partial: the carried annotations are marked in the text and listed.
    article = Article.objects.for_reading_page().with_copies().get(pk=target.pk)
    context = article_page_context(request, article, include_suggestions=True)
    context.update(carry_summary=carried.summary, carry_review=carried.review)
    return render(request, "articles/article_detail.html#reading", context)
