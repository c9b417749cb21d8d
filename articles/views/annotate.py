"""Editors annotating in the browser: create, look at, edit, delete and restore annotations.

Every write answers htmx with only what it changed, swapped out of band: the blocks of text
its span touches, its list entry, the counts, the status line (see `_what_changed`);
everyone else gets a redirect back to the article. Errors come back as the form with its
messages (422) or a conflict message (409); nothing is stored then.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import AnnotationCreateForm, AnnotationFieldsForm
from articles.models import Annotation, AnnotationRevision, Article, Speaker, Tag
from articles.permissions import editor_required
from articles.rendering import render_annotation_items, render_blocks
from articles.revisions import revision_changes
from articles.services import annotations as service
from articles.views.reading import (
    AnnotationFilter,
    Outline,
    article_page_context,
    filter_links_html,
    matches,
)

SUGGESTION_LIMIT = 10


ADDED, EDITED, REMOVED = "added", "edited", "removed"


def _page_filters(request: HttpRequest) -> dict[str, str]:
    """The filters of the page the editor is on (htmx sends its URL): the answer keeps them."""
    page_query = QueryDict(urlsplit(request.htmx.current_url or "").query)
    return AnnotationFilter(page_query).values()


def _changed(
    request: HttpRequest,
    article: Article | int,
    message: str,
    *,
    undo_id: int | None = None,
) -> HttpResponse:
    """The article's whole body and list, and a status message (with Undo after a delete)."""
    if isinstance(article, Article):
        # Loaded before the write with its outlet: only the annotations are (re)read.
        prefetch_related_objects(
            [article], Article.objects.reading_annotations_prefetch(include_suggestions=True)
        )
    else:
        article = Article.objects.for_reading(include_suggestions=True).get(pk=article)
    filters = _page_filters(request)
    # Editors only here: their page shows the quote finder's suggestions too.
    context = article_page_context(request, article, filters=filters, include_suggestions=True)
    context.update(message=message, undo_id=undo_id)
    return render(request, "articles/annotation_changed.html#whole", context)


def _what_changed(
    request: HttpRequest,
    article: Article,
    message: str,
    *,
    change: str,
    annotation_id: int,
    start: int,
    end: int,
    written: Annotation | None = None,
    suggestion: bool = False,
    undo_id: int | None = None,
) -> HttpResponse:
    """Only what one write changed on the editor's page, each part swapped out of band.

    `change` is ADDED (created, restored), EDITED or REMOVED. `written` is the annotation as
    saved, or as it was when deleted, its speaker, tags and author at hand; the span
    start–end names the blocks to redraw. A `suggestion` written or deleted redraws the
    suggestions panel too (nothing else changes it). One query reads the article's
    annotations as outlines: the marks, the list order and the filter counts come from it.
    """
    filters = _page_filters(request)
    outlines = [Outline.from_row(row) for row in Annotation.objects.outlines(article.pk)]
    shown = [o for o in outlines if matches(o, filters)]
    published = [o for o in outlines if o.status == Annotation.Status.PUBLISHED]
    listed = [o for o in shown if o.status == Annotation.Status.PUBLISHED]
    blocks = render_blocks(article.body, article.structure, [o.mark() for o in shown], start, end)
    selector = "#article-body > [data-start='{}']"
    context = {
        "article": article,
        "filters": filters,
        "blocks": [
            # The block replaces its old self (htmx drops the attribute as it swaps).
            mark_safe(html.replace(">", f' hx-swap-oob="outerHTML:{selector.format(at)}">', 1))  # noqa: S308
            for at, html in blocks
        ],
        "annotation_shown": len(listed),
        "annotation_total": len(published),
        "filter_links": filter_links_html(published, filters, article),
        "message": message,
        "undo_id": undo_id,
    }
    position = next((i for i, o in enumerate(listed) if o.id == annotation_id), None)
    if not listed or (change == ADDED and len(listed) == 1 and position == 0):
        # The list is, or was, empty (its own words, no <ol>): sent whole, this entry at most.
        context["whole_list"] = True
        context["annotation_items"] = render_annotation_items([written] if listed else [])
    elif change == REMOVED:
        # Its entry is on the page if it was published and matched the page's filters.
        published_before = written.status == Annotation.Status.PUBLISHED
        if published_before and matches(Outline.of(written), filters):
            context["list_change"] = format_html(
                '<div hx-swap-oob="delete:#item-{}"></div>', annotation_id
            )
    elif position is None:
        pass  # not in the list, before or after: a suggestion, or filtered out
    elif change == EDITED:
        entry = render_annotation_items([written])
        context["list_change"] = mark_safe(  # noqa: S308 - rendered and escaped above
            entry.replace("<li ", '<li hx-swap-oob="true" ', 1)
        )
    else:
        # In text order: after the entry before it, or first.
        where = f"afterend:#item-{listed[position - 1].id}" if position else None
        context["list_change"] = format_html(
            '<div data-resync hx-swap-oob="{}">{}</div>',
            where or "afterbegin:#annotation-list ol",
            render_annotation_items([written]),
        )
    if suggestion:
        context["suggestions"] = list(
            Annotation.objects.suggested()
            .filter(article=article)
            .select_related("speaker")
            .order_by("start", "-end", "id")
        )
    return render(request, "articles/annotation_changed.html#what-changed", context)


def _written(
    request: HttpRequest, article: Article, annotation: Annotation, message: str, *, change: str
) -> HttpResponse:
    """What a create, edit or restore of `annotation` changed, and the event that focuses its
    mark once htmx has settled."""
    response = _what_changed(
        request,
        article,
        message,
        change=change,
        annotation_id=annotation.pk,
        start=annotation.start,
        end=annotation.end,
        written=annotation,
        suggestion=annotation.status == Annotation.Status.SUGGESTED,
    )
    response["HX-Trigger-After-Settle"] = _saved_event(annotation.pk)
    return response


@require_POST
@editor_required
def annotation_create(request: HttpRequest, slug: str) -> HttpResponse:
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
            message = f"{annotation.get_kind_display()} saved."
            response = _written(request, article, annotation, message, change=ADDED)
            # The form stays (annotate.js clears it); only the out-of-band parts change.
            response["HX-Reswap"] = "none"
            return response
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    context = {"form": form, "article": article, "creating": True}
    return render(request, template, context, status=422)


def _saved_event(pk: int) -> str:
    # On <body>: the element that sent the request may have been swapped out by then.
    return json.dumps({"annotation-saved": {"id": pk, "target": "body"}})


@require_safe
@vary_on_headers("HX-Request")
@editor_required
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = (
        Annotation.objects.select_related("article", "speaker", "author")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        _404_unless_it_existed(pk)
        return _refused(
            request,
            "This annotation was deleted meanwhile; the article's History can restore it.",
        )
    revisions = list(
        AnnotationRevision.objects.filter(annotation_id=pk).select_related("user")[:50]
    )
    for revision in revisions:
        revision.changes = revision_changes(revision)
    template = "articles/annotation_detail.html"
    if request.htmx:
        template += "#annotation-details"
    return render(request, template, {"annotation": annotation, "revisions": revisions})


def _refused(request: HttpRequest, message: str, status: int = 409) -> HttpResponse:
    """A write that could not happen: htmx shows the message in the status line."""
    if not request.headers.get("HX-Request"):
        context = {"message": message}
        return render(request, "articles/annotation_gone.html", context, status=status)
    template = "articles/annotation_gone.html#annotation-gone"
    response = render(request, template, {"message": message}, status=status)
    response["HX-Retarget"] = "#annotate-status"
    response["HX-Reswap"] = "innerHTML"
    return response


def _gone(request: HttpRequest, error: service.AnnotationGone) -> HttpResponse:
    """409 for an annotation deleted meanwhile; 404 for an id that never existed.

    Deleting keeps a revision, so an id without any history was never an annotation.
    """
    _404_unless_it_existed(error.annotation_id)
    return _refused(request, str(error))


def _404_unless_it_existed(pk: int) -> None:
    if not AnnotationRevision.objects.filter(annotation_id=pk).exists():
        raise Http404("No such annotation.")


def _initial(annotation: Annotation) -> dict:
    return {
        "kind": annotation.kind,
        "speaker": annotation.speaker.name if annotation.speaker else "",
        "verdict": annotation.verdict,
        "tags": ", ".join(tag.name for tag in annotation.tags.all()),
        "note": annotation.note,
    }


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@editor_required
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _annotation_update(request, pk)
    annotation = Annotation.objects.select_related("article", "speaker").filter(pk=pk).first()
    if annotation is None:
        return _gone(request, service.AnnotationGone(pk))
    form = AnnotationFieldsForm(initial=_initial(annotation), auto_id=f"edit-{pk}-%s")
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    return render(request, template, {"form": form, "annotation": annotation})


def _annotation_update(request: HttpRequest, pk: int) -> HttpResponse:
    form = AnnotationFieldsForm(request.POST, auto_id=f"edit-{pk}-%s")
    if form.is_valid():
        try:
            annotation = service.annotation_update(
                annotation_id=pk, user=request.user, fields=form.annotation_fields()
            )
        except service.AnnotationGone as gone:
            return _gone(request, gone)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if not request.htmx:
                return redirect(annotation.get_absolute_url())
            message = f"{annotation.get_kind_display()} updated."
            if not _page_filters(request):
                return _written(request, annotation.article, annotation, message, change=EDITED)
            # The entry may join or leave the filtered list: the list is sent whole.
            response = _changed(request, annotation.article_id, message)
            response["HX-Trigger-After-Settle"] = _saved_event(annotation.pk)
            return response
    annotation = Annotation.objects.select_related("article").filter(pk=pk).first()
    if annotation is None:
        return _gone(request, service.AnnotationGone(pk))
    template = "articles/annotation_form.html"
    if request.htmx:
        template += "#annotate-form"
    return render(request, template, {"form": form, "annotation": annotation}, status=422)


@require_POST
@editor_required
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        revision = service.annotation_delete(annotation_id=pk, user=request.user)
    except service.AnnotationGone as gone:
        return _gone(request, gone)
    if not request.htmx:
        return redirect(revision.article.get_absolute_url())
    before = revision.before
    return _what_changed(
        request,
        revision.article,
        f"{Annotation.Kind(before['kind']).label} deleted.",
        change=REMOVED,
        annotation_id=pk,
        start=before["start"],
        end=before["end"],
        written=revision.deleted,
        suggestion=before.get("status") == Annotation.Status.SUGGESTED,
        undo_id=pk,
    )


@require_POST
@editor_required
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        annotation = service.annotation_restore(annotation_id=pk, user=request.user)
    except ValidationError as error:
        # A live annotation may have no history (a quote-finder suggestion, demo data): 409.
        if not Annotation.objects.filter(pk=pk).exists():
            _404_unless_it_existed(pk)
        return _refused(request, " ".join(error.messages))
    if not request.htmx:
        return redirect(annotation.get_absolute_url())
    message = f"{annotation.get_kind_display()} restored."
    return _written(request, annotation.article, annotation, message, change=ADDED)


@require_safe
@editor_required
def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.only("id", "slug", "title"), slug=slug)
    revisions = list(article.revisions.select_related("user")[:500])
    ids = {r.annotation_id for r in revisions}
    alive = set(Annotation.objects.filter(pk__in=ids).values_list("pk", flat=True))
    restorable, seen = set(), set()
    for revision in revisions:  # newest first: the first row per annotation is its last change
        revision.changes = revision_changes(revision)
        if revision.annotation_id not in seen:
            seen.add(revision.annotation_id)
            if (
                revision.action == AnnotationRevision.Action.DELETED
                and revision.annotation_id not in alive
            ):
                restorable.add(revision.pk)
    context = {"article": article, "revisions": revisions, "restorable": restorable}
    return render(request, "articles/article_history.html", context)


@require_safe
@editor_required
def speaker_suggestions(request: HttpRequest) -> HttpResponse:
    term = " ".join(request.GET.get("speaker", "").split())
    speakers = Speaker.objects.matching(term)[:SUGGESTION_LIMIT] if term else []
    return render(request, "articles/_suggestions.html", {"speakers": speakers, "term": term})


@require_safe
@editor_required
def tag_suggestions(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("tags", "")
    done, _, term = typed.rpartition(",")
    term = term.strip()
    prefix = f"{done}, " if done else ""
    tags = Tag.objects.filter(name__icontains=term)[:SUGGESTION_LIMIT] if term else []
    return render(request, "articles/_suggestions.html", {"tags": tags, "prefix": prefix})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale page or expired session: say so plainly (htmx shows it in the status line)."""
    message = (
        "Your change was not saved: the page's security token is missing or out of date "
        "(CSRF check failed). Reload the page and try again."
    )
    return _refused(request, message, status=403)
