"""What a search returns: frozen dataclasses the templates read, no model instances."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from articles import rendering
from articles.search.snippets import SNIPPET_START, SNIPPET_STOP


class SearchMatch(NamedTuple):
    """One article the ranked statement kept, with what the outlet and year facets count.

    A NamedTuple rather than a dataclass: a search makes up to three windows' worth of
    these, and a tuple is the cheapest thing to build from a row.
    """

    id: int
    outlet_id: int
    year: int


@dataclass(frozen=True)
class HitOutlet:
    id: int
    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return reverse("articles:outlet", args=[self.slug])


@dataclass(frozen=True)
class HitTag:
    name: str
    slug: str


@dataclass(frozen=True)
class Hit:
    """One story on a page of results: what the story list shows of an article."""

    id: int
    title: str
    slug: str
    summary: str
    published_on: datetime.date
    outlet: HitOutlet
    quote_count: int
    claim_count: int
    tag_list: tuple[HitTag, ...]
    # The excerpt as text, the matched words between SNIPPET_START and SNIPPET_STOP.
    marked_snippet: str

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])

    @cached_property
    def snippet(self) -> SafeString:
        """The excerpt as HTML, matched words in <mark> (made once, when first rendered)."""
        return rendering.marked_text(self.marked_snippet, SNIPPET_START, SNIPPET_STOP)


@dataclass(frozen=True)
class FacetValue:
    value: str  # what the filter takes: a slug, a kind, a year
    label: str  # a name to show; "" for kinds and years
    n: int  # matching articles with this value


@dataclass(frozen=True)
class Facets:
    """Counts of the matches per value, biggest first (years newest first, kinds by name),
    at most FACET_SIZE per facet."""

    outlets: tuple[FacetValue, ...]
    years: tuple[FacetValue, ...]
    tags: tuple[FacetValue, ...]
    speakers: tuple[FacetValue, ...]
    kinds: tuple[FacetValue, ...]


@dataclass(frozen=True)
class Paging:
    count: int  # matching articles, all pages
    num_pages: int


@dataclass(frozen=True)
class ResultsPage:
    """One page of hits. Reads like Django's Page in the shared list templates
    (`_story_list.html`, `_pagination.html`): `object_list`, `number`, `has_next()`…,
    `paginator.count` and `paginator.num_pages`."""

    object_list: tuple[Hit, ...]
    number: int
    paginator: Paging

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


@dataclass(frozen=True)
class SearchResults:
    page: ResultsPage
    # None when nothing matched.
    facets: Facets | None
    # True when a source hit SEARCH_WINDOW: the count is of the most recent matches only.
    capped: bool

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self.page.object_list
