"""Annotations of articles that were corrected: each W3C target says which version of the
text its selectors point into, with that version's text at a stable IRI; annotations a
correction sent to review appear nowhere a reader or another tool looks until an editor
settles them (W3C, the JSON API, the exports, the ClaimReview feed)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from articles.models import Annotation, ArticleVersion
from articles.services.reviews import annotation_review_accept
from articles.services.versions import article_correct
from tests.factories import make_annotation, make_article, make_user
from tests.w3c.suite import ANNOTATION_MUSTS, detected, failures, round_trip

pytestmark = pytest.mark.django_db

BODY = (
    "Bakan Işık 🌵 said the dam is full.\n\n"
    "Critics said the figures are made up and asked for an inquiry."
)
FIXED = (
    "Bakan Işık 🌵 said on Monday the dam is full.\n\n"
    "Critics said the figures were made up and asked for an inquiry."
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def get_json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def span(text: str, body: str = BODY) -> tuple[int, int]:
    return body.index(text), body.index(text) + len(text)


def corrected():
    """An article whose correction moves one claim (untouched words after an insertion) and
    sends the other, whose words changed, to review."""
    article = make_article(body=BODY, structure=[])
    follows = make_annotation(
        article, *span("the dam is full"), Annotation.Kind.CLAIM, verdict="false", note="31%."
    )
    changed = make_annotation(
        article,
        *span("the figures are made up"),
        Annotation.Kind.CLAIM,
        verdict="mostly-false",
        note="They are not.",
    )
    article_correct(
        article=article,
        body=FIXED,
        structure=None,
        reason="Missing day; tense",
        note="We added the day.",
        user=make_user("fixer", editor=True),
    )
    follows.refresh_from_db()
    changed.refresh_from_db()
    article.refresh_from_db()
    assert follows.status == Annotation.Status.PUBLISHED
    assert changed.status == Annotation.Status.NEEDS_REVIEW
    return article, follows, changed


def test_a_target_names_the_version_its_selectors_point_into(client):
    article = make_article(body=BODY, structure=[])
    first = make_annotation(article, *span("the dam is full"), Annotation.Kind.QUOTE)
    target = get_json(client, f"/anno/{first.pk}/")["target"]
    assert target["state"]["type"] == "TimeState"
    assert (
        target["state"]["cached"] == f"http://testserver/articles/{article.slug}/versions/1/text/"
    )

    article, follows, _ = corrected()
    data = get_json(client, f"/anno/{follows.pk}/")
    state = data["target"]["state"]
    version = ArticleVersion.objects.get(article=article, number=2)
    assert state["cached"] == f"http://testserver/articles/{article.slug}/versions/2/text/"
    assert state["sourceDate"] == version.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The cached text is what the position selector counts code points into.
    text = client.get(state["cached"]).content.decode()
    assert text == FIXED
    quote, position = data["target"]["selector"]
    assert text[position["start"] : position["end"]] == quote["exact"] == "the dam is full"
    # The first version's text stays where it was, for annotations made on it.
    assert client.get(f"/articles/{article.slug}/versions/1/text/").content.decode() == BODY


def test_a_target_with_its_state_passes_the_suite_and_expands_without_loss(client):
    _, follows, _ = corrected()
    data = get_json(client, f"/anno/{follows.pk}/")
    assert failures(data, ANNOTATION_MUSTS) == []
    # The suite's detections of a state, a TimeState and its cached copy see ours.
    for name in ("4.3-stateFound", "4.3.1-timeState", "4.3.1-cached"):
        assert detected(data, f"annotations/specificResource/{name}.json"), name
    broken = {**data, "target": {**data["target"], "state": {"type": "TimeState"}}}
    assert failures(broken, ANNOTATION_MUSTS)
    assert round_trip(data) == data


def test_the_same_state_in_pages_and_in_the_container(client):
    article, follows, _ = corrected()
    page = get_json(client, f"/anno/articles/{article.slug}/?page=0")
    container = get_json(client, "/anno/?page=first")
    own = get_json(client, f"/anno/{follows.pk}/")["target"]
    assert [item["target"] for item in page["items"]] == [own]
    assert [item["target"] for item in container["items"]] == [own]


def test_annotations_needing_review_appear_nowhere_until_reviewed(client):
    article, follows, changed = corrected()
    seen_iri = f"http://testserver/anno/{follows.pk}/"
    hidden_iri = f"http://testserver/anno/{changed.pk}/"

    def everywhere() -> dict[str, set]:
        found: dict[str, set] = {}
        found["w3c"] = {
            i["id"] for i in get_json(client, f"/anno/articles/{article.slug}/?page=0")["items"]
        }
        found["container"] = {i["id"] for i in get_json(client, "/anno/?page=first")["items"]}
        found["api"] = {i["id"] for i in get_json(client, "/api/annotations/")["items"]}
        rows = b"".join(client.get("/api/exports/annotations/?format=jsonl").streaming_content)
        found["export"] = {json.loads(line)["text"] for line in rows.splitlines()}
        feed = get_json(client, "/claims/feed.jsonld")["dataFeedElement"]
        found["claim_reviews"] = {e["item"]["claimReviewed"] for e in feed}
        page = client.get(f"/articles/{article.slug}/").content.decode()
        found["page"] = {text for text in ("31%.", "They are not.") if text in page}
        return found

    before = everywhere()
    assert client.get(f"/anno/{changed.pk}/").status_code == 404
    assert client.get(f"/api/annotations/{changed.pk}/").status_code == 404
    assert before["w3c"] == before["container"] == {seen_iri}
    assert hidden_iri not in before["w3c"] | before["container"]
    assert before["api"] == {follows.pk}
    assert before["export"] == {"the dam is full"}
    assert all("the figures" not in text for text in before["claim_reviews"])
    assert before["page"] == {"31%."}
    assert get_json(client, f"/anno/articles/{article.slug}/")["total"] == 1

    cache.clear()
    annotation_review_accept(annotation_id=changed.pk, user=make_user("reviewer", editor=True))
    after = everywhere()
    assert after["w3c"] == after["container"] == {seen_iri, hidden_iri}
    assert after["api"] == {follows.pk, changed.pk}
    assert after["export"] == {"the dam is full", "the figures were made up"}
    assert any("the figures were made up" in text for text in after["claim_reviews"])
    assert after["page"] == {"31%.", "They are not."}
    data = get_json(client, hidden_iri)
    assert data["target"]["selector"][0]["exact"] == "the figures were made up"
    assert data["target"]["state"]["cached"].endswith("/versions/2/text/")
