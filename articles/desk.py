"""What the editors' desk shows, as data: its filters as conditions, its sections (each its
own query method and its own partial), a page of each: pending suggestions, annotations
needing review after a correction, verdicts awaiting a reviewer, sent back to their author or
still in draft, and what was imported lately.

A section is a row of `SECTIONS`: a key (its page parameter, and its element's id
`desk-<key>`), a title, what its count counts, the partial that renders it, and the query of
its rows given the filters. Adding a section is adding a row and a partial; the view, the
filters and the paging stay as they are.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.forms import DeskFilterForm
from articles.models import Annotation, Article, Outlet, Tag

PAGE_SIZE = 25
RECENT_DAYS = 7


@dataclass(frozen=True)
class DeskFilters:
    """The desk's filters, applied to every section: outlet, tag (on a published annotation
    of the article), the article's publication dates, and "mine" (articles `user_id`
    imported or annotated)."""

    outlet: Outlet | None = None
    tag: Tag | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    user_id: int | None = None

    @classmethod
    def from_form(cls, form: DeskFilterForm, user_id: int | None) -> DeskFilters:
        data = form.cleaned_data
        return cls(
            outlet=data["outlet"],
            tag=data["tag"],
            since=data["since"],
            until=data["until"],
            user_id=user_id if data["mine"] else None,
        )

    def articles(self, path: str = "") -> Q:
        """The filters as a condition on articles reached through `path`: "" on an article
        query, "article__" on an annotation query."""
        article = OuterRef("pk") if not path else OuterRef(f"{path.removesuffix('__')}_id")
        condition = Q()
        if self.outlet is not None:
            condition &= Q(**{f"{path}outlet": self.outlet})
        if self.since is not None:
            condition &= Q(**{f"{path}published_on__gte": self.since})
        if self.until is not None:
            condition &= Q(**{f"{path}published_on__lte": self.until})
        if self.tag is not None:
            tagged = Annotation.objects.published().filter(article=article, tags=self.tag)
            condition &= Q(Exists(tagged))
        if self.user_id is not None:
            annotated = Annotation.objects.filter(article=article, author_id=self.user_id)
            condition &= Q(**{f"{path}source_file__imported_by": self.user_id}) | Q(
                Exists(annotated)
            )
        return condition


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    counts: str  # what its count counts, plural ("articles", "suggestions")
    template: str
    rows: Callable[[DeskFilters], QuerySet]
    empty: str


def _article_url_parts() -> tuple[str, str]:
    """The reading page's URL around a slug, reversed once per page rather than per row."""
    head, tail = reverse("articles:article", args=["slug"]).rsplit("slug", 1)
    return head, tail


def _reviews(filters: DeskFilters) -> QuerySet:
    return Annotation.objects.waiting_per_article(
        Annotation.Status.NEEDS_REVIEW, filters.articles("article__")
    )


def _suggestions(filters: DeskFilters) -> QuerySet:
    return Annotation.objects.pending_suggestions(
        filters.articles("article__"), url_parts=_article_url_parts()
    )


def _verdict_url_parts() -> tuple[str, str]:
    head, tail = reverse("articles:verdict", args=[0]).rsplit("0", 1)
    return head, tail


def _verdicts(status: str) -> Callable[[DeskFilters], QuerySet]:
    def rows(filters: DeskFilters) -> QuerySet:
        where = filters.articles("article__")
        return Annotation.objects.verdicts_in(status, where, url_parts=_verdict_url_parts())

    return rows


def _recently_imported(filters: DeskFilters) -> QuerySet:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return Article.objects.recently_imported(since, url_parts=_article_url_parts()).filter(
        filters.articles()
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        key="suggestions",
        title="Pending suggestions",
        counts="suggestions",
        template="articles/desk.html#desk-suggestions",
        rows=_suggestions,
        empty="No pending suggestions.",
    ),
    Section(
        key="reviews",
        title="Needs review",
        counts="articles",
        template="articles/desk.html#desk-reviews",
        rows=_reviews,
        empty="Nothing needs review.",
    ),
    Section(
        key="submitted",
        title="Verdicts awaiting review",
        counts="claims",
        template="articles/desk.html#desk-verdicts",
        rows=_verdicts(Annotation.Status.SUBMITTED),
        empty="No verdict awaits review.",
    ),
    Section(
        key="returned",
        title="Verdicts sent back",
        counts="claims",
        template="articles/desk.html#desk-verdicts",
        rows=_verdicts(Annotation.Status.RETURNED),
        empty="No verdict was sent back.",
    ),
    Section(
        key="drafts",
        title="Verdicts in draft",
        counts="claims",
        template="articles/desk.html#desk-verdicts",
        rows=_verdicts(Annotation.Status.DRAFT),
        empty="No verdict is in draft.",
    ),
    Section(
        key="imported",
        title=f"Imported in the last {RECENT_DAYS} days",
        counts="articles",
        template="articles/desk.html#desk-imported",
        rows=_recently_imported,
        empty=f"Nothing was imported in the last {RECENT_DAYS} days.",
    ),
)


@dataclass(frozen=True)
class SectionPage:
    """A page of one section, and links to its neighbours that keep the filters and the
    other sections' pages."""

    section: Section
    page: Page
    query: QueryDict

    @property
    def count(self) -> int:
        return self.page.paginator.count

    def link(self, number: int) -> str:
        query = self.query.copy()
        query[self.section.key] = str(number)
        query.pop("_", None)
        return f"{reverse('articles:desk')}?{query.urlencode()}"

    def previous_link(self) -> str:
        return self.link(self.page.previous_page_number())

    def next_link(self) -> str:
        return self.link(self.page.next_page_number())


class _CountedPaginator(Paginator):
    """A paginator whose count comes from `count` (a query of its own) when given."""

    def __init__(self, object_list: QuerySet, per_page: int, count: Callable[[], int] | None):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count() if self._count is not None else super().count


# Sections counted together from the annotations' statuses: (status, what is counted).
STATUS_COUNTED = {
    "suggestions": (Annotation.Status.SUGGESTED, "n"),
    "reviews": (Annotation.Status.NEEDS_REVIEW, "articles"),
    "submitted": (Annotation.Status.SUBMITTED, "n"),
    "returned": (Annotation.Status.RETURNED, "n"),
    "drafts": (Annotation.Status.DRAFT, "n"),
}


def status_counts(filters: DeskFilters) -> dict[str, int]:
    """{section key: its count} for the sections counted from annotation statuses, in one
    grouped query over the partial indexes on those statuses (each section's own count
    query cost more to build than to run: about 1.5 ms each)."""
    statuses = [status for status, _ in STATUS_COUNTED.values()]
    rows = (
        Annotation.objects.filter(filters.articles("article__"), status__in=statuses)
        .order_by()
        .values("status")
        .annotate(n=Count("id"), articles=Count("article_id", distinct=True))
    )
    found = {row["status"]: {"n": row["n"], "articles": row["articles"]} for row in rows}
    return {
        key: found[status][counted] if status in found else 0
        for key, (status, counted) in STATUS_COUNTED.items()
    }


_NOTHING = Annotation.objects.none().order_by("id")


def desk_sections(filters: DeskFilters, query: QueryDict) -> list[SectionPage]:
    """A page of every section (`query`: the GET parameters, naming each section's page by
    its key; a bad number shows the first or last page): one grouped count for the sections
    counted by status (`status_counts`), the others' own count, and a page of each that has
    rows."""
    counts = status_counts(filters)
    pages = []
    for section in SECTIONS:
        known = section.key in counts
        counter = functools.partial(counts.__getitem__, section.key) if known else None
        # An empty section's rows are never read: nor built (annotating the query costs
        # more than a millisecond).
        rows = section.rows(filters) if not known or counts[section.key] else _NOTHING
        paginator = _CountedPaginator(rows, PAGE_SIZE, counter)
        pages.append(SectionPage(section, paginator.get_page(query.get(section.key)), query))
    return pages
