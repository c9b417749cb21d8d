"""The editors' desk: their home after logging in, what waits for them across articles (the
sections of `articles.desk`), narrowed by the same filters everywhere, and bulk accept or
reject of pending suggestions with an undo.

Plain GET forms and POST-redirect-GET: it all works without JavaScript. With htmx the
filters, paging and bulk actions swap `#desk-sections` (and the status line, out of band);
static/js/desk.js adds the keyboard (j/k or arrows between items, x to choose one).
"""

from __future__ import annotations

import hashlib
import time

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from articles.desk import DeskFilters, desk_sections
from articles.forms import DeskBulkForm, DeskFilterForm
from articles.http import HtmxHttpRequest
from articles.hub_cache import hubs_version
from articles.permissions import editor_required, is_editor
from articles.services.suggestions import (
    BulkOutcome,
    suggestions_accept_bulk,
    suggestions_bulk_undo,
    suggestions_reject_bulk,
)

TEMPLATE = "articles/desk.html"
# The session keeps the editor's last bulk action for its Undo (one per editor, replaced by
# the next), offered this long; the undo service refuses anything changed since anyway.
UNDO_KEY = "desk_undo"
UNDO_SECONDS = 600
# Rendered sections are kept this long at most (a new version replaces them at once).
DESK_CACHE_SECONDS = 30


class DeskLoginView(LoginView):
    """Django's login, landing editors and staff on their desk; readers land where they did
    (LOGIN_REDIRECT_URL), and a safe `next` wins for everyone."""

    def get_default_redirect_url(self) -> str:
        if is_editor(self.request.user):
            return resolve_url("articles:desk")
        return super().get_default_redirect_url()


@require_safe
@editor_required
@vary_on_headers("HX-Request")
def desk(request: HtmxHttpRequest) -> HttpResponse:
    """The sections from the cache while nothing changed (`_cached_sections`), else one
    grouped count, the other sections' counts and a page of each; plus the outlets for the
    filter on the whole page."""
    context = _cached_sections(request)
    if "sections_html" not in context:  # bad filters: the page says which
        template = f"{TEMPLATE}#desk-sections" if request.htmx else TEMPLATE
        return render(request, template, context, status=400)
    if request.htmx:
        return HttpResponse(context["sections_html"])
    return render(request, TEMPLATE, context)


@require_POST
@editor_required
def desk_suggestions_bulk(request: HtmxHttpRequest) -> HttpResponse:
    """Accept or reject the chosen suggestions, across articles, in one service call."""
    form = DeskBulkForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return _answer(request, errors[0], error=True)
    ids, action = form.cleaned_data["ids"], form.cleaned_data["action"]
    service = suggestions_accept_bulk if action == "accept" else suggestions_reject_bulk
    outcome = service(ids=ids, user=request.user)
    if outcome.done:
        request.session[UNDO_KEY] = {"ids": outcome.done, "at": time.time()}
    verb = "accepted" if action == "accept" else "rejected"
    return _answer(request, _summary(outcome, verb), error=not outcome.done)


@require_POST
@editor_required
def desk_suggestions_undo(request: HtmxHttpRequest) -> HttpResponse:
    """Undo the editor's last bulk action (what the session remembers of it)."""
    last = _undoable(request)
    request.session.pop(UNDO_KEY, None)
    if last is None:
        return _answer(request, "There is nothing to undo.", error=True)
    outcome = suggestions_bulk_undo(ids=last["ids"], user=request.user)
    return _answer(request, _summary(outcome, "back to pending"), error=not outcome.done)


def _summary(outcome: BulkOutcome, verb: str) -> str:
    done = len(outcome.done)
    message = f"{done} suggestion{'s' if done != 1 else ''} {verb}."
    if outcome.skipped:
        message += (
            f" {outcome.skipped} left alone: no longer pending, already quoted on the same"
            " words, or changed since."
        )
    return message


def _undoable(request: HtmxHttpRequest) -> dict | None:
    last = request.session.get(UNDO_KEY)
    if not last or time.time() - last.get("at", 0) > UNDO_SECONDS:
        return None
    return last


def _desk_context(request: HtmxHttpRequest) -> dict:
    """The filters parsed (sections None when one is bad: the page says which), a page of
    each section, and the Undo the editor may still use."""
    form = DeskFilterForm(request.GET)
    sections = None
    if form.is_valid():
        filters = DeskFilters.from_form(form, request.user.pk)
        sections = desk_sections(filters, request.GET)
    return {
        "form": form,
        "sections": sections,
        "can_undo": _undoable(request) is not None,
        "query": request.GET.urlencode(),
    }


def _sections_key(request: HtmxHttpRequest) -> str:
    """The rendered sections' cache key: the hubs' version (every write to articles and
    annotations bumps it), this session (the sections carry its CSRF token and say "yours"),
    the query (filters and pages), and the hour (what "imported in the last days" covers
    moves on with time; the entry lives DESK_CACHE_SECONDS anyway)."""
    query = request.GET.copy()
    query.pop("_", None)
    parts = [
        hubs_version(),
        request.session.session_key or "",
        request.user.pk,
        query.urlencode(),
        timezone.now().strftime("%Y%m%d%H"),
    ]
    return "desk:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached_sections(request: HtmxHttpRequest) -> dict:
    """`_desk_context`, with the sections as HTML from the cache while nothing changed:
    building them (six sections' queries and fifty rows) cost about 25 ms, this costs one
    query (the version). Bad filters are never cached: the page says what is wrong."""
    key = _sections_key(request)
    html = cache.get(key)
    if html is not None:
        form = DeskFilterForm(request.GET)
        form.is_valid()
        return {"form": form, "sections_html": html, "can_undo": _undoable(request) is not None}
    context = _desk_context(request)
    if context["sections"] is not None:
        html = render_to_string(f"{TEMPLATE}#desk-sections", context, request=request)
        cache.set(key, html, DESK_CACHE_SECONDS)
        context["sections_html"] = html
    return context


def _answer(request: HtmxHttpRequest, message: str, *, error: bool) -> HttpResponse:
    """After a bulk action: htmx gets the sections and the status line; everyone else a
    redirect back to the desk with the same filters, and the message."""
    query = request.GET.urlencode()
    if not request.htmx:
        (messages.error if error else messages.success)(request, message)
        return redirect(f"{reverse('articles:desk')}{'?' + query if query else ''}")
    context = _desk_context(request) | {"desk_message": message, "desk_error": error}
    response = render(request, f"{TEMPLATE}#desk-update", context)
    if error:
        response.status_code = 422
    return response
