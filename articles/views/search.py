"""Search: full text over stories, annotation notes and speakers, with facets that narrow."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import SearchForm
from articles.models import SEARCH_WINDOW, Article, Tag
from articles.presentation import wants_fragment

PAGE_SIZE = 20


FACET_FIELDS = {"outlets": "outlet", "kinds": "kind", "speakers": "speaker", "tags": "tag"}


def _with_links(facets: dict, query: QueryDict, narrowing: dict) -> dict:
    """Each facet value gets `href` (its filter toggled on the current query, back to the
    first page) and `current`: built once here rather than twice per link by
    {% querystring %} in the template, which cost more than the facets' query."""

    def href(**changes: str | None) -> str:
        params = query.copy()
        for key, value in {**changes, "page": None}.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return f"?{params.urlencode()}"

    for name, field in FACET_FIELDS.items():
        for row in facets[name]:
            row["current"] = narrowing.get(field) == row["value"]
            row["href"] = href(**{field: None if row["current"] else row["value"]})
    for row in facets["years"]:
        row["href"] = href(since=f"{row['value']}-01-01", until=f"{row['value']}-12-31")
    return facets


@require_safe
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    narrowing = form.narrowing()
    text = form.cleaned_data.get("q", "")
    context = {"form": form, "q": text, "narrowing": narrowing}
    if text:
        matches = Article.objects.search_matches(text, **narrowing)
        page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["capped"] = len(matches) >= SEARCH_WINDOW
        if matches:
            ids = [match.id for match in page.object_list]
            page.object_list = Article.objects.results_page(ids, text)
            facets = Article.objects.facets(matches)
            context["facets"] = _with_links(facets, request.GET, narrowing)
    if not text or not context["page"].paginator.count:
        context["suggested_tags"] = Tag.objects.most_used()[:8]
    template = "articles/search.html"
    if wants_fragment(request) and request.htmx.target == "search-results":
        template += "#search-results"
    return render(request, template, context)
