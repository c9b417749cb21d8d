"""Editors keep the speaker list clean: rename, edit aliases, merge duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from articles.forms import SpeakerForm, SpeakerMergeForm
from articles.http import HtmxHttpRequest
from articles.models import Speaker
from articles.permissions import editor_required
from articles.services.speakers import speaker_find, speaker_merge, speaker_update

PAGE_LIMIT = 200


def _speakers(term: str):
    speakers = Speaker.objects.matching(term) if term else Speaker.objects.order_by("name")
    return speakers.annotate(quote_count=Count("annotations"))[:PAGE_LIMIT]


@require_safe
@vary_on_headers("HX-Request")
@editor_required
def speakers_manage(request: HtmxHttpRequest) -> HttpResponse:
    term = " ".join(request.GET.get("q", "").split())
    template = "articles/speakers_manage.html"
    if request.htmx:
        template += "#speaker-table"
    return render(request, template, {"speakers": _speakers(term), "q": term})


def _row(request: HtmxHttpRequest, speaker_id: int, **context) -> HttpResponse:
    speaker = Speaker.objects.annotate(quote_count=Count("annotations")).filter(pk=speaker_id)
    context["speaker"] = speaker.first()
    status = 422 if context.get("row_errors") else 200
    return render(request, "articles/speakers_manage.html#speaker-row", context, status=status)


@require_POST
@editor_required
def speaker_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    form = SpeakerForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            speaker_update(
                speaker_id=pk, name=form.cleaned_data["name"], aliases=form.cleaned_data["aliases"]
            )
        except ValidationError as error:
            errors = error.messages
    else:
        # An ErrorList holds messages (django-stubs types its items as ValidationError too).
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if not request.htmx:
        for text in errors:
            messages.error(request, text)
        return redirect(reverse("articles:speakers_manage"))
    message = "" if errors else "Saved."
    # A refused edit shows what the editor typed, beside the message, to correct it.
    typed = {"name": request.POST.get("name", ""), "aliases": request.POST.get("aliases", "")}
    return _row(
        request, pk, row_errors=errors, row_message=message, typed=typed if errors else None
    )


@require_POST
@editor_required
def speaker_merge_into(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Merge speaker `pk` into the one named in the form; its quotes move there."""
    form = SpeakerMergeForm(request.POST)
    errors: list[str] = []
    keep = None
    if form.is_valid():
        keep = speaker_find(form.cleaned_data["into"])
        if keep is None:
            errors = [f"Unknown speaker “{form.cleaned_data['into']}”."]
        else:
            try:
                keep = speaker_merge(keep_id=keep.pk, duplicate_ids=[pk], user=request.user)
            except ValidationError as error:
                errors = error.messages
    else:
        errors = ["Name the speaker to merge into."]
    if errors:
        if not request.htmx:
            for text in errors:
                messages.error(request, text)
            return redirect(reverse("articles:speakers_manage"))
        return _row(request, pk, row_errors=errors, typed_into=request.POST.get("into", ""))
    assert keep is not None  # no error: the merge happened
    if not request.htmx:
        messages.success(request, f"Merged into {keep.name}.")
        return redirect(reverse("articles:speakers_manage"))
    # Two rows changed (one gone, one with more quotes): send the whole table.
    context = {"speakers": _speakers(""), "q": "", "message": f"Merged into {keep.name}."}
    response = render(request, "articles/speakers_manage.html#speaker-table", context)
    response["HX-Retarget"] = "#speaker-table"
    response["HX-Reswap"] = "outerHTML"
    return response
