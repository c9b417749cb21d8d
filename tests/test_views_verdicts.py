"""A claim's verdict page and its steps through the test client, and what readers see of a
verdict before and after a second editor approved it (the services: test_services_verdicts;
every role on every verdict URL: test_permission_matrix)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Annotation
from articles.rendering import verdict_badge
from articles.services import verdicts
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

BODY = "The minister said unemployment had halved. Critics disagreed. She said more."
WORDS = "unemployment had halved"
JUDGED = {"verdict": "false", "note": "ONS figures show a 10% fall."}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author():
    return make_user("author", editor=True, first_name="Ada", last_name="Author")


@pytest.fixture
def reviewer():
    return make_user("reviewer", reviewer=True, first_name="Rex", last_name="Reviewer")


def claim(author, status="draft", **fields) -> Annotation:
    article = make_article(body=BODY, title="Jobs figures")
    at = BODY.index(WORDS)
    values = {**JUDGED, "author": author, "status": status, **fields}
    if status == "submitted":
        values.setdefault("submitted_by", author)
    return make_annotation(article, at, at + len(WORDS), Annotation.Kind.CLAIM, **values)


def page(client: Client, pk: int) -> str:
    response = client.get(reverse("articles:verdict", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_claim_in_context_and_what_comes_next(author):
    draft = claim(author, claimant=make_speaker("Jo Minister"), sources=["https://ons.gov.uk/x"])
    html = page(client_for(author), draft.pk)
    assert "The minister said <mark>unemployment had halved</mark>. Critics" in html
    assert verdict_badge("false") in html
    assert "ONS figures show a 10% fall." in html
    assert '<a href="/speakers/jo-minister/">Jo Minister</a>' in html
    assert 'href="https://ons.gov.uk/x" rel="nofollow noopener noreferrer"' in html
    assert "Verdict in draft" in html and "Submit for review" in html
    assert "Approve and publish" not in html


def test_a_reviewer_sees_approve_and_send_back_the_author_sees_why_not(author, reviewer):
    submitted = claim(author, "submitted")
    html = page(client_for(reviewer), submitted.pk)
    assert "Approve and publish" in html and 'name="comment"' in html
    html = page(client_for(author), submitted.pk)
    assert "Approve and publish" not in html
    assert verdicts.NOT_A_REVIEWER in html
    other = make_user(reviewer=True)
    own = claim(other, "submitted", submitted_by=other)
    assert verdicts.OWN_VERDICT in page(client_for(other), own.pk)


def test_submit_approve_each_redirect_to_the_page_with_their_message(author, reviewer):
    draft = claim(author)
    url = reverse("articles:verdict", args=[draft.pk])
    response = client_for(author).post(reverse("articles:verdict_submit", args=[draft.pk]))
    assert response.status_code == 303 and response["Location"] == url + "#verdict-status"
    reviewing = client_for(reviewer)
    response = reviewing.post(reverse("articles:verdict_approve", args=[draft.pk]), follow=True)
    assert verdicts_done("approve") in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published" and draft.reviewer == reviewer


def verdicts_done(step: str) -> str:
    from articles.views.verdicts import DONE

    return DONE[step]


def test_the_author_approving_their_own_verdict_is_refused_with_the_reason(author):
    author.groups.add(*make_user(reviewer=True).groups.all())  # now a reviewer too
    submitted = claim(author, "submitted")
    response = client_for(author).post(reverse("articles:verdict_approve", args=[submitted.pk]))
    assert response.status_code == 403
    assert verdicts.OWN_VERDICT in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_send_back_without_a_comment_is_refused_and_a_long_one_kept(author, reviewer):
    submitted = claim(author, "submitted")
    url = reverse("articles:verdict_send_back", args=[submitted.pk])
    response = client_for(reviewer).post(url, {"comment": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert verdicts.COMMENT_NEEDED in html and 'aria-invalid="true"' in html
    long = "Cite the source. " * 400
    response = client_for(reviewer).post(url, {"comment": long})
    assert response.status_code == 422 and "At most 5000 characters" in response.content.decode()
    assert "Cite the source. Cite the source." in response.content.decode()
    response = client_for(reviewer).post(url, {"comment": "Cite the ONS table."})
    assert response.status_code == 303
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == ("returned", "Cite the ONS table.")
    html = page(client_for(author), submitted.pk)
    assert "Cite the ONS table." in html and "Submit for review" in html


def test_a_step_out_of_turn_is_a_409_with_its_message(author, reviewer):
    draft = claim(author)
    response = client_for(reviewer).post(reverse("articles:verdict_approve", args=[draft.pk]))
    assert response.status_code == 409
    assert "only a submitted verdict can be approved" in response.content.decode()


def test_not_a_claim_or_no_such_annotation_is_a_404(author):
    article = make_article(body=BODY)
    quote = make_annotation(article, 0, 3, Annotation.Kind.QUOTE)
    editor = client_for(author)
    for pk in (quote.pk, 999_999):
        assert editor.get(reverse("articles:verdict", args=[pk])).status_code == 404
        submit = reverse("articles:verdict_submit", args=[pk])
        assert editor.post(submit).status_code == 404


def test_the_page_and_each_step_take_a_fixed_number_of_queries(
    author, reviewer, django_assert_num_queries
):
    submitted = claim(author, "submitted", claimant=make_speaker("Jo"))
    reviewing = client_for(reviewer)
    url = reverse("articles:verdict", args=[submitted.pk])
    reviewing.get(url)
    # session, user with roles, the claim with its article, outlet, people and claimant, its
    # tags, its history with each revision's editor.
    with django_assert_num_queries(5):
        reviewing.get(url)
    # session, user, savepoint, the claim locked, its tags (for the history), its update,
    # its revision, release (the message goes in a cookie).
    with django_assert_num_queries(8):
        reviewing.post(reverse("articles:verdict_approve", args=[submitted.pk]))


def test_readers_see_a_verdict_only_once_approved_with_its_badge_reviewer_and_sources(
    client, author, reviewer
):
    draft = claim(author, claimant=make_speaker("Jo Minister"), sources=["https://ons.gov.uk/x"])
    article_url = draft.article.get_absolute_url()
    html = client.get(article_url).content.decode()
    assert WORDS not in html.split('id="annotation-list"')[1]
    assert "ClaimReview" not in html
    verdicts.verdict_submit(annotation_id=draft.pk, user=author)
    assert "ClaimReview" not in client.get(article_url).content.decode()
    assert (
        json.loads(b"".join(client.get("/claims/feed.jsonld").streaming_content))["dataFeedElement"]
        == []
    )
    verdicts.verdict_approve(annotation_id=draft.pk, user=reviewer)
    html = client.get(article_url).content.decode()
    assert "Verdict: " + verdict_badge("false") in html
    assert re.search(r"verdict reviewed by Rex Reviewer, <time datetime=\"[^\"]+\">", html)
    assert "reviewer</" not in html  # the login name stays private
    assert 'href="https://ons.gov.uk/x" rel="nofollow noopener noreferrer">ons.gov.uk</a>' in html
    assert 'by <a href="/speakers/jo-minister/">Jo Minister</a>' in html
    found = re.search(r'type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    ld = json.loads(found[1])
    review = next(node for node in ld["@graph"] if node["@type"] == "ClaimReview")
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Jo Minister"}
    assert review["citation"] == [{"@type": "CreativeWork", "url": "https://ons.gov.uk/x"}]
    feed = json.loads(b"".join(client.get("/claims/feed.jsonld").streaming_content))
    (element,) = feed["dataFeedElement"]
    assert element["item"] == review


def test_editors_see_their_verdicts_in_review_marked_on_the_article(author):
    draft = claim(author)
    html = client_for(author).get(draft.article.get_absolute_url()).content.decode()
    assert 'class="annotation-item kind-claim is-draft"' in html
    assert "(verdict in draft)" in html
    assert f'<mark class="ann ann-claim is-draft" data-annotation="{draft.pk}"' in html


def test_a_speaker_page_lists_the_claims_they_made(client, author, reviewer):
    jo = make_speaker("Jo Minister")
    made = claim(author, "submitted", claimant=jo)
    html = client.get(jo.get_absolute_url()).content.decode()
    assert WORDS not in html  # not approved yet
    verdicts.verdict_approve(annotation_id=made.pk, user=reviewer)
    html = client.get(jo.get_absolute_url()).content.decode()
    assert WORDS in html and verdict_badge("false") in html


def test_an_editors_counts_and_filters_count_the_verdicts_in_review_they_list(author):
    draft = claim(author)
    make_annotation(draft.article, 0, 3, Annotation.Kind.QUOTE)
    html = client_for(author).get(draft.article.get_absolute_url()).content.decode()
    assert "2 annotations, in text order" in html
    assert re.search(r'id="filter-kind-claim"[^>]*>Claims <span class="count">1</span>', html)
    reader = Client().get(draft.article.get_absolute_url()).content.decode()
    assert "1 annotation, in text order" in reader and 'id="filter-kind-claim"' not in reader
