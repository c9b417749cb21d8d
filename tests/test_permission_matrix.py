"""The permission matrix, generated from the URL configuration (issue 16's attack suite):
every route × anonymous, reader, editor, reviewer, staff, superuser × GET and POST, against
the status EXPECTED says. A route added to the URL configuration without a row here fails
`test_every_route_has_an_expected_row`, so nobody has to remember to cover it.

Path parameters come from real objects (PARAMS, by route name). Each cell runs in a savepoint
that is rolled back, so a POST that deletes or merges leaves the next cell the same objects.
POSTs send an empty form: enough to tell "refused" (302 to log in, 403) from "allowed" (the
view answers: a redirect, 200, or 422 for the missing fields). The admin is one group: every
URL of every registered model's changelist and add page, and the import page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.models import Annotation, ApiToken, Article, Speaker, Tag
from articles.services.annotations import annotation_delete
from articles.services.tokens import api_token_create
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user
from tests.routes import Route, walk

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "editor", "reviewer", "staff", "superuser")
METHODS = ("GET", "POST")

# route name -> {method: (anonymous, reader, editor, staff, superuser)}. 302 to log in for
# anonymous visitors on editor pages; 403 for signed-in non-editors; 405 where the method
# is not allowed. Staff count as editors (articles.permissions.is_editor); reviewers are
# editors who may also approve other editors' verdicts.
LOGIN, DENIED, NOT_ALLOWED = 302, 403, 405
Row = dict[str, tuple[int, ...]]
READ: Row = {"GET": (200,) * 6, "POST": (NOT_ALLOWED,) * 6}
EDITOR_PAGE: Row = {"GET": (LOGIN, DENIED, 200, 200, 200, 200), "POST": (NOT_ALLOWED,) * 6}
EXPECTED: dict[str, Row] = {
    "login": {"GET": (200,) * 6, "POST": (200,) * 6},  # POST: the form again, with its errors
    # POST: the "logged out" page (no LOGOUT_REDIRECT_URL), for anyone.
    "logout": {"GET": (200,) * 6, "POST": (200,) * 6},
    "healthz": READ,
    "healthz_ready": READ,
    "favicon.ico": {"GET": (301,) * 6, "POST": (301,) * 6},
    "articles:home": READ,
    "articles:article": READ,
    "articles:tag": READ,
    "articles:tag_feed": READ,
    "articles:speaker": READ,
    "articles:outlet": READ,
    # The hubs: topics, speakers and outlets indexes, speaker and outlet feeds.
    "articles:tags": READ,
    "articles:speakers": READ,
    "articles:outlets": READ,
    "articles:speaker_feed": READ,
    "articles:outlet_feed": READ,
    "articles:claims": READ,
    "articles:search": READ,
    "articles:latest_feed": READ,
    "articles:article_history": EDITOR_PAGE,
    "articles:annotation_detail": EDITOR_PAGE,
    "articles:speaker_autocomplete": EDITOR_PAGE,
    "articles:tag_autocomplete": EDITOR_PAGE,
    "articles:speakers_manage": EDITOR_PAGE,
    "articles:suggestion_edit": {  # without HX-Request, the form again with its errors
        "GET": (LOGIN, DENIED, 200, 200, 200, 200),
        "POST": (LOGIN, DENIED, 200, 200, 200, 200),
    },
    "articles:annotation_edit": {
        "GET": (LOGIN, DENIED, 200, 200, 200, 200),
        "POST": (LOGIN, DENIED, 422, 422, 422, 422),
    },
    "articles:annotation_create": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 422, 422, 422, 422),
    },
    "articles:suggestions_find": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:suggestion_accept": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:suggestion_reject": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:annotation_delete": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:annotation_restore": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:speaker_edit": {  # without HX-Request, back to the speakers page with the message
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:speaker_merge": {  # without HX-Request, back to the speakers page with the message
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    # Article versions: correcting and the review panel are the editors'; the versions
    # themselves are public (readers see the correction notice and may compare versions).
    "articles:article_correct": {  # POST: the form again, with its errors (no reason, no text)
        "GET": (LOGIN, DENIED, 200, 200, 200, 200),
        "POST": (LOGIN, DENIED, 422, 422, 422, 422),
    },
    "articles:correction_preview": {  # POST: the preview of an empty text, written nowhere
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 200, 200, 200, 200),
    },
    "articles:article_versions": READ,
    "articles:article_version_text": READ,
    "articles:article_reviews": EDITOR_PAGE,
    "articles:review_accept": {  # back to the review panel
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:review_delete": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    # Back to the article (with the summary, or why nothing was carried: these two are not
    # copies); readers refused.
    "articles:annotations_carry": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    # Settling a review, and undoing it: back to the review panel (with the message).
    "articles:review_respan": {  # POST without words: back, with the message
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:review_keep": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:review_undo": {  # nothing to undo yet: back, with the message
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:desk": EDITOR_PAGE,
    # A claim's verdict in review: its page is every editor's. Submitting a draft: back to
    # the page (303). The submitted verdict is the matrix's editor's own: approving it is
    # refused to them (403, the page with the reason) and allowed to the reviewer and staff;
    # an empty send-back is refused its missing comment (422) once the role may send back.
    "articles:verdict": EDITOR_PAGE,
    # Submitting is the author's (the matrix's editor wrote the draft) or staff's.
    "articles:verdict_submit": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 303, DENIED, 303, 303),
    },
    "articles:verdict_approve": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, DENIED, 303, 303, 303),
    },
    "articles:verdict_send_back": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, DENIED, 422, 422, 422),
    },
    # The desk's bulk actions: an empty form is refused with its message (back to the desk).
    "articles:desk_suggestions_bulk": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    "articles:desk_suggestions_undo": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, DENIED, 302, 302, 302, 302),
    },
    # API tokens: any signed-in user makes and revokes their own.
    "articles:api_tokens": {  # POST: the form again, a name is required
        "GET": (LOGIN, 200, 200, 200, 200, 200),
        "POST": (LOGIN, 422, 422, 422, 422, 422),
    },
    # The token is another user's: 404 for everyone, superusers too, as if there were none.
    "articles:api_token_revoke": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (LOGIN, 404, 404, 404, 404, 404),
    },
    # Public reads: the ClaimReview feed and the W3C Web Annotation Protocol (read-only).
    "articles:claim_review_feed": READ,
    "articles:anno_container": READ,
    "articles:anno_annotation": READ,
    "articles:anno_article_collection": READ,
    # The JSON API. Reads are everyone's (READING_REQUIRES_LOGIN is off); a write refused
    # answers JSON 401 to anonymous visitors (no redirect to log in) and 403 to those
    # signed in without the right; methods an endpoint lacks answer 405. The test Client
    # skips the CSRF check, so the session POSTs below reach the endpoint.
    "api:openapi-json": READ,
    "api:openapi-view": READ,
    "api:api-root": {"GET": (404,) * 6, "POST": (404,) * 6},  # JSON 404: see /api/docs
    "api_not_found": {"GET": (404,) * 6, "POST": (404,) * 6},  # any other path, JSON 404
    "api:article_list": READ,
    "api:article_detail": READ,
    # One URL for the list (GET) and the create (POST). POST's body is the matrix's empty
    # multipart form, not JSON: 400 once the editor is through, as for a token client.
    "api:annotation_list": {"GET": (200,) * 6, "POST": (401, DENIED, 400, 400, 400, 400)},
    "api:annotation_create_endpoint": {
        "GET": (200,) * 6,
        "POST": (401, DENIED, 400, 400, 400, 400),
    },
    # One URL for read, PATCH and DELETE (tests/test_api_writes.py covers those per role).
    "api:annotation_detail": READ,
    "api:annotation_update_endpoint": READ,
    "api:annotation_delete_endpoint": READ,
    "api:speaker_list": READ,
    "api:tag_list": READ,
    "api:outlet_list": READ,
    "api:search": {"GET": (422,) * 6, "POST": (NOT_ALLOWED,) * 6},  # GET: `q` is required
    # Imports need articles.add_article: staff without it are refused, not just non-staff.
    # The superuser's empty upload: 422, no files.
    "api:import_files": {
        "GET": (NOT_ALLOWED,) * 6,
        "POST": (401, DENIED, DENIED, DENIED, DENIED, 422),
    },
    "api:export_annotations": READ,
    "api:export_articles": READ,
}
# Every admin URL below: anonymous visitors and non-staff go to the admin's login page; staff
# without model permissions see the index but get 403 on a model's pages; superusers pass.
ADMIN_EXPECTED: dict[str, Row] = {
    "index": {"GET": (LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)},
    "model": {"GET": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, 200)},
    # POST with an empty form: the add page answers it with the form and its errors.
    "add": {
        "GET": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, 200),
        "POST": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, 200),
    },
    # An article's "Correct the text" page; POST with an empty form: the form again.
    "correct": {
        "GET": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, 200),
        "POST": (LOGIN, LOGIN, LOGIN, LOGIN, DENIED, 200),
    },
}


# The admin is tested as a group, below.
ROUTES = list(walk(admin=False))


@dataclass
class World:
    article: Article
    tag: Tag
    speaker: Speaker
    other_speaker: Speaker
    annotation: Annotation
    suggestion: Annotation
    deleted_id: int
    corrected: Article  # corrected once: two versions, and `in_review` needs review
    in_review: Annotation
    token: ApiToken  # someone else's: no role in the matrix owns it
    draft: Annotation  # a claim with a verdict in draft
    submitted: Annotation  # a claim whose verdict the matrix's editor wrote and submitted


def make_world() -> World:
    article = make_article(body="Alpha beta gamma delta.\n\nHeading\n\nEpsilon zeta eta theta.")
    tag, speaker, other = make_tag("economy"), make_speaker("Jane Minister"), make_speaker("Dup")
    annotation = make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag])
    suggestion = make_annotation(article, 6, 10, Annotation.Kind.QUOTE, status="suggested")
    doomed = make_annotation(article, 11, 16, Annotation.Kind.HIGHLIGHT)
    deleted_id = doomed.pk
    annotation_delete(annotation_id=deleted_id, user=make_user("deleter", editor=True))
    body = "The minister said the budget was balanced. Critics disagreed."
    corrected = make_article(body=body)
    at = body.index("the budget was balanced")
    in_review = make_annotation(corrected, at, at + 23, Annotation.Kind.CLAIM)
    article_correct(
        article=corrected,
        body=body.replace("was balanced", "was not balanced"),
        structure=None,
        reason="Wrong word",
        user=None,
    )
    in_review.refresh_from_db()
    assert in_review.status == Annotation.Status.NEEDS_REVIEW
    token, _ = api_token_create(user=make_user("token-owner"), name="elsewhere")
    author = make_user("m-editor", editor=True)
    judged = {"verdict": "false", "note": "Because.", "author": author}
    draft = make_annotation(article, 17, 22, Annotation.Kind.CLAIM, status="draft", **judged)
    submitted = make_annotation(
        article, 0, 5, Annotation.Kind.CLAIM, status="submitted", submitted_by=author, **judged
    )
    world = (article, tag, speaker, other, annotation, suggestion, deleted_id)
    return World(*world, corrected, in_review, token, draft, submitted)


# route name -> its path parameters, from the objects of make_world().
PARAMS: dict[str, Callable[[World], dict]] = {
    "articles:article": lambda w: {"slug": w.article.slug},
    "articles:suggestions_find": lambda w: {"slug": w.article.slug},
    "articles:annotation_create": lambda w: {"slug": w.article.slug},
    "articles:article_history": lambda w: {"slug": w.article.slug},
    "articles:tag": lambda w: {"slug": w.tag.slug},
    "articles:tag_feed": lambda w: {"slug": w.tag.slug},
    "articles:speaker": lambda w: {"slug": w.speaker.slug},
    "articles:outlet": lambda w: {"slug": w.article.outlet.slug},
    "articles:speaker_feed": lambda w: {"slug": w.speaker.slug},
    "articles:outlet_feed": lambda w: {"slug": w.article.outlet.slug},
    "articles:suggestion_accept": lambda w: {"pk": w.suggestion.pk},
    "articles:suggestion_reject": lambda w: {"pk": w.suggestion.pk},
    "articles:suggestion_edit": lambda w: {"pk": w.suggestion.pk},
    "articles:annotation_detail": lambda w: {"pk": w.annotation.pk},
    "articles:annotation_edit": lambda w: {"pk": w.annotation.pk},
    "articles:annotation_delete": lambda w: {"pk": w.annotation.pk},
    "articles:annotation_restore": lambda w: {"pk": w.deleted_id},
    "articles:speaker_edit": lambda w: {"pk": w.other_speaker.pk},
    "articles:speaker_merge": lambda w: {"pk": w.other_speaker.pk},
    "api:article_detail": lambda w: {"slug": w.article.slug},
    "api:annotation_detail": lambda w: {"pk": w.annotation.pk},
    "api:annotation_update_endpoint": lambda w: {"pk": w.annotation.pk},
    "api:annotation_delete_endpoint": lambda w: {"pk": w.annotation.pk},
    "articles:anno_annotation": lambda w: {"pk": w.annotation.pk},
    "articles:anno_article_collection": lambda w: {"slug": w.article.slug},
    "articles:article_correct": lambda w: {"slug": w.article.slug},
    "articles:correction_preview": lambda w: {"slug": w.article.slug},
    "articles:article_versions": lambda w: {"slug": w.corrected.slug},
    "articles:article_version_text": lambda w: {"slug": w.corrected.slug, "number": 2},
    "articles:article_reviews": lambda w: {"slug": w.corrected.slug},
    "articles:review_accept": lambda w: {"pk": w.in_review.pk},
    "articles:review_delete": lambda w: {"pk": w.in_review.pk},
    "articles:annotations_carry": lambda w: {"slug": w.article.slug, "source": w.corrected.slug},
    "articles:review_respan": lambda w: {"pk": w.in_review.pk},
    "articles:review_keep": lambda w: {"pk": w.in_review.pk},
    "articles:review_undo": lambda w: {"pk": w.in_review.pk},
    "articles:api_token_revoke": lambda w: {"pk": w.token.pk},
    "articles:verdict": lambda w: {"pk": w.submitted.pk},
    "articles:verdict_submit": lambda w: {"pk": w.draft.pk},
    "articles:verdict_approve": lambda w: {"pk": w.submitted.pk},
    "articles:verdict_send_back": lambda w: {"pk": w.submitted.pk},
    "api_not_found": lambda w: {"rest": "no-such-endpoint/"},
}


def url_for(route: Route, world: World) -> str:
    if not route.parameters:
        return "/" + route.pattern
    kwargs = PARAMS[route.name](world)
    assert set(kwargs) == set(route.parameters), (route.name, route.parameters)
    return reverse(route.name, kwargs=kwargs)


def clients() -> dict[str, Client]:
    users = {
        "reader": make_user("m-reader"),
        # make_world() made the editor: the author of its verdicts.
        "editor": User.objects.get(username="m-editor"),
        "reviewer": make_user("m-reviewer", reviewer=True),
        "staff": make_user("m-staff", is_staff=True),
        "superuser": make_user("m-super", is_staff=True, is_superuser=True),
    }
    result = {"anonymous": Client()}
    for role, user in users.items():
        result[role] = Client()
        result[role].force_login(user)
    return result


def status_of(client: Client, method: str, url: str) -> int:
    """One cell, rolled back afterwards (and the page cache emptied) so cells never interact."""
    cache.clear()
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response.status_code


def test_every_route_has_an_expected_row():
    missing = [r.name for r in ROUTES if r.name not in EXPECTED]
    assert not missing, (
        f"Routes without a row in EXPECTED (tests/test_permission_matrix.py): {missing}. "
        "Add one with the status each role should get for GET and POST; "
        "if the route takes path parameters, add how to fill them to PARAMS."
    )
    stale = set(EXPECTED) - {r.name for r in ROUTES}
    assert not stale, f"EXPECTED lists routes the URL configuration no longer has: {stale}"
    unfilled = [r.name for r in ROUTES if r.parameters and r.name not in PARAMS]
    assert not unfilled, f"Routes with path parameters missing from PARAMS: {unfilled}"


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_route_answers_each_role_as_expected(route):
    expected = EXPECTED.get(route.name)
    assert expected is not None, f"{route.name} has no row in EXPECTED (see the first test)"
    world = make_world()
    url = url_for(route, world)
    by_role = clients()
    actual = {m: tuple(status_of(by_role[r], m, url) for r in ROLES) for m in METHODS}
    assert actual == expected, f"{route.name} ({url}): roles {ROLES}"
    # A refused cell is refused the right way: anonymous visitors are sent to log in.
    if expected["GET"][0] == LOGIN and route.name.startswith("articles:"):
        response = by_role["anonymous"].get(url)
        assert response["Location"].startswith(reverse("login"))


def admin_urls(superuser, article: Article | None = None) -> list[tuple[str, str]]:
    """(kind, url): the index, the import page, each registered model's changelist, and its
    add page where its ModelAdmin allows adding at all (source files arrive by import only);
    with `article`, its "Correct the text" page too."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = [
        ("index", reverse("admin:index")),
        ("model", reverse("admin:articles_sourcefile_import")),
    ]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(("model", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            urls.append(("add", reverse(f"{prefix}_add")))
    if article is not None:
        urls.append(("correct", reverse("admin:articles_article_correct", args=[article.pk])))
    return urls


def test_admin_group_answers_each_role_as_expected():
    world = make_world()
    by_role = clients()
    cells = 0
    wrong = []
    for kind, url in admin_urls(User.objects.get(username="m-super"), world.article):
        for method, expected in ADMIN_EXPECTED[kind].items():
            actual = tuple(status_of(by_role[r], method, url) for r in ROLES)
            cells += len(ROLES)
            if actual != expected:
                wrong.append((url, method, actual, expected))
    assert wrong == []
    assert cells >= 60  # every registered model: a changelist each, add pages for most


def test_matrix_size():
    """The figure the issue quotes: every cell the matrix checks. A new route or admin page
    changes it: update the figures with its rows."""
    cells = len(ROUTES) * len(ROLES) * len(METHODS)
    superuser = make_user(is_staff=True, is_superuser=True)
    admin_pages = admin_urls(superuser, make_article())
    admin_cells = sum(len(ADMIN_EXPECTED[k]) * len(ROLES) for k, _ in admin_pages)
    print(
        f"permission matrix: {len(ROUTES)} routes x {len(ROLES)} roles x 2 methods = {cells}"
        f" cells, plus {admin_cells} admin cells"
    )
    assert cells == len(EXPECTED) * len(ROLES) * len(METHODS)
    assert (len(ROUTES), cells, admin_cells) == (76, 912, 180)
