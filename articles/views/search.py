"""Search: full text over stories, notes, quotes and speakers, with facets that narrow."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import SearchForm
from articles.http import HtmxHttpRequest
from articles.models import Tag
from articles.presentation import wants_fragment
from articles.search import search as search_articles
from articles.search.results import Facets


@dataclass(frozen=True)
class FacetLink:
    """A facet value as the page links it: `href` toggles its filter on the current query."""

    value: str
    label: str
    n: int
    href: str
    current: bool = False


FACET_FIELDS = {"outlets": "outlet", "kinds": "kind", "speakers": "speaker", "tags": "tag"}


def _with_links(facets: Facets, query: QueryDict, narrowing: dict) -> dict[str, list[FacetLink]]:
    """Each facet value with `href` (its filter toggled on the current query, back to the
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

    links: dict[str, list[FacetLink]] = {}
    for name, field in FACET_FIELDS.items():
        links[name] = []
        for row in getattr(facets, name):
            current = narrowing.get(field) == row.value
            link = href(**{field: None if current else row.value})
            links[name].append(FacetLink(row.value, row.label, row.n, link, current))
    links["years"] = [
        FacetLink(
            row.value,
            row.label,
            row.n,
            href(since=f"{row.value}-01-01", until=f"{row.value}-12-31"),
        )
        for row in facets.years
    ]
    return links


@require_safe
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    narrowing = form.narrowing()
    text = form.cleaned_data.get("q", "")
    context = {"form": form, "q": text, "narrowing": narrowing}
    if text:
        results = search_articles(text, **narrowing, page=request.GET.get("page"))
        context |= {
            "page": results.page,
            "capped": results.capped,
            "speakers": results.speakers,
            "quotes": results.quotes,
            "nothing_to_search": results.nothing_to_search,
        }
        if results.facets:
            context["facets"] = _with_links(results.facets, request.GET, narrowing)
    if not text or not context["page"].paginator.count:
        context["suggested_tags"] = Tag.objects.most_used()[:8]
    template = "articles/search.html"
    if wants_fragment(request) and request.htmx.target == "search-results":
        template += "#search-results"
    return render(request, template, context)
