"""Browsing: a tag's page, a speaker's and an outlet's, and the claims by verdict.

Anonymous readers get these pages from the hubs' cache, with strong ETags
(articles/hub_cache.py).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles import hub_pages
from articles.forms import ClaimFilter, TagPageFilter
from articles.http import HtmxHttpRequest
from articles.hub_cache import hub_page
from articles.models import Outlet, Speaker
from articles.presentation import wants_fragment


def _template(request: HtmxHttpRequest, name: str, fragment: str) -> str:
    return f"{name}#{fragment}" if wants_fragment(request) else name


@require_safe
@vary_on_headers("HX-Request")
def tag(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    kind = TagPageFilter(request.GET).chosen()

    def page() -> HttpResponse:
        context = hub_pages.tag_page(slug, kind=kind, page=request.GET.get("page"))
        if context is None:
            raise Http404("No tag at this address.")
        return render(request, _template(request, "articles/tag.html", "tag-list"), context)

    return hub_page(request, page, fragment=wants_fragment(request))


def speaker_redirect(request: HtmxHttpRequest, speaker: Speaker, name: str) -> HttpResponse:
    """301 to `speaker`'s URL called `name`, keeping the query string."""
    url = reverse(name, args=[speaker.slug])
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


@require_safe
@vary_on_headers("HX-Request")
def speaker(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    def page() -> HttpResponse:
        speakers = Speaker.objects.with_quote_counts().with_story_counts()
        found, moved = speakers.at_address(slug)
        if moved is not None:  # merged into another speaker: their page now
            return speaker_redirect(request, moved, "articles:speaker")
        if found is None:
            raise Http404("No speaker at this address.")
        context = hub_pages.speaker_page(found, page=request.GET.get("page"))
        return render(request, _template(request, "articles/speaker.html", "quote-list"), context)

    return hub_page(request, page, fragment=wants_fragment(request))


@require_safe
@vary_on_headers("HX-Request")
def outlet(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    def page() -> HttpResponse:
        found = get_object_or_404(Outlet.objects.with_article_counts(), slug=slug)
        context = hub_pages.outlet_page(found, page=request.GET.get("page"))
        return render(request, _template(request, "articles/outlet.html", "article-list"), context)

    return hub_page(request, page, fragment=wants_fragment(request))


@require_safe
@vary_on_headers("HX-Request")
def claims(request: HtmxHttpRequest) -> HttpResponse:
    form = ClaimFilter(request.GET)
    verdict = form.chosen()

    def page() -> HttpResponse:
        context = hub_pages.claims_page(verdict=verdict, page=request.GET.get("page"))
        context["invalid"] = not form.is_valid()
        return render(request, _template(request, "articles/claims.html", "claims"), context)

    return hub_page(request, page, fragment=wants_fragment(request))
