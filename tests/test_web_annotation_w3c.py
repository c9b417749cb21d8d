"""What /anno/ serves passes the W3C Web Annotation test suite's `must` assertions, and
expands as JSON-LD (against the local anno.jsonld) without losing anything."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from jsonschema import Draft4Validator

from tests.w3c.corpus import make_corpus
from tests.w3c.suite import (
    ANNOTATION_MUSTS,
    COLLECTION_MUSTS,
    PAGE_MUSTS,
    NetworkRefused,
    assertions,
    expand,
    failures,
    round_trip,
)

pytestmark = pytest.mark.django_db

IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def get_json(client, url: str, **headers: str) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.content)
    return json.loads(response.content)


def served(client) -> dict[str, list[dict]]:
    """Everything the export serves for the corpus: each annotation, each collection and
    page, in both modes (descriptions and IRIs)."""
    corpus = make_corpus()
    annotations = [get_json(client, f"/anno/{a.pk}/") for a in corpus.published]
    collections, pages = [], []
    for article in (corpus.turkish, corpus.english):
        url = f"/anno/articles/{article.slug}/"
        collections += [get_json(client, url), get_json(client, url, Prefer=IRIS)]
        pages += [get_json(client, url + "?page=0"), get_json(client, url + "?iris=1&page=0")]
    collections += [get_json(client, "/anno/"), get_json(client, "/anno/", Prefer=IRIS)]
    for query in ("page=first", "page=last", "iris=1&page=first"):
        pages.append(get_json(client, "/anno/?" + query))
    embedded = [item for page in pages for item in page["items"] if isinstance(item, dict)]
    return {
        "annotations": annotations,
        "embedded": embedded,
        "collections": collections,
        "pages": pages,
    }


def test_the_suite_lists_every_assertion_it_is_run_with():
    # The .test files name 54 annotation, 10 collection and 15 page assertions.
    assert (len(assertions(ANNOTATION_MUSTS)), len(assertions(COLLECTION_MUSTS))) == (54, 10)
    assert len(assertions(PAGE_MUSTS)) == 15
    # Without them the suite's date-time and uri formats would pass anything.
    assert {"date-time", "uri"} <= set(Draft4Validator.FORMAT_CHECKER.checkers)


def test_every_annotation_passes_every_must_assertion(client):
    documents = served(client)
    assert len(documents["annotations"]) == 7
    assert len(documents["embedded"]) == 7 * 2 + 7  # per article page, then the container
    for annotation in documents["annotations"]:
        assert failures(annotation, ANNOTATION_MUSTS) == [], annotation
    for embedded in documents["embedded"]:
        # Embedded in a page that carries @context, as the protocol's examples show them.
        document = {"@context": "http://www.w3.org/ns/anno.jsonld", **embedded}
        assert failures(document, ANNOTATION_MUSTS) == [], embedded


def test_every_collection_and_page_passes_every_must_assertion(client):
    documents = served(client)
    for collection in documents["collections"]:
        assert failures(collection, COLLECTION_MUSTS) == [], collection
        # A collection with its first page embedded is also checked as a page.
        assert failures(collection, PAGE_MUSTS) == [], collection
    for page in documents["pages"]:
        assert failures(page, PAGE_MUSTS) == [], page


def test_the_assertions_catch_a_broken_annotation(client):
    corpus = make_corpus()
    good = get_json(client, f"/anno/{corpus.published[0].pk}/")
    assert failures({k: v for k, v in good.items() if k != "target"}, ANNOTATION_MUSTS)
    assert failures({**good, "bodyValue": "both"}, ANNOTATION_MUSTS)
    assert failures({**good, "created": "yesterday"}, ANNOTATION_MUSTS)
    position = {"type": "TextPositionSelector", "start": -1, "end": 3}
    broken = {**good, "target": {"source": good["target"]["source"], "selector": position}}
    assert failures(broken, ANNOTATION_MUSTS)
    collection = get_json(client, f"/anno/articles/{corpus.turkish.slug}/")
    assert failures({**collection, "type": "Collection"}, COLLECTION_MUSTS)


def test_everything_served_expands_as_json_ld_without_loss(client):
    documents = served(client)
    for document in documents["annotations"] + documents["collections"] + documents["pages"]:
        expanded = expand(document)
        assert expanded and expanded[0]["@id"] == document["id"]
        assert round_trip(document) == document


def test_expansion_keeps_the_w3c_terms(client):
    corpus = make_corpus()
    quote = expand(get_json(client, f"/anno/{corpus.published[0].pk}/"))[0]
    oa = "http://www.w3.org/ns/oa#"
    assert quote["@type"] == [oa + "Annotation"]
    assert quote[oa + "motivatedBy"] == [{"@id": oa + "highlighting"}]
    purposes = {p["@id"] for body in quote[oa + "hasBody"] for p in body[oa + "hasPurpose"]}
    assert purposes == {oa + "commenting", oa + "tagging", oa + "identifying"}
    claim = expand(get_json(client, f"/anno/{corpus.published[1].pk}/"))[0]
    assert claim[oa + "motivatedBy"] == [{"@id": oa + "assessing"}]


def test_a_term_the_context_does_not_define_would_be_caught():
    document = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://x/1", "colour": 1}
    assert round_trip(document) != document


def test_the_document_loader_never_reaches_the_network():
    with pytest.raises(Exception) as raised:
        expand({"@context": "http://example.org/context.jsonld", "id": "http://x/1"})
    cause: BaseException | None = raised.value
    while cause is not None and not isinstance(cause, NetworkRefused):
        cause = cause.__cause__ or getattr(cause, "cause", None)
    assert isinstance(cause, NetworkRefused)
