"""Reading pages: the home page's list of stories and the article page."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from articles.models import Annotation, Article
from articles.permissions import is_editor
from articles.rendering import Mark, render_body
from articles.structured_data import article_json_ld

PAGE_SIZE = 20


class AnnotationFilter(forms.Form):
    """Which marks the reader wants to see; anything invalid is simply not applied."""

    kind = forms.ChoiceField(choices=Annotation.Kind.choices, required=False)
    tag = forms.SlugField(required=False)
    speaker = forms.SlugField(required=False)

    def values(self) -> dict[str, str]:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def _matches(annotation: Annotation, filters: dict[str, str]) -> bool:
    if "kind" in filters and annotation.kind != filters["kind"]:
        return False
    if "speaker" in filters and (
        annotation.speaker is None or annotation.speaker.slug != filters["speaker"]
    ):
        return False
    return "tag" not in filters or any(t.slug == filters["tag"] for t in annotation.tags.all())


def _filter_options(annotations: list[Annotation]) -> dict[str, list]:
    """Kinds, tags and speakers present on the page, with how many marks each would show."""
    kinds: dict[str, int] = {}
    tags: dict[int, list] = {}
    speakers: dict[int, list] = {}
    for a in annotations:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
        for tag in a.tags.all():
            tags.setdefault(tag.id, [tag, 0])[1] += 1
        if a.speaker is not None:
            speakers.setdefault(a.speaker.id, [a.speaker, 0])[1] += 1
    return {
        "kinds": [
            (value, label, kinds[value])
            for value, label in Annotation.Kind.choices
            if value in kinds
        ],
        "tags": sorted(tags.values(), key=lambda item: item[0].name.lower()),
        "speakers": sorted(speakers.values(), key=lambda item: item[0].name.lower()),
    }


def article_page_context(
    request: HttpRequest,
    article: Article,
    *,
    filters: dict[str, str] | None = None,
    include_suggestions: bool = False,
) -> dict:
    """Everything article_detail.html and its fragments need, in no further queries.

    `article` should come from `Article.objects.for_reading()`; it is reloaded (3 queries)
    otherwise. `filters` ({kind, tag, speaker}) defaults to the request's query string.
    Suggestions are included only when asked (editors), marked `is-suggested`.
    """
    if not hasattr(article, "reading_annotations"):
        article = Article.objects.for_reading(include_suggestions=include_suggestions).get(
            pk=article.pk
        )
    everything = [
        a
        for a in article.reading_annotations
        if include_suggestions or a.status == Annotation.Status.PUBLISHED
    ]
    if filters is None:
        filters = AnnotationFilter(request.GET).values()
    shown = [a for a in everything if _matches(a, filters)]
    marks = [
        Mark(
            a.id,
            a.start,
            a.end,
            a.kind,
            css="is-suggested" if a.status == Annotation.Status.SUGGESTED else "",
        )
        for a in shown
    ]
    published = [a for a in everything if a.status == Annotation.Status.PUBLISHED]
    return {
        "article": article,
        # Suggestions are marked in the text but listed apart, in the editors' panel.
        "annotations": [a for a in shown if a.status == Annotation.Status.PUBLISHED],
        "annotation_total": len(published),
        "suggestions": [a for a in everything if a.status == Annotation.Status.SUGGESTED],
        "filters": filters,
        "filter_options": _filter_options(published),
        "body_html": render_body(article.body, article.structure, marks),
        "structured_data": article_json_ld(
            article, published, request.build_absolute_uri(article.get_absolute_url())
        ),
        "include_suggestions": include_suggestions,
    }


@require_GET
@vary_on_headers("HX-Request")
def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.with_listing_data().latest_first()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "articles/home.html"
    if request.htmx:
        template += "#article-list"
    return render(request, template, {"page": page})


@require_GET
@vary_on_headers("HX-Request")
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    editor = is_editor(request.user)
    article = get_object_or_404(Article.objects.for_reading(include_suggestions=editor), slug=slug)
    template = "articles/article_detail.html"
    if request.htmx:
        template += "#reading"
    context = article_page_context(request, article, include_suggestions=editor)
    return render(request, template, context)
