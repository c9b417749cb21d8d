"""Living articles: editors correct the text (with a live preview of the diff and of what
happens to the annotations); everyone reads the versions and what changed between two of
them (editors also the notes kept on a version). Settling reviews: `views.reviews`."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.forms import ArticleCorrectForm, VersionsForm
from articles.http import HtmxHttpRequest
from articles.models import Annotation, Article, ArticleVersion
from articles.permissions import editor_required, is_editor
from articles.rendering import render_word_diff
from articles.services.versions import article_correct, correction_preview

# The article's text and what the forms need, never its search vector.
_TEXT_FIELDS = ("id", "slug", "title", "body", "structure", "version_number")


@require_http_methods(["GET", "POST"])
@editor_required
def article_correct_view(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.only(*_TEXT_FIELDS), slug=slug)
    form = ArticleCorrectForm(request.POST or None, initial={"body": article.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                article_correct(
                    article=article,
                    body=form.cleaned_data["body"],
                    structure=None,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(article.get_absolute_url())
        status = 422
    context = {"article": article, "form": form}
    return render(request, "articles/article_correct.html", context, status=status)


@require_POST
@editor_required
def correction_preview_view(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.only(*_TEXT_FIELDS), slug=slug)
    body = request.POST.get("body", "")
    preview = correction_preview(article=article, body=body)
    context = {
        "article": article,
        "diff": render_word_diff(article.body, preview.text_map.new),
        "counts": preview.counts,
        "unchanged": preview.text_map.new == article.body,
    }
    return render(request, "articles/article_correct.html#preview", context)


@require_safe
def article_versions(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("outlet").only(
            "id", "slug", "title", "version_number", "outlet__name", "outlet__slug"
        ),
        slug=slug,
    )
    versions = list(ArticleVersion.objects.filter(article=article).listing())
    form = VersionsForm(request.GET)
    latest = article.version_number
    a, b = max(latest - 1, 1), latest
    if form.is_valid():
        a = form.cleaned_data["a"] or a
        b = form.cleaned_data["b"] or b
    numbers = {v.number for v in versions}
    error = ""
    if a not in numbers or b not in numbers:
        error = f"There is no such version: this article has versions 1 to {latest}."
        a, b = max(latest - 1, 1), latest
    texts = dict(
        ArticleVersion.objects.filter(article=article, number__in=[a, b]).values_list(
            "number", "body"
        )
    )
    context = {
        "article": article,
        "versions": versions,
        "a": a,
        "b": b,
        "error": error,
        "diff": render_word_diff(texts[a], texts[b]) if a != b else None,
        "kept_notes": (
            list(Annotation.objects.kept_on_versions(article.pk)) if is_editor(request.user) else []
        ),
    }
    return render(request, "articles/article_versions.html", context, status=400 if error else 200)


@require_safe
def article_version_text(request: HtmxHttpRequest, slug: str, number: int) -> HttpResponse:
    """The text of one version exactly as stored, as plain text: what the code-point offsets
    of annotations made on that version count into (the W3C target's `state.cached`). A
    version never changes, so its content hash is a strong ETag and shared caches may keep
    it for long; one query."""
    found = ArticleVersion.objects.text_of(slug, number)
    if found is None:
        return HttpResponse(
            "This article has no such version.\n", status=404, content_type="text/plain"
        )
    body, digest, language, article_path = found
    etag = f'"{digest}"'
    named = request.headers.get("If-None-Match", "").split(",")
    if etag in [tag.strip().removeprefix("W/") for tag in named]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/plain; charset=utf-8")
        response["Content-Language"] = language
    response["ETag"] = etag
    response["Link"] = f'<{request.build_absolute_uri(article_path)}>; rel="original"'
    visibility = "private" if settings.READING_REQUIRES_LOGIN else "public"
    response["Cache-Control"] = f"{visibility}, max-age=86400, immutable"
    return response
