"""Reading pages: the home page's list of stories and the article page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from articles.models import Article
from articles.rendering import Mark, render_body

PAGE_SIZE = 20


@require_GET
@vary_on_headers("HX-Request")
def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.with_listing_data().latest_first()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "articles/home.html"
    if request.htmx:
        template += "#article-list"
    return render(request, template, {"page": page})


def article_page_context(request: HttpRequest, article: Article, *, filters=None) -> dict:
    """Everything the article page and its fragments need; `article` comes from for_reading()."""
    annotations = article.published_annotations
    marks = [Mark(a.id, a.start, a.end, a.kind, label=a.get_kind_display()) for a in annotations]
    return {
        "article": article,
        "annotations": annotations,
        "body_html": render_body(article.body, article.structure, marks),
    }


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.for_reading(), slug=slug)
    context = article_page_context(request, article)
    return render(request, "articles/article_detail.html", context)
