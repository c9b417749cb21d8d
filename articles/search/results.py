"""What a search returns: frozen dataclasses the templates read, no model instances."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import SafeString

from articles import rendering
from articles.search.snippets import SNIPPET_START, SNIPPET_STOP, first_sentence


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
    # The title, its matched words between SNIPPET_START and SNIPPET_STOP.
    marked_title: str
    # Whether the body has a matched word. If so, `marked_snippet` is an excerpt around it
    # with the words marked; if not (a title, summary, note or speaker match), it is the
    # opening of the body, and the snippet shows its first sentence.
    body_matched: bool
    marked_snippet: str

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])

    @cached_property
    def title_html(self) -> SafeString:
        """The title as HTML, matched words in <mark>."""
        return rendering.marked_text(self.marked_title, SNIPPET_START, SNIPPET_STOP)

    @cached_property
    def _snippet_marked(self) -> str:
        if self.body_matched:
            return self.marked_snippet
        return first_sentence(self.marked_snippet)

    @cached_property
    def snippet(self) -> SafeString:
        """The excerpt as HTML, matched words in <mark> (made once, when first rendered)."""
        return rendering.marked_text(self._snippet_marked, SNIPPET_START, SNIPPET_STOP)

    @property
    def snippet_text(self) -> str:
        """The excerpt as plain text (the API's)."""
        return self._snippet_marked.replace(SNIPPET_START, "").replace(SNIPPET_STOP, "")


@dataclass(frozen=True)
class SpeakerHit:
    """A speaker whose name matches: a card above the stories, linking to their page."""

    name: str
    slug: str
    description: str
    quote_count: int

    def get_absolute_url(self) -> str:
        return reverse("articles:speaker", args=[self.slug])


@dataclass(frozen=True)
class QuoteHit:
    """A published quote or claim that matches, by its words, its note or its speaker."""

    id: int
    kind: str  # "quote" or "claim"
    verdict: str  # a claim's verdict value, "" for none (and for quotes)
    verdict_label: str
    # The words, cut at QUOTE_CHARS, matched ones between SNIPPET_START and SNIPPET_STOP.
    marked_text: str
    speaker: HitTag | None  # name and slug, as for tags
    article_title: str
    article_slug: str
    published_on: datetime.date

    def get_absolute_url(self) -> str:
        """The span itself on the story's page."""
        return reverse("articles:article", args=[self.article_slug]) + f"#annotation-{self.id}"

    def speaker_url(self) -> str:
        return reverse("articles:speaker", args=[self.speaker.slug]) if self.speaker else ""

    @cached_property
    def text_html(self) -> SafeString:
        return rendering.marked_text(self.marked_text, SNIPPET_START, SNIPPET_STOP)


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
    # Matching speakers and quotes/claims: on the first page only, () on the others.
    speakers: tuple[SpeakerHit, ...] = ()
    quotes: tuple[QuoteHit, ...] = ()
    # True when there was nothing to search for: no word to find ("-trump" alone).
    nothing_to_search: bool = False

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self.page.object_list
