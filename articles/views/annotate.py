"""Editors annotating in the browser: create, look at, edit, delete and restore annotations.

Every write answers htmx with only what it changed, swapped out of band (see
`articles.write_answers`); everyone else gets a redirect back to the article. Errors come
back as the form with its messages (422) or a conflict message (409); nothing is stored
then.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import AnnotationCreateForm, AnnotationEditForm
from articles.http import HtmxHttpRequest
from articles.models import Annotation, AnnotationRevision, Article
from articles.permissions import editor_required
from articles.revisions import revision_entries
from articles.services import annotations as service
from articles.write_answers import (
    ADDED,
    EDITED,
    REMOVED,
    annotation_written,
    refused,
    saved_event,
    what_changed,
    whole_article,
)


@require_POST
@editor_required
def annotation_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Only what the checks and the redrawn blocks need: not the search vector or the outlet.
    article = get_object_or_404(Article.objects.only("id", "slug", "body", "structure"), slug=slug)
    form = AnnotationCreateForm(request.POST)
    if form.is_valid():
        try:
            annotation = service.annotation_create(
                article=article,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                exact=form.cleaned_data["exact"],
                fields=form.annotation_fields(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if not request.htmx:
                return redirect(f"{article.get_absolute_url()}#annotation-{annotation.pk}")
            message = f"{annotation.get_kind_display()} saved.{_in_review(annotation)}"
            response = annotation_written(request, article, annotation, message, change=ADDED)
            # The form stays (annotate.js clears it); only the out-of-band parts change.
            response["HX-Reswap"] = "none"
            return response
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    context = {"form": form, "article": article, "creating": True}
    return _refused_form(request, template, context)


@require_safe
@vary_on_headers("HX-Request")
@editor_required
def annotation_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = (
        Annotation.objects.select_related("article", "speaker", "author")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        _404_unless_it_existed(pk)
        return refused(
            request,
            "This annotation was deleted meanwhile; the article's History can restore it.",
        )
    revisions = revision_entries(
        AnnotationRevision.objects.filter(annotation_id=pk).select_related("user")[:50]
    )
    template = "articles/annotation_detail.html"
    if request.htmx:
        template += "#annotation-details"
    return render(request, template, {"annotation": annotation, "revisions": revisions})


def _gone(request: HtmxHttpRequest, error: service.AnnotationGone) -> HttpResponse:
    """409 for an annotation deleted meanwhile; 404 for an id that never existed.

    Deleting keeps a revision, so an id without any history was never an annotation.
    """
    _404_unless_it_existed(error.annotation_id)
    return refused(request, str(error))


def _404_unless_it_existed(pk: int) -> None:
    if not AnnotationRevision.objects.filter(annotation_id=pk).exists():
        raise Http404("No such annotation.")


def _initial(annotation: Annotation) -> dict:
    return {
        "kind": annotation.kind,
        "speaker": annotation.speaker.name if annotation.speaker else "",
        "verdict": annotation.verdict,
        "claimant": annotation.claimant.name if annotation.claimant else "",
        "sources": "\n".join(annotation.sources),
        "tags": ", ".join(tag.name for tag in annotation.tags.all()),
        "note": annotation.note,
    }


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@editor_required
def annotation_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _annotation_update(request, pk)
    annotation = (
        Annotation.objects.select_related("article", "speaker", "claimant").filter(pk=pk).first()
    )
    if annotation is None:
        return _gone(request, service.AnnotationGone(pk))
    form = AnnotationEditForm(initial=_initial(annotation), auto_id=f"edit-{pk}-%s")
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    return render(request, template, {"form": form, "annotation": annotation})


def _annotation_update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    form = AnnotationEditForm(request.POST, auto_id=f"edit-{pk}-%s")
    if form.is_valid():
        try:
            updated = service.annotation_update(
                annotation_id=pk,
                user=request.user,
                fields=form.annotation_fields(),
                span=form.span(),
            )
        except service.AnnotationGone as gone:
            return _gone(request, gone)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if not request.htmx:
                return redirect(updated.get_absolute_url())
            message = f"{updated.get_kind_display()} updated.{_in_review(updated)}"
            if form.span() is not None:
                # Resized: the blocks it left need redrawing too; the whole body and list.
                response = whole_article(request, updated.article_id, message)
                response["HX-Trigger-After-Settle"] = saved_event(updated.pk)
                return response
            return annotation_written(request, updated.article, updated, message, change=EDITED)
    annotation = Annotation.objects.select_related("article").filter(pk=pk).first()
    if annotation is None:
        return _gone(request, service.AnnotationGone(pk))
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    return _refused_form(request, template, {"form": form, "annotation": annotation})


def _in_review(annotation: Annotation) -> str:
    """What the status line adds when the verdict is not public yet."""
    if annotation.status == Annotation.Status.DRAFT:
        return " Its verdict is a draft: readers see it once submitted and approved."
    if annotation.status == Annotation.Status.RETURNED:
        return " Its verdict was sent back: submit it again when ready."
    return ""


def _refused_form(request: HtmxHttpRequest, template: str, context: dict) -> HttpResponse:
    """The form with its messages (422); swapped in by htmx, the status line says so too,
    so an earlier save's "saved" no longer stands beside a refusal."""
    response = render(request, template, context, status=422)
    if request.htmx:
        status = render_to_string(
            "articles/_editor_tools.html#annotate-status",
            {"oob": True, "message": "Not saved: see the form's message."},
            request,
        )
        response.content += status.encode()
    return response


@require_POST
@editor_required
def annotation_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        deleted = service.annotation_delete(annotation_id=pk, user=request.user)
    except service.AnnotationGone as gone:
        return _gone(request, gone)
    article, annotation = deleted.revision.article, deleted.annotation
    if not request.htmx:
        return redirect(article.get_absolute_url())
    return what_changed(
        request,
        article,
        f"{Annotation.Kind(annotation.kind).label} deleted.",
        change=REMOVED,
        annotation_id=pk,
        start=annotation.start,
        end=annotation.end,
        written=annotation,
        suggestion=annotation.status == Annotation.Status.SUGGESTED,
        undo_id=pk,
    )


@require_POST
@editor_required
def annotation_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    try:
        annotation = service.annotation_restore(annotation_id=pk, user=request.user)
    except ValidationError as error:
        # A live annotation may have no history (a quote-finder suggestion, demo data): 409.
        if not Annotation.objects.filter(pk=pk).exists():
            _404_unless_it_existed(pk)
        return refused(request, " ".join(error.messages))
    if not request.htmx:
        return redirect(annotation.get_absolute_url())
    message = f"{annotation.get_kind_display()} restored."
    return annotation_written(request, annotation.article, annotation, message, change=ADDED)


REVIEW_CHOICES = frozenset(
    {
        AnnotationRevision.Action.REVIEWED,
        AnnotationRevision.Action.RESPANNED,
        AnnotationRevision.Action.KEPT_ON_VERSION,
    }
)


@require_safe
@editor_required
def article_history(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)
    revisions = list(article.revisions.select_related("user")[:500])
    ids = {r.annotation_id for r in revisions}
    alive = set(Annotation.objects.filter(pk__in=ids).values_list("pk", flat=True))
    restorable, undoable, seen = set(), set(), set()
    for revision in revisions:  # newest first: the first row per annotation is its last change
        if revision.annotation_id not in seen:
            seen.add(revision.annotation_id)
            if (
                revision.action == AnnotationRevision.Action.DELETED
                and revision.annotation_id not in alive
            ):
                restorable.add(revision.pk)
            elif revision.action in REVIEW_CHOICES and (revision.before or {}).get("review"):
                # A review's choice (accept, new span, kept on its version): undone by
                # putting it back in review (`services.reviews.annotation_review_undo`).
                undoable.add(revision.pk)
    context = {
        "article": article,
        "revisions": revision_entries(revisions),
        "restorable": restorable,
        "undoable": undoable,
    }
    return render(request, "articles/article_history.html", context)
