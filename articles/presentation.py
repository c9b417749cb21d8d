"""What the reading pages show, computed for their templates: the article page's filters and
their links, the annotations' outlines and the page's context with its cached fragments;
open-ended paging; which requests get a page's fragment.

HTML itself is built by templates and `rendering`; page versions and cache keys are
`page_cache`'s.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.forms import AnnotationFilter
from articles.http import HtmxHttpRequest
from articles.models import SPAN_HOLDING_STATUSES, VERDICT_REVIEW_STATUSES, Annotation, Article
from articles.page_cache import fragment_key
from articles.rendering import (
    VERDICT_LABELS,
    Mark,
    render_annotation_items,
    render_body,
    render_filter_links,
    render_json_ld,
)
from articles.structured_data import article_json_ld

PAGE_SIZE = 20
# Rendered fragments are keyed by the article and its annotations' version (see
# models.AnnotationsVersion); the expiry bounds memory, and how long a renamed author
# account keeps its old name on the page.
FRAGMENT_CACHE_SECONDS = 3600


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx swap, which gets the page's fragment; not a history restore, which needs the
    whole page (htmx asks for it when its snapshot of a pushed URL is gone)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@dataclass(frozen=True)
class Outline:
    """What the marks, the filters and their counts need of an annotation: no note, author or
    dates. Built from a model instance (`of`) or from `Annotation.objects.outlines()` rows."""

    id: int
    start: int
    end: int
    kind: str
    status: str
    speaker: tuple[str, str] | None  # (slug, name)
    tags: tuple[tuple[str, str], ...]  # (slug, name) each

    @classmethod
    def of(cls, a: Annotation | ReadingAnnotation) -> Outline:
        speaker = (a.speaker.slug, a.speaker.name) if a.speaker is not None else None
        tags = tuple((t.slug, t.name) for t in a.reading_tags)
        return cls(a.id, a.start, a.end, a.kind, a.status, speaker, tags)

    @classmethod
    def from_row(cls, row: tuple) -> Outline:
        """From a row of `Annotation.objects.outlines()`."""
        pk, start, end, kind, status, speaker_slug, speaker_name, tag_slugs, tag_names = row
        speaker = (speaker_slug, speaker_name) if speaker_slug else None
        tags = tuple(zip(tag_slugs, tag_names, strict=True))
        return cls(pk, start, end, kind, status, speaker, tags)

    def mark(self) -> Mark:
        css = ""
        if self.status == Annotation.Status.SUGGESTED:
            css = "is-suggested"
        elif self.status in VERDICT_REVIEW_STATUSES:
            css = "is-draft"
        return Mark(self.id, self.start, self.end, self.kind, css=css)


@dataclass(frozen=True, slots=True)
class Named:
    """A speaker or tag as the reading page shows it."""

    slug: str
    name: str


_KIND_LABELS = {value: str(label) for value, label in Annotation.Kind.choices}


@dataclass(frozen=True, slots=True)
class ReadingAnnotation:
    """A published annotation as the article page shows it, from a row of
    `Annotation.objects.reading_rows()`: what its mark, list entry (`rendering`), filter
    counts (`Outline.of`) and JSON-LD (`structured_data`) read of a model instance, under
    the same names, and its dates already formatted (`created_iso`, `created_label`)."""

    id: int
    start: int
    end: int
    kind: str
    status: str
    verdict: str
    note: str
    exact: str
    speaker_id: int | None
    speaker: Named | None
    author_name: str | None
    created_iso: str
    created_label: str
    reading_tags: tuple[Named, ...]
    claimant: Named | None
    reviewer_name: str | None
    reviewed_iso: str | None
    reviewed_label: str | None
    sources: list[str]

    @classmethod
    def from_row(cls, row: tuple) -> ReadingAnnotation:
        (pk, start, end, kind, status, verdict, note, exact, speaker_id, speaker_slug,
         speaker_name, author, created_iso, created_label, tags, claimant_slug, claimant_name,
         reviewer, reviewed_iso, reviewed_label, sources) = row  # fmt: skip
        return cls(
            pk, start, end, kind, status, verdict, note, exact, speaker_id,
            Named(speaker_slug, speaker_name) if speaker_id is not None else None,
            author, created_iso, created_label,
            tuple(Named(slug, name) for slug, name in tags),
            Named(claimant_slug, claimant_name) if claimant_slug is not None else None,
            reviewer, reviewed_iso, reviewed_label, sources or [],
        )  # fmt: skip

    @property
    def created_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.created_iso)

    @property
    def rating(self) -> int | None:
        return Annotation.VERDICT_RATINGS.get(self.verdict)

    def get_kind_display(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    def get_verdict_display(self) -> str:
        return VERDICT_LABELS.get(self.verdict, self.verdict)


def matches(outline: Outline, filters: dict[str, str]) -> bool:
    if "kind" in filters and outline.kind != filters["kind"]:
        return False
    speaker = outline.speaker[0] if outline.speaker is not None else None
    if "speaker" in filters and speaker != filters["speaker"]:
        return False
    return "tag" not in filters or any(slug == filters["tag"] for slug, _ in outline.tags)


def filter_options(
    annotations: list[Outline], filters: dict[str, str], base_url: str
) -> dict[str, list[dict]]:
    """The filter links: kinds, speakers and tags present, each with its count within the
    active filter.

    A value's count is how many annotations its link would show: those matching the other
    groups' filters and that value (under "Claims", a speaker counts their claims), so a
    count never leads to "No annotation matches". Values the other filters leave at zero
    are left out, except the current one, which its link turns off again. Each link
    toggles its value on top of the other filters; hrefs are built here once (the page is
    cached per filter) instead of per link in the template.
    """
    kinds: dict[str, int] = {}
    tags: dict[str, list] = {}
    speakers: dict[str, list] = {}
    within_others = 0
    for a in annotations:
        speaker = a.speaker[0] if a.speaker is not None else None
        kind_ok = "kind" not in filters or a.kind == filters["kind"]
        speaker_ok = "speaker" not in filters or speaker == filters["speaker"]
        tag_ok = "tag" not in filters or any(slug == filters["tag"] for slug, _ in a.tags)
        if speaker_ok and tag_ok:
            within_others += 1
        kinds.setdefault(a.kind, 0)
        if speaker_ok and tag_ok:
            kinds[a.kind] += 1
        for slug, name in a.tags:
            tags.setdefault(slug, [name, 0])[1] += int(kind_ok and speaker_ok)
        if a.speaker is not None:
            speakers.setdefault(a.speaker[0], [a.speaker[1], 0])[1] += int(kind_ok and tag_ok)

    def link(field: str, value: str, label: str, count: int) -> dict:
        current = filters.get(field, "") == value
        wanted = {**filters, field: "" if current and value else value}
        query = urlencode({k: v for k, v in sorted(wanted.items()) if v})
        return {
            "id": f"filter-{field}-{value or 'all'}",
            "href": f"{base_url}?{query}" if query else base_url,
            "label": label,
            "count": count,
            "current": current,
        }

    def shown(field: str, value: str, count: int) -> bool:
        return count > 0 or filters.get(field) == value

    kind_links = [link("kind", "", "All", within_others)] + [
        link("kind", value, f"{label}s", kinds[value])
        for value, label in Annotation.Kind.choices
        if value in kinds and shown("kind", value, kinds[value])
    ]

    def by_name(item: tuple) -> str:
        return item[1][0].lower()

    return {
        "kinds": kind_links,
        "speakers": [
            link("speaker", slug, name, n)
            for slug, (name, n) in sorted(speakers.items(), key=by_name)
            if shown("speaker", slug, n)
        ],
        "tags": [
            link("tag", slug, f"#{name}", n)
            for slug, (name, n) in sorted(tags.items(), key=by_name)
            if shown("tag", slug, n)
        ],
    }


def filter_links(published: list[Outline], filters: dict[str, str], article: Article) -> SafeString:
    """The article page's filter groups, as HTML, for its published annotations."""
    return render_filter_links(filter_options(published, filters, article.get_absolute_url()))


def _annotated_fragments(
    request: HttpRequest,
    article: Article,
    filters: dict[str, str],
    include_suggestions: bool,
    *,
    lazy: bool = False,
) -> dict:
    """The costly part of the page: marks, the annotation list, filter counts, JSON-LD.

    With `lazy`, the filter links and JSON-LD are callables the template calls only if it
    shows them: a write's answer (body, list, filters) skips building the JSON-LD.
    """
    everything: list
    if hasattr(article, "reading_annotations"):
        everything = [
            a
            for a in article.reading_annotations
            if include_suggestions or a.status == Annotation.Status.PUBLISHED
        ]
    elif include_suggestions:
        # Editors' pages also list the suggestions, as model instances for their panel.
        prefetch_related_objects([article], Article.objects.reading_annotations_prefetch(True))
        everything = article.reading_annotations
    else:
        rows = Annotation.objects.reading_rows(
            article.pk,
            time_zone=timezone.get_current_timezone_name(),
            statuses=[Annotation.Status.PUBLISHED],
        )
        everything = [ReadingAnnotation.from_row(row) for row in rows]
    outlines = {a.id: Outline.of(a) for a in everything}
    shown = [a for a in everything if matches(outlines[a.id], filters)]
    marks = [outlines[a.id].mark() for a in shown]
    published = [a for a in everything if a.status == Annotation.Status.PUBLISHED]
    # Suggestions are marked in the text but listed apart, in the editors' panel; claims
    # whose verdict is in review are listed (editors only: readers' queries never load them).
    listed = [a for a in shown if a.status in SPAN_HOLDING_STATUSES]

    # What the list's count and filter counts count: what it can list (for editors, verdicts
    # in review too; readers' pages load only published ones).
    counted = [a for a in everything if a.status in SPAN_HOLDING_STATUSES]

    def links() -> SafeString:
        return filter_links([outlines[a.id] for a in counted], filters, article)

    def structured_data() -> SafeString:
        page_url = request.build_absolute_uri(article.get_absolute_url())
        return render_json_ld(article_json_ld(article, published, page_url))

    return {
        "body_html": render_body(article.body, article.structure, marks),
        "annotation_items": render_annotation_items(listed),
        "annotation_shown": len(listed),
        "annotation_total": len(counted),
        # Templates call callables: these are built on first use, once.
        "filter_links": functools.cache(links) if lazy else links(),
        "structured_data": functools.cache(structured_data) if lazy else structured_data(),
    }


def article_page_context(
    request: HttpRequest,
    article: Article,
    *,
    filters: dict[str, str] | None = None,
    include_suggestions: bool = False,
) -> dict:
    """Everything article_detail.html and its fragments (article-body, annotation-list) need.

    `article` comes from `Article.objects.for_reading()` (annotations already loaded: no
    further query) or `.for_reading_page()` (carries an annotation version: the rendered
    fragments come from the cache while nothing changed, else 2 queries load the
    annotations). `filters` ({kind, tag, speaker}) defaults to the query string.
    Suggestions are included only when asked (editors), marked `is-suggested`.
    """
    if filters is None:
        filters = AnnotationFilter(request.GET).values()
    versioned = hasattr(article, "annotation_version") and not hasattr(
        article, "reading_annotations"
    )
    key = fragment_key(request, article, filters, include_suggestions) if versioned else None
    fragments = cache.get(key) if key else None
    if fragments is None:
        fragments = _annotated_fragments(
            request, article, filters, include_suggestions, lazy=key is None
        )
        if key:
            cache.set(key, fragments, FRAGMENT_CACHE_SECONDS)
    context = {
        "article": article,
        "filters": filters,
        "include_suggestions": include_suggestions,
        "also_published": also_published(article),
        **fragments,
    }
    if include_suggestions and hasattr(article, "reading_annotations"):
        # Loaded with the suggestions just above (or by the caller, as asked): no query.
        context["suggestions"] = [
            a for a in article.reading_annotations if a.status == Annotation.Status.SUGGESTED
        ]
    elif include_suggestions:
        # The editors' panel needs the suggestions themselves, cached fragments or not.
        context["suggestions"] = list(
            Annotation.objects.suggested()
            .filter(article=article)
            .select_related("speaker")
            .order_by("start", "-end", "id")
        )
    return context


@dataclass(frozen=True)
class PublishedCopy:
    """A copy of the story in another outlet, as "Also published by" lists it."""

    slug: str
    title: str
    published_on: datetime.date
    outlet: str

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])


def also_published(article: Article) -> list[PublishedCopy]:
    """The copies `Article.objects.with_copies()` loaded with the article (none when it was
    loaded otherwise: pages that do not list them)."""
    return [
        PublishedCopy(
            row["slug"],
            row["title"],
            datetime.date.fromisoformat(row["published_on"]),
            row["outlet"],
        )
        for row in getattr(article, "also_published", None) or []
    ]


@dataclass
class OpenEndedPage:
    """A page of a list too long to count on every view: it only knows whether more follow.

    Quacks like Django's Page for the templates (paginator is None: no "of N").
    """

    object_list: list
    number: int
    has_next: bool
    paginator: None = None

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def open_ended_page(items, page: str | None, *, size: int = PAGE_SIZE) -> OpenEndedPage:
    """One query: the page's rows (`size` of them) plus one, to tell whether another page
    follows.

    Out-of-range numbers answer as Django's `Paginator.get_page` does on every other list:
    not a number → the first page; below 1 or past the end → the last page (found by a
    count, two queries more, only then).
    """
    try:
        number = int(page) if page is not None else 1
    except ValueError:
        number = 1
    if 0 < number < 100_000:  # beyond, the offset alone would make PostgreSQL work hard
        offset = (number - 1) * size
        rows = list(items[offset : offset + size + 1])
        if rows or number == 1:
            return OpenEndedPage(rows[:size], number, has_next=len(rows) > size)
    last = max(1, -(-items.count() // size))
    offset = (last - 1) * size
    return OpenEndedPage(list(items[offset : offset + size]), last, has_next=False)
