"""The hubs' indexes: topics (every tag), the speakers directory, the outlets.

Anonymous readers get them from the hubs' cache, with strong ETags (articles/hub_cache.py).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles import hub_pages
from articles.forms import HubOrder
from articles.http import HtmxHttpRequest
from articles.hub_cache import hub_page
from articles.presentation import wants_fragment


def _template(request: HtmxHttpRequest, name: str, fragment: str) -> str:
    return f"{name}#{fragment}" if wants_fragment(request) else name


@require_safe
@vary_on_headers("HX-Request")
def tags_index(request: HtmxHttpRequest) -> HttpResponse:
    order = HubOrder(request.GET)

    def page() -> HttpResponse:
        context = hub_pages.tags_index(by_name=order.by_name(), page=request.GET.get("page"))
        return render(request, _template(request, "articles/tags.html", "tag-index"), context)

    return hub_page(request, page, fragment=wants_fragment(request))


@require_safe
@vary_on_headers("HX-Request")
def speakers_index(request: HtmxHttpRequest) -> HttpResponse:
    order = HubOrder(request.GET)

    def page() -> HttpResponse:
        context = hub_pages.speakers_index(
            term=order.term(), by_name=order.by_name(), page=request.GET.get("page")
        )
        template = _template(request, "articles/speakers.html", "speaker-directory")
        return render(request, template, context)

    return hub_page(request, page, fragment=wants_fragment(request))


@require_safe
@vary_on_headers("HX-Request")
def outlets_index(request: HtmxHttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        context = hub_pages.outlets_index(page=request.GET.get("page"))
        return render(request, _template(request, "articles/outlets.html", "outlet-index"), context)

    return hub_page(request, page, fragment=wants_fragment(request))
