"""Browsing: stories by tag and by outlet, quotes by speaker, claims by verdict."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import ClaimFilter
from articles.http import HtmxHttpRequest
from articles.models import Annotation, Article, Outlet, Speaker, Tag
from articles.presentation import wants_fragment

PAGE_SIZE = 20
PUBLISHED = Q(annotations__status=Annotation.Status.PUBLISHED)


def _page(request: HtmxHttpRequest, items) -> object:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _template(request: HtmxHttpRequest, name: str, fragment: str) -> str:
    return f"{name}#{fragment}" if wants_fragment(request) else name


@require_safe
@vary_on_headers("HX-Request")
def tag(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    tags = Tag.objects.annotate(annotation_count=Count("annotations", filter=PUBLISHED))
    tag = get_object_or_404(tags, slug=slug)
    page = _page(request, Article.objects.tagged(tag).with_listing_data().latest_first())
    template = _template(request, "articles/tag.html", "article-list")
    return render(request, template, {"tag": tag, "page": page})


@require_safe
@vary_on_headers("HX-Request")
def speaker(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    quotes = PUBLISHED & Q(annotations__kind=Annotation.Kind.QUOTE)
    speakers = Speaker.objects.annotate(
        article_count=Count("annotations__article", filter=quotes, distinct=True)
    )
    speaker = get_object_or_404(speakers, slug=slug)
    page = _page(request, Annotation.objects.quotes_by(speaker).for_listing())
    template = _template(request, "articles/speaker.html", "quote-list")
    return render(request, template, {"speaker": speaker, "page": page})


@require_safe
@vary_on_headers("HX-Request")
def outlet(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    page = _page(request, outlet.articles.with_listing_data().latest_first())
    template = _template(request, "articles/outlet.html", "article-list")
    return render(request, template, {"outlet": outlet, "page": page})


@require_safe
@vary_on_headers("HX-Request")
def claims(request: HtmxHttpRequest) -> HttpResponse:
    form = ClaimFilter(request.GET)
    verdict = form.cleaned_data["verdict"] if form.is_valid() else ""
    counts = Annotation.objects.verdict_counts()
    verdicts = [(value, label, counts.get(value, 0)) for value, label in Annotation.Verdict.choices]
    page = _page(request, Annotation.objects.claims(verdict).for_listing())
    template = _template(request, "articles/claims.html", "claims")
    context = {
        "page": page,
        "verdict": verdict,
        "verdict_label": Annotation.Verdict(verdict).label if verdict else "",
        "verdicts": verdicts,
        "total": sum(counts.values()),
        "invalid": not form.is_valid(),
    }
    return render(request, template, context)
