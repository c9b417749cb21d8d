"""Editors' handling of the quote finder's suggestions: find, accept, edit then accept, reject.

Every POST answers htmx with the article page's fragments (body, annotation list, the
suggestions panel) and everyone else with a redirect back to the article.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from articles.forms import SuggestionEditForm
from articles.http import HtmxHttpRequest
from articles.models import Annotation, Article
from articles.permissions import editor_required
from articles.presentation import article_page_context
from articles.services.suggestions import (
    suggestion_accept,
    suggestion_reject,
    suggestions_propose,
)

UPDATE_TEMPLATE = "articles/_quote_suggestions.html#suggestions-update"


def _suggestion(pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.select_related("article__outlet", "speaker"),
        pk=pk,
        kind=Annotation.Kind.QUOTE,
    )


def _respond(
    request: HtmxHttpRequest, article: Article, *, message: str, error: bool = False, focus=None
) -> HttpResponse:
    """htmx gets the refreshed fragments with the message; others a redirect and a flash."""
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return redirect(f"{article.get_absolute_url()}#suggestions")
    context = article_page_context(request, article, filters={}, include_suggestions=True)
    context |= {"suggestion_message": message, "suggestion_error": error}
    suggestions = context["suggestions"]
    # Keyboard users carry on with the next suggestion in the text.
    after = [s for s in suggestions if focus is not None and s.start >= focus]
    context["focus_suggestion"] = (after or suggestions or [None])[0]
    return render(request, UPDATE_TEMPLATE, context)


@require_POST
@editor_required
def suggestion_accept_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    try:
        accepted = suggestion_accept(annotation=suggestion, user=request.user)
    except ValidationError as exc:
        return _respond(request, suggestion.article, message=exc.messages[0], error=True)
    speaker = f" by {accepted.speaker.name}" if accepted.speaker else ""
    return _respond(
        request, suggestion.article, message=f"Quote{speaker} accepted.", focus=suggestion.start
    )


@require_POST
@editor_required
def suggestion_reject_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    try:
        suggestion_reject(annotation=suggestion, user=request.user)
    except ValidationError as exc:
        return _respond(request, suggestion.article, message=exc.messages[0], error=True)
    return _respond(
        request,
        suggestion.article,
        message="Suggestion rejected; it will not be proposed again.",
        focus=suggestion.start,
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@editor_required
def suggestion_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    if suggestion.status != Annotation.Status.SUGGESTED:
        return _respond(
            request, suggestion.article, message="This suggestion was already handled.", error=True
        )
    form = SuggestionEditForm(request.POST or None, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        span = form.span()
        assert span is not None  # clean() refused words the article does not have
        start, end = span
        try:
            suggestion_accept(
                annotation=suggestion,
                user=request.user,
                start=start,
                end=end,
                speaker_name=form.cleaned_data["speaker"],
                note=form.cleaned_data["note"],
                tag_names=form.cleaned_data["tags"],
            )
        except ValidationError as exc:
            return _respond(request, suggestion.article, message=exc.messages[0], error=True)
        return _respond(request, suggestion.article, message="Quote accepted with your changes.")
    template = "articles/suggestion_edit.html"
    response = render(
        request,
        template + "#suggestion-form" if request.htmx else template,
        {"form": form, "suggestion": suggestion, "article": suggestion.article},
    )
    if request.htmx and request.method == "POST":
        # The form came back with errors: put it where it was, not over the article body.
        response["HX-Retarget"] = f"#suggestion-{suggestion.pk}"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = f"#suggestion-{suggestion.pk}"
    return response


@require_POST
@editor_required
def suggestions_find(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.select_related("outlet").defer("search_vector"), slug=slug
    )
    found = suggestions_propose(article=article)
    message = (
        f"Found {found} new quote{'s' if found != 1 else ''} to review."
        if found
        else "No new quotes found."
    )
    return _respond(request, article, message=message)
