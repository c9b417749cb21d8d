"""The W3C Web Annotation representation of published annotations, their collections and pages.

Pure functions from loaded annotations to JSON-LD dicts (https://www.w3.org/TR/annotation-model/,
https://www.w3.org/TR/annotation-protocol/): no query, no request. `Site` carries what a
representation needs to know about where it is served (the absolute base URL and the newsroom's
name); the views in `articles/views/web_annotation.py` build one per request, and any other
caller (an export, the JSON API) can build its own.

Load the annotations with `Annotation.objects.for_web_annotation()` (speaker, the author's name,
the article's slug and tags in one query); each function documents what it reads.

IRIs (see README, "W3C Web Annotations"):

| resource | IRI |
|---|---|
| an annotation | `/anno/<id>/` (ids are never reused, so the IRI outlives slug changes) |
| the site-wide container, newest first | `/anno/` |
| its pages (keyset on id) | `/anno/?page=first`, `?page=last`, `?before=<id>`, `?after=<id>` |
| an article's collection, text order | `/anno/articles/<slug>/` |
| its pages (offset) | `/anno/articles/<slug>/?page=<n>` (0-based) |
| a version of its text (`state.cached`) | `/articles/<slug>/versions/<n>/text/` |

Pages carry `iris=1` when they list IRIs only (Prefer: PreferContainedIRIs), so a page's IRI
says what it holds.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from articles.models import Annotation

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_PROFILE = ANNO_CONTEXT
CONTENT_TYPE = f'application/ld+json; profile="{ANNO_PROFILE}"'
LDP_BASIC_CONTAINER = "http://www.w3.org/ns/ldp#BasicContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PAGE_SIZE = 100

MOTIVATIONS = {
    Annotation.Kind.QUOTE: "highlighting",
    Annotation.Kind.HIGHLIGHT: "highlighting",
    Annotation.Kind.CLAIM: "assessing",
}


@dataclasses.dataclass(frozen=True)
class Site:
    """Where the representations are served: `base` is scheme and host, no trailing slash
    ("https://news.example.org"); `newsroom` names the creator of annotations whose editor
    has no full name (settings.NEWSROOM_NAME)."""

    base: str
    newsroom: str

    def url(self, path: str) -> str:
        return self.base + path


def annotation_path(pk: int) -> str:
    return f"/anno/{pk}/"


def container_path() -> str:
    return "/anno/"


def article_collection_path(slug: str) -> str:
    return f"/anno/articles/{slug}/"


def article_path(slug: str) -> str:
    return f"/articles/{slug}/"


def version_text_path(slug: str, number: int) -> str:
    return f"/articles/{slug}/versions/{number}/text/"


def speaker_path(slug: str) -> str:
    return f"/speakers/{slug}/"


def _timestamp(value: datetime.datetime) -> str:
    """xsd:dateTime in UTC with a Z, as the model asks (3.3.1)."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def creator(annotation: Annotation, site: Site) -> dict[str, str]:
    """Who made it, without the editor's login name: their full name when they gave one
    (a Person), else the newsroom (an Organization). Reads `author_name` where the query
    annotated it (`for_web_annotation`), else `annotation.author`."""
    name = getattr(annotation, "author_name", None)
    if name is None:
        author = annotation.author
        name = author.get_full_name() if author is not None else ""
    if name.strip():
        return {"type": "Person", "name": name.strip()}
    return {"type": "Organization", "name": site.newsroom}


def target(annotation: Annotation, site: Site, slug: str) -> dict[str, Any]:
    """The span in the article: quote selector (exact, prefix, suffix) and code-point position
    selector into the article's text, the text the reading page shows, and the state the
    selectors describe (model 4.3.1): a TimeState whose `sourceDate` is when that version
    of the text was stored and whose `cached` is that version's text, so a client can check
    `text[start:end] == exact` long after the article is corrected again.

    Reads `text_version` and `text_date` where the query annotated them (`for_web_annotation`),
    else the article's own fields.
    """
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": annotation.exact}
    if annotation.prefix:
        quote["prefix"] = annotation.prefix
    if annotation.suffix:
        quote["suffix"] = annotation.suffix
    position = {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
    number = getattr(annotation, "text_version", None)
    stored = getattr(annotation, "text_date", None)
    if number is None or stored is None:
        article = annotation.article
        number = article.version_number
        stored = article.text_modified_at or article.created_at
    state = {
        "type": "TimeState",
        "sourceDate": _timestamp(stored),
        "cached": site.url(version_text_path(slug, number)),
    }
    return {"source": site.url(article_path(slug)), "state": state, "selector": [quote, position]}


def bodies(annotation: Annotation, site: Site) -> list[dict[str, Any]]:
    """Note (commenting), tags (tagging), speaker (identifying: their page) and verdict
    (assessing). Reads `speaker` and `reading_tags`."""
    found: list[dict[str, Any]] = []
    if annotation.note:
        found.append(
            {
                "type": "TextualBody",
                "value": annotation.note,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    for tag in annotation.reading_tags:
        found.append({"type": "TextualBody", "value": tag.name, "purpose": "tagging"})
    if annotation.speaker is not None:
        found.append(
            {
                "type": "SpecificResource",
                "purpose": "identifying",
                "source": site.url(speaker_path(annotation.speaker.slug)),
            }
        )
    if annotation.verdict:
        found.append(
            {
                "type": "TextualBody",
                "value": annotation.get_verdict_display(),
                "purpose": "assessing",
            }
        )
    return found


def annotation_json(
    annotation: Annotation, site: Site, *, article_slug: str | None = None, context: bool = True
) -> dict[str, Any]:
    """One published annotation as a W3C Web Annotation.

    `article_slug` saves reading `annotation.article` when the caller knows it; `context=False`
    leaves out `@context`, for annotations embedded in a page that carries it.
    """
    slug = article_slug if article_slug is not None else annotation.article.slug
    data: dict[str, Any] = {}
    if context:
        data["@context"] = ANNO_CONTEXT
    data["id"] = site.url(annotation_path(annotation.pk))
    data["type"] = "Annotation"
    data["motivation"] = MOTIVATIONS[Annotation.Kind(annotation.kind)]
    data["created"] = _timestamp(annotation.created_at)
    data["modified"] = _timestamp(annotation.updated_at)
    data["creator"] = creator(annotation, site)
    found = bodies(annotation, site)
    if found:
        data["body"] = found if len(found) > 1 else found[0]
    data["target"] = target(annotation, site, slug)
    return data


def _with_query(path: str, **params: object) -> str:
    shown = {key: value for key, value in params.items() if value is not None}
    return f"{path}?{urlencode(shown)}" if shown else path


@dataclasses.dataclass(frozen=True)
class PageLinks:
    """Where a page sits: IRIs (paths) of itself, its collection, first, last, and its
    neighbours (None: none), and, for offset pages, its first item's index."""

    id: str
    collection: str
    first: str
    last: str
    next: str | None
    prev: str | None
    start_index: int | None = None


def last_page_number(total: int) -> int:
    return max(0, (total - 1) // PAGE_SIZE)


def article_page_links(slug: str, number: int, total: int, *, iris: bool) -> PageLinks:
    """Offset pages of an article's collection: page `number` (0-based) of PAGE_SIZE."""
    path = article_collection_path(slug)
    last = last_page_number(total)

    def page(n: int) -> str:
        return _with_query(path, iris=1 if iris else None, page=n)

    return PageLinks(
        id=page(number),
        collection=path,
        first=page(0),
        last=page(last),
        next=page(number + 1) if number < last else None,
        prev=page(number - 1) if number > 0 else None,
        start_index=number * PAGE_SIZE,
    )


@dataclasses.dataclass(frozen=True)
class Cursor:
    """Which keyset page of the site-wide container: `first` (newest), `last` (oldest),
    `before` an id (older than it) or `after` an id (newer than it)."""

    kind: str = "first"
    id: int | None = None

    def query(self) -> dict[str, object]:
        if self.kind in ("before", "after"):
            return {self.kind: self.id}
        return {"page": self.kind}


def parse_cursor(params: dict[str, str]) -> Cursor | None:
    """The cursor a page's query names; None when the query names no page (the container
    itself). Raises ValueError for a malformed one."""
    for kind in ("before", "after"):
        if kind in params:
            value = params[kind]
            if not value.isascii() or not value.isdigit() or len(value) > 18:
                raise ValueError(f"“{kind}” must be an annotation id (a whole number).")
            return Cursor(kind, int(value))
    if "page" in params:
        if params["page"] not in ("first", "last"):
            raise ValueError("“page” must be “first” or “last” (or use before=/after=<id>).")
        return Cursor(params["page"])
    return None


def container_page_links(
    cursor: Cursor, items: Sequence[Annotation], *, newer: bool, older: bool, iris: bool
) -> PageLinks:
    """Keyset pages of the site-wide container, newest first: `items` in that order;
    `newer`/`older`: whether anything lies either side of them."""
    path = container_path()
    mode = 1 if iris else None
    return PageLinks(
        id=_with_query(path, iris=mode, **cursor.query()),
        collection=path,
        first=_with_query(path, iris=mode, page="first"),
        last=_with_query(path, iris=mode, page="last"),
        next=_with_query(path, iris=mode, before=items[-1].pk) if items and older else None,
        prev=_with_query(path, iris=mode, after=items[0].pk) if items and newer else None,
    )


def page_json(
    links: PageLinks,
    items: Iterable[Annotation],
    site: Site,
    *,
    total: int,
    iris: bool,
    article_slug: str | None = None,
    context: bool = True,
) -> dict[str, Any]:
    """An AnnotationPage: its items (full descriptions, or IRIs when `iris`), partOf (the
    collection with its total), next/prev where there are neighbours, startIndex for offset
    pages."""
    data: dict[str, Any] = {}
    if context:
        data["@context"] = ANNO_CONTEXT
    data["id"] = site.url(links.id)
    data["type"] = "AnnotationPage"
    data["partOf"] = {"id": site.url(links.collection), "total": total}
    if links.next is not None:
        data["next"] = site.url(links.next)
    if links.prev is not None:
        data["prev"] = site.url(links.prev)
    if links.start_index is not None:
        data["startIndex"] = links.start_index
    if iris:
        data["items"] = [site.url(annotation_path(a.pk)) for a in items]
    else:
        data["items"] = [
            annotation_json(a, site, article_slug=article_slug, context=False) for a in items
        ]
    return data


def collection_json(
    links: PageLinks,
    site: Site,
    *,
    label: str,
    total: int,
    modified: datetime.datetime | None,
    first_page: dict[str, Any] | None,
) -> dict[str, Any]:
    """An AnnotationCollection that is an LDP Basic Container: total, first (the page
    embedded when given, else its IRI) and last.

    The container type is written as its full IRI: the anno.jsonld context alone does not
    define `BasicContainer`, and the full IRI expands the same without the LDP context.
    """
    data: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": site.url(links.collection),
        "type": [LDP_BASIC_CONTAINER, "AnnotationCollection"],
        "label": label,
        "total": total,
    }
    if modified is not None:
        data["modified"] = _timestamp(modified)
    if total:
        data["first"] = first_page if first_page is not None else site.url(links.first)
        data["last"] = site.url(links.last)
    return data


@dataclasses.dataclass(frozen=True)
class Preference:
    """What a client's Prefer header asks of a container (protocol 4.2): the annotations
    as IRIs or full descriptions, and whether to embed the first page at all."""

    iris: bool = False
    minimal: bool = False

    @property
    def applied(self) -> bool:
        return self.iris or self.minimal


def parse_prefer(header: str) -> Preference:
    """`return=representation; include="<iri> <iri>"` → Preference. Unknown or malformed
    preferences are ignored, as RFC 7240 asks; descriptions are the default."""
    include: list[str] = []
    for preference in header.split(","):
        parts = [part.strip() for part in preference.split(";")]
        if not parts or parts[0].replace(" ", "") != "return=representation":
            continue
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip() == "include":
                include.extend(value.strip().strip('"').split())
    iris = PREFER_IRIS in include and PREFER_DESCRIPTIONS not in include
    return Preference(iris=iris, minimal=PREFER_MINIMAL in include)
