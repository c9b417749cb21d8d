"""How an editor's write (create, edit, delete, restore) answers htmx: the one mechanism.

Usually only what the write changed, each part swapped out of band (`what_changed`): the
blocks of text its span touches, its list entry inserted after its neighbour (or replaced,
or removed) with the count, or the whole list when it was or becomes empty; the filters
with their counts, the status line, and the suggestions panel when a suggestion changed.
Answering with the whole `#reading` partial instead measured 14.8 ms median for a create
against 9.1 ms (bench/annotate.py; the target is under 10 ms). An edit on a filtered page,
whose entry may join or leave the list, gets the body and list whole (`whole_article`).

The HTML comes from `annotation_changed.html` and `rendering`, out-of-band attributes
included; nothing here patches HTML strings. A write refused (a conflict, a stale CSRF
token) answers with its message in the status line (`refused`).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.db.models import prefetch_related_objects
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from articles.forms import AnnotationFilter
from articles.http import HtmxHttpRequest
from articles.models import SPAN_HOLDING_STATUSES, Annotation, Article
from articles.presentation import (
    Outline,
    article_page_context,
    filter_links,
    matches,
)
from articles.rendering import render_annotation_items, render_blocks

ADDED, EDITED, REMOVED = "added", "edited", "removed"
TEMPLATE = "articles/annotation_changed.html"


def page_filters(htmx: HtmxDetails) -> dict[str, str]:
    """The filters of the page the editor is on (htmx sends its URL): the answer keeps them."""
    page_query = QueryDict(urlsplit(htmx.current_url or "").query)
    return AnnotationFilter(page_query).values()


def saved_event(pk: int) -> str:
    """The event that focuses the written annotation's mark once htmx has settled."""
    # On <body>: the element that sent the request may have been swapped out by then.
    return json.dumps({"annotation-saved": {"id": pk, "target": "body"}})


def whole_article(
    request: HtmxHttpRequest, article: Article | int, message: str, *, undo_id: int | None = None
) -> HttpResponse:
    """The article's whole body and list, and a status message (with Undo after a delete)."""
    if isinstance(article, Article):
        # Loaded before the write with its outlet: only the annotations are (re)read.
        prefetch_related_objects(
            [article], Article.objects.reading_annotations_prefetch(include_suggestions=True)
        )
    else:
        article = Article.objects.for_reading(include_suggestions=True).get(pk=article)
    filters = page_filters(request.htmx)
    # Editors only here: their page shows the quote finder's suggestions too.
    context = article_page_context(request, article, filters=filters, include_suggestions=True)
    context.update(message=message, undo_id=undo_id)
    return render(request, f"{TEMPLATE}#whole", context)


def what_changed(
    request: HtmxHttpRequest,
    article: Article,
    message: str,
    *,
    change: str,
    annotation_id: int,
    start: int,
    end: int,
    written: Annotation,
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
    filters = page_filters(request.htmx)
    outlines = [Outline.from_row(row) for row in Annotation.objects.outlines(article.pk)]
    shown = [o for o in outlines if matches(o, filters)]
    counted = [o for o in outlines if o.status in SPAN_HOLDING_STATUSES]
    listed = [o for o in shown if o.status in SPAN_HOLDING_STATUSES]
    marks = [o.mark() for o in shown]
    blocks = render_blocks(article.body, article.structure, marks, start, end, oob=True)
    context = {
        "article": article,
        "filters": filters,
        "blocks": [html for _, html in blocks],
        "annotation_shown": len(listed),
        "annotation_total": len(counted),
        "filter_links": filter_links(counted, filters, article),
        "message": message,
        "undo_id": undo_id,
    }
    position = next((i for i, o in enumerate(listed) if o.id == annotation_id), None)
    if not listed or (change == ADDED and len(listed) == 1 and position == 0):
        # The list is, or was, empty (its own words, no <ol>): sent whole, this entry at most.
        context["whole_list"] = True
        context["annotation_items"] = render_annotation_items([written] if listed else [])
    elif change == REMOVED:
        # Its entry is on the page if it was listed and matched the page's filters.
        listed_before = written.status in SPAN_HOLDING_STATUSES
        if listed_before and matches(Outline.of(written), filters):
            context["removed_entry"] = annotation_id
    elif position is None:
        pass  # not in the list, before or after: a suggestion, or filtered out
    elif change == EDITED:
        context["replaced_entry"] = render_annotation_items([written], oob=True)
    else:
        # In text order: after the entry before it, or first.
        context["inserted_entry"] = render_annotation_items([written])
        context["insert_at"] = (
            f"afterend:#item-{listed[position - 1].id}"
            if position
            else "afterbegin:#annotation-list ol"
        )
    if suggestion:
        context["suggestions"] = list(
            Annotation.objects.suggested()
            .filter(article=article)
            .select_related("speaker")
            .order_by("start", "-end", "id")
        )
    return render(request, f"{TEMPLATE}#what-changed", context)


def annotation_written(
    request: HtmxHttpRequest, article: Article, annotation: Annotation, message: str, *, change: str
) -> HttpResponse:
    """What a create, edit or restore of `annotation` changed, and the event that focuses its
    mark once htmx has settled. An edit on a filtered page gets the body and list whole:
    the entry may join or leave the filtered list."""
    if change == EDITED and page_filters(request.htmx):
        response = whole_article(request, annotation.article_id, message)
    else:
        response = what_changed(
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
    response["HX-Trigger-After-Settle"] = saved_event(annotation.pk)
    return response


def refused(request: HtmxHttpRequest, message: str, status: int = 409) -> HttpResponse:
    """A write that could not happen: htmx shows the message in the status line."""
    if not request.headers.get("HX-Request"):
        context = {"message": message}
        return render(request, "articles/annotation_gone.html", context, status=status)
    template = "articles/annotation_gone.html#annotation-gone"
    response = render(request, template, {"message": message}, status=status)
    response["HX-Retarget"] = "#annotate-status"
    response["HX-Reswap"] = "innerHTML"
    return response
