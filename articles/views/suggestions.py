"""Editors' handling of the quote finder's suggestions: find, accept, edit then accept, reject.

Every POST answers htmx with the article page's fragments (body, annotation list, the
suggestions panel) and everyone else with a redirect back to the article.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from articles.models import Annotation, Article
from articles.permissions import editor_required
from articles.services.suggestions import (
    suggestion_accept,
    suggestion_reject,
    suggestions_propose,
)
from articles.views.reading import article_page_context

UPDATE_TEMPLATE = "articles/_quote_suggestions.html#suggestions-update"


class SuggestionEditForm(forms.Form):
    """The suggestion as the editor corrects it: its words, its speaker, a note."""

    text = forms.CharField(
        label="Quote",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Trim or extend the words; they must appear in the article.",
    )
    speaker = forms.CharField(
        label="Speaker",
        required=False,
        max_length=200,
        help_text="An existing speaker's name or alias, or a new name. Empty for none.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, suggestion: Annotation, **kwargs) -> None:
        self.suggestion = suggestion
        kwargs.setdefault(
            "initial",
            {
                "text": suggestion.exact,
                "speaker": suggestion.speaker.name
                if suggestion.speaker
                else suggestion.proposed_speaker,
                "note": suggestion.note,
            },
        )
        # Several suggestions can be edited on one page: keep their field ids apart.
        kwargs.setdefault("auto_id", f"id_%s_{suggestion.pk}")
        super().__init__(*args, **kwargs)
        # The annotating feature's speaker autocomplete fills the datalist as one types.
        self.fields["speaker"].widget.attrs |= {
            "list": f"speaker-options-{suggestion.pk}",
            "autocomplete": "off",
            "hx-get": reverse("speaker_suggestions"),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#speaker-options-{suggestion.pk}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if self.span_of(text) is None:
            raise ValidationError(
                "These words are not in the article. Edit within the article's own text."
            )
        return text

    def span_of(self, text: str) -> tuple[int, int] | None:
        """Where `text` occurs in the body, the occurrence nearest the suggestion winning."""
        body, origin = self.suggestion.article.body, self.suggestion.start
        best, at = None, 0
        while (found := body.find(text, at)) >= 0:
            if best is not None and found - origin >= abs(best - origin):
                break  # later occurrences are only further away
            best, at = found, found + 1
        return None if best is None else (best, best + len(text))


def _suggestion(pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.select_related("article__outlet", "speaker"),
        pk=pk,
        kind=Annotation.Kind.QUOTE,
    )


def _respond(
    request: HttpRequest, article: Article, *, message: str, error: bool = False, focus=None
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
def suggestion_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def suggestion_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
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
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _suggestion(pk)
    if suggestion.status != Annotation.Status.SUGGESTED:
        return _respond(
            request, suggestion.article, message="This suggestion was already handled.", error=True
        )
    form = SuggestionEditForm(request.POST or None, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        start, end = form.span_of(form.cleaned_data["text"])
        try:
            suggestion_accept(
                annotation=suggestion,
                user=request.user,
                start=start,
                end=end,
                speaker_name=form.cleaned_data["speaker"],
                note=form.cleaned_data["note"],
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
def suggestions_find(request: HttpRequest, slug: str) -> HttpResponse:
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
