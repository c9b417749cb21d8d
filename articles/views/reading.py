"""Reading pages: the home page's list of stories and the article page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles.http import HtmxHttpRequest
from articles.hub_cache import hub_page
from articles.hub_pages import hub_aside
from articles.models import Article
from articles.page_cache import anonymous_page_key, cached_page, page_version
from articles.permissions import is_editor
from articles.presentation import article_page_context, open_ended_page, wants_fragment


@require_safe
@vary_on_headers("HX-Request")
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The latest stories, with the hubs' second column; kept and validated like the hub
    pages (articles/hub_cache.py: it lists rows from the whole site too)."""
    fragment = wants_fragment(request)

    def page() -> HttpResponse:
        articles = Article.objects.with_listing_data().latest_first()
        context = {"page": open_ended_page(articles, request.GET.get("page"))}
        if not fragment:  # a swap of the list needs no second column
            context.update(hub_aside())
        template = "articles/home.html" + ("#article-list" if fragment else "")
        return render(request, template, context)

    return hub_page(request, page, fragment=fragment)


@require_safe
@vary_on_headers("HX-Request")
def article_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    found = Article.objects.page_version(slug)
    if found is None:
        raise Http404("No article at this address.")
    pk = found[0]
    version = page_version(*found[:5])
    fragment = wants_fragment(request)
    template = "articles/article_detail.html" + ("#reading" if fragment else "")
    key = anonymous_page_key(request, version, fragment=fragment)

    def page() -> HttpResponse:
        article = get_object_or_404(Article.objects.for_reading_page().with_copies(), pk=pk)
        editor = is_editor(request.user)
        context = article_page_context(request, article, include_suggestions=editor)
        return render(request, template, context)

    return cached_page(request, key, page, modified=found[5])
