"""Settling the annotations a correction sent to review: the article's *Needs review* panel
(old and new text side by side, the proposal, the current text to select a new span in) and
its four choices, each recorded and undoable from the status line (or the history).

Plain forms and redirects: the panel works without JavaScript; static/js/review.js only turns
a selection in the current text into offsets."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from articles.forms import ReviewSpanForm
from articles.http import HtmxHttpRequest
from articles.models import Annotation, AnnotationRevision, Article
from articles.permissions import editor_required
from articles.rendering import render_body
from articles.services import reviews as service

_TEXT_FIELDS = ("id", "slug", "title", "body", "structure", "version_number")
Action = AnnotationRevision.Action

DONE: dict[str, str] = {
    Action.REVIEWED: "Proposal accepted.",
    Action.RESPANNED: "Put on the words you selected.",
    Action.KEPT_ON_VERSION: "Kept as a note on version {version}.",
    Action.DELETED: "Deleted.",
    Action.REVIEW_UNDONE: "Undone: it needs review again.",
    Action.RESTORED: "Undone: it needs review again.",
}


def _context(body: str, length: int, start: int | None, end: int | None) -> dict | None:
    if start is None or end is None:
        return None
    return {
        "prefix": body[max(0, start - length) : start],
        "exact": body[start:end],
        "suffix": body[end : end + length],
    }


def _last_settled(pk: int) -> dict | None:
    """The status line after a choice: what was done, and whether Undo can reverse it."""
    last = AnnotationRevision.objects.filter(annotation_id=pk).order_by("-created_at", "-id")
    revision = last.only("action", "after", "before").first()
    if revision is None or revision.action not in DONE:
        return None
    version = (revision.after or {}).get("on_version", "")
    undoable = bool((revision.before or {}).get("review"))
    return {
        "pk": pk,
        "message": DONE[revision.action].format(version=version),
        "undoable": undoable and revision.action in (*service.REVIEW_ACTIONS, Action.DELETED),
    }


def _carried_from(annotation: Annotation) -> str | None:
    """The outlet whose copy an annotation was carried from ("" when that copy is gone), or
    None when it was made on this article."""
    try:
        carry = annotation.carried_from
    except Annotation.carried_from.RelatedObjectDoesNotExist:
        return None
    source = carry.source_article
    return source.outlet.name if source is not None else ""


@require_safe
@editor_required
def article_reviews(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.only(*_TEXT_FIELDS), slug=slug)
    length = Annotation.CONTEXT_LENGTH
    items = [
        {
            "annotation": annotation,
            "review": annotation.review,
            "carried_from": _carried_from(annotation),
            "proposal": _context(
                article.body,
                length,
                annotation.review.proposed_start,
                annotation.review.proposed_end,
            ),
        }
        for annotation in Annotation.objects.needing_review(article.pk)
    ]
    settled = request.GET.get("settled", "")
    context = {
        "article": article,
        "items": items,
        "text_html": render_body(article.body, article.structure, []) if items else "",
        "settled": _last_settled(int(settled)) if settled.isdigit() else None,
    }
    return render(request, "articles/article_reviews.html", context)


def _answer(request: HtmxHttpRequest, slug: str, pk: int, error: ValidationError | None):
    url = reverse("articles:article_reviews", args=[slug])
    if error is not None:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{url}#review-{pk}")
    return redirect(f"{url}?settled={pk}#review-status")


def _slug_of(pk: int) -> str:
    annotation = get_object_or_404(
        Annotation.objects.select_related("article").only("article__slug"), pk=pk
    )
    return annotation.article.slug


def _settle(request: HtmxHttpRequest, pk: int, settle: Callable[..., object]) -> HttpResponse:
    """Run one of the review services that take nothing but the annotation and the editor,
    and answer with its message or its refusal."""
    slug = _slug_of(pk)
    try:
        settle(annotation_id=pk, user=request.user)
    except ValidationError as error:
        return _answer(request, slug, pk, error)
    return _answer(request, slug, pk, None)


@require_POST
@editor_required
def review_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _settle(request, pk, service.annotation_review_accept)


@require_POST
@editor_required
def review_respan(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    slug = _slug_of(pk)
    form = ReviewSpanForm(request.POST)
    if not form.is_valid():
        return _answer(request, slug, pk, ValidationError(list(form.errors["exact"])))
    try:
        service.annotation_review_respan(annotation_id=pk, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _answer(request, slug, pk, error)
    return _answer(request, slug, pk, None)


@require_POST
@editor_required
def review_keep(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _settle(request, pk, service.annotation_review_keep)


@require_POST
@editor_required
def review_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _settle(request, pk, service.annotation_review_delete)


@require_POST
@editor_required
def review_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    revision = (
        AnnotationRevision.objects.filter(annotation_id=pk)
        .select_related("article")
        .only("article__slug")
        .order_by("-created_at", "-id")
        .first()
    )
    if revision is None:
        raise Http404("No annotation has this number.")
    try:
        service.annotation_review_undo(annotation_id=pk, user=request.user)
    except ValidationError as error:
        return _answer(request, revision.article.slug, pk, error)
    return _answer(request, revision.article.slug, pk, None)
