"""A user's API tokens: make one (its secret shown once), see when each was last used,
revoke one. Any signed-in user has the page; what a token may do is its owner's role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from articles.forms import ApiTokenForm
from articles.http import HtmxHttpRequest
from articles.models import ApiToken
from articles.services.tokens import api_token_create, api_token_revoke

TEMPLATE = "articles/api_tokens.html"


def _page(request: HtmxHttpRequest, form: ApiTokenForm, *, status: int = 200, **context):
    template = TEMPLATE + "#token-panel" if request.htmx else TEMPLATE
    context |= {"form": form, "tokens": ApiToken.objects.of_user(request.user)}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@login_required
def api_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the page. POST: a new token; the answer (fragment or whole page) shows its
    secret this once. It is rendered, not redirected to: a redirect would have to carry
    the secret in the session or a cookie."""
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            return _page(request, ApiTokenForm(), status=201, new_token=token, secret=secret)
    return _page(request, form, status=422)


@require_POST
@login_required
def api_token_revoke_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another's is a 404, as if there were none)."""
    try:
        token = api_token_revoke(token_id=pk, user=request.user)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None
    if not request.htmx:
        return redirect("articles:api_tokens")
    return _page(request, ApiTokenForm(), revoked=token)
