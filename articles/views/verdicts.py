"""A claim's verdict in review: its page (the claim in context, the verdict with its rationale
and sources, who wrote, submitted and reviewed it, its history) and the three steps, submit,
approve, send back.

Plain forms and redirects (303 to the page, with a message): it works without JavaScript and
from the keyboard. A refused step answers the page itself, with the reason and what was
typed kept: 403 (not a reviewer, or the verdict's own author), 409 (not in a state for that
step), 422 (a send-back without its comment).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from articles.http import HtmxHttpRequest
from articles.models import Annotation, AnnotationRevision
from articles.permissions import editor_required
from articles.revisions import revision_entries
from articles.services import verdicts as service
from articles.services.annotations import AnnotationGone

DONE = {
    "submit": "Submitted for review: another reviewer will approve it or send it back.",
    "approve": "Approved: the verdict is published.",
    "send_back": "Sent back to its author with your comment.",
}


def _claim(pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.select_related(
            "article__outlet", "claimant", "author", "submitted_by", "reviewer"
        )
        .defer("article__body", "article__structure", "article__search_vector")
        .prefetch_related("tags"),
        pk=pk,
        kind=Annotation.Kind.CLAIM,
    )


def _page(
    request: HtmxHttpRequest,
    claim: Annotation,
    *,
    status: int = 200,
    error: str = "",
    comment: str = "",
    comment_error: str = "",
) -> HttpResponse:
    revisions = AnnotationRevision.objects.filter(annotation_id=claim.pk).select_related("user")
    context = {
        "claim": claim,
        "refusal": service.reviewer_refusal(claim, request.user),
        "may_submit": service.may_submit(claim, request.user),
        "revisions": revision_entries(revisions.order_by("-created_at", "-id")),
        "error": error,
        "comment": comment,
        "comment_error": comment_error,
    }
    return render(request, "articles/verdict.html", context, status=status)


@require_safe
@editor_required
def verdict_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _claim(pk))


def _step(request: HtmxHttpRequest, pk: int, name: str, step: Callable[[], object]) -> HttpResponse:
    try:
        step()
    except AnnotationGone as error:
        raise Http404("No claim has this number.") from error
    except PermissionDenied as error:
        return _page(request, _claim(pk), status=403, error=str(error))
    except ValidationError as error:
        comment = request.POST.get("comment", "")
        if hasattr(error, "error_dict") and "comment" in error.error_dict:
            message = " ".join(error.message_dict["comment"])
            return _page(request, _claim(pk), status=422, comment=comment, comment_error=message)
        return _page(
            request, _claim(pk), status=409, error=" ".join(error.messages), comment=comment
        )
    messages.success(request, DONE[name])
    # 303: the page is fetched again (GET), so reloading it never repeats the step.
    answer = HttpResponseRedirect(reverse("articles:verdict", args=[pk]) + "#verdict-status")
    answer.status_code = 303
    return answer


@require_POST
@editor_required
def verdict_submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "submit",
        lambda: service.verdict_submit(annotation_id=pk, user=request.user),
    )


@require_POST
@editor_required
def verdict_approve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "approve",
        lambda: service.verdict_approve(annotation_id=pk, user=request.user),
    )


@require_POST
@editor_required
def verdict_send_back(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _step(
        request,
        pk,
        "send_back",
        lambda: service.verdict_send_back(annotation_id=pk, user=request.user, comment=comment),
    )
