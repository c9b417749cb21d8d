"""The W3C Web Annotation test suite's JSON Schema assertions, and JSON-LD expansion
against the local copy of the anno.jsonld context (no network)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from pyld import jsonld  # type: ignore[import-untyped]  # pyld ships no type information
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

HERE = Path(__file__).resolve().parent
SUITE = HERE / "web-annotation-tests"
ANNO_CONTEXT_FILE = HERE / "anno.jsonld"
ANNO_CONTEXT_URLS = ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld")

ANNOTATION_MUSTS = "annotations/annotationMusts.test"
COLLECTION_MUSTS = "collections/collectionMusts.test"
PAGE_MUSTS = "collections/pages/pageMusts.test"


@cache
def _registry() -> Registry:
    """The suite's shared definitions, under the relative ids its assertions refer to them by
    (`"$ref": "collections.json#/definitions/..."`)."""
    resources = []
    for path in sorted((SUITE / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


@cache
def assertions(test_file: str) -> tuple[tuple[str, Draft4Validator], ...]:
    """(path, validator) for every assertion a `.test` file of the suite lists."""
    listed = json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"]
    found = []
    for name in listed:
        schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
        assert schema["assertionType"] == "must" and schema["expectedResult"] == "valid", name
        validator = Draft4Validator(
            schema, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER
        )
        found.append((name, validator))
    return tuple(found)


def failures(document: dict, test_file: str) -> list[str]:
    """The assertions of `test_file` that `document` fails, with the suite's message."""
    failed = []
    for name, validator in assertions(test_file):
        if not validator.is_valid(document):
            schema = validator.schema
            message = schema.get("errorMessage", "") if isinstance(schema, dict) else ""
            failed.append(f"{name}: {message}")
    return failed


class NetworkRefused(Exception):
    pass


def local_document_loader(url: str, options: Any = None) -> dict:
    """pyld's document loader: the local anno.jsonld for its URL, a refusal for any other."""
    if url in ANNO_CONTEXT_URLS:
        document = json.loads(ANNO_CONTEXT_FILE.read_text(encoding="utf-8"))
        return {"contextUrl": None, "documentUrl": url, "document": document}
    raise NetworkRefused(f"no network in tests: refused to load {url}")


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": local_document_loader})


def round_trip(document: dict) -> dict:
    """Expanded, then compacted again with the document's own context: equal to the document
    when no key or value was lost (an undefined term is dropped by expansion)."""
    options = {"documentLoader": local_document_loader}
    return jsonld.compact(jsonld.expand(document, options), document["@context"], options)


@cache
def _validator(name: str) -> Draft4Validator:
    schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
    return Draft4Validator(
        schema, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER
    )


def detected(document: dict, name: str) -> bool:
    """Whether one of the suite's detections (a `may` or `should` assertion, valid when the
    feature it looks for is present and well formed) finds its feature in `document`."""
    return _validator(name).is_valid(document)
