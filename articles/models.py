"""Newsreader's data model: articles stored once as canonical text, annotations pointing into it.

Offsets everywhere are Unicode code points into `Article.body` (Python string indices),
so emoji and other astral characters shift nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, Lower, Now, Substr, Trim
from django.urls import reverse
from django.utils.functional import cached_property

from articles.copy_detection import BINS
from articles.permissions import EDITORS_GROUP, REVIEWERS_GROUP

# The text search configuration documents and queries share: english stemming after
# unaccent, so accents and Turkish letters fold both ways (articles/sql/search_configuration.sql).
SEARCH_CONFIG = "newsreader"

# Title weighs most, then summary, then body. A trigger (articles/sql/article_search_vector.sql)
# computes exactly this on every write of the text, except for articles waiting in the
# indexing queue.
ARTICLE_SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("body", weight="C", config=SEARCH_CONFIG)
)


# Notes, speaker names and the words of quotes and claims are searched too, each through an
# expression index of its own.
NOTE_SEARCH_VECTOR = SearchVector("note", config=SEARCH_CONFIG)
SPEAKER_SEARCH_VECTOR = SearchVector("name", config=SEARCH_CONFIG)
EXACT_SEARCH_VECTOR = SearchVector("exact", config=SEARCH_CONFIG)


# The last column is the page's Last-Modified: the latest of the article's, its outlet's and
# its annotations' times, or NULL while that is in the database clock's current second. A
# date to the second can tell a later change apart only once its second is over (RFC 9110
# 8.8.2.2), so until then the page is sent without one.
PAGE_VERSION_SQL = """
SELECT a.id, a.updated_at, o.slug, o.name, coalesce(v.version, 0), modified.at
FROM articles_article a
JOIN articles_outlet o ON o.id = a.outlet_id
LEFT JOIN articles_annotationsversion v ON v.article_id = a.id
CROSS JOIN LATERAL (
    SELECT CASE WHEN date_trunc('second', t) < date_trunc('second', clock_timestamp())
        THEN t END AS at
    FROM greatest(a.updated_at, o.updated_at, v.changed_at) t
) modified
WHERE a.slug = %s
"""


def _counted(rows: models.QuerySet, key: str) -> Coalesce:
    """How many of `rows` have `key` = the outer row, as a correlated subquery: computed
    only for the rows of the page fetched (a JOIN + GROUP BY would count for every row
    before paginating)."""
    counts = rows.filter(**{key: OuterRef("pk")}).order_by().values(key)
    return Coalesce(Subquery(counts.annotate(n=Count("pk")).values("n")), 0)


class OutletQuerySet(models.QuerySet):
    def with_article_counts(self) -> OutletQuerySet:
        """Outlets with `article_count`, counted through the outlet index, per row fetched."""
        return self.annotate(article_count=_counted(Article.objects.all(), "outlet"))

    def index(self) -> OutletQuerySet:
        """The outlets index: every outlet A–Z with `article_count` and `latest_on` (its
        newest story's date), both read through `article_outlet_idx`: one query."""
        latest = Article.objects.filter(outlet=OuterRef("pk")).latest_first()
        return (
            self.with_article_counts()
            .annotate(latest_on=Subquery(latest.values("published_on")[:1]))
            .order_by(Lower("name"), "id")
        )


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    # Its name is on every article page and feed entry: a rename is a change of theirs,
    # and their Last-Modified takes it from here.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # The importer matches outlets case-insensitively ("EURONEWS" is Euronews).
            models.UniqueConstraint(Lower("name"), name="outlet_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:outlet", args=[self.slug])


# Claims inside a speaker's published quotes (the rule `AnnotationQuerySet.claims_of`
# states), found from the quotes: each quote's claims are a range of `annotation_article_idx`
# (article, status, start between the quote's start and end). The other way round, probing
# each claim for a quote around it, read every annotation before the claim in its article:
# 60 ms for a speaker quoted in a story with 1,000 annotations (bench/reading.py).
SPEAKER_CLAIMS_SQL = """
SELECT {select} FROM (
    SELECT c.id FROM articles_annotation q
    JOIN articles_annotation c ON c.article_id = q.article_id AND c.status = 'published'
        AND c.start >= q.start AND c.start < q."end" AND c."end" <= q."end" AND c.kind = 'claim'
        AND c.claimant_id IS NULL
    WHERE q.speaker_id = {speaker} AND q.status = 'published' AND q.kind = 'quote'
    UNION ALL
    SELECT c.id FROM articles_annotation c
    WHERE c.claimant_id = {speaker} AND c.status = 'published' AND c.kind = 'claim'
) c
"""
# The speakers directory counts them per row.
SPEAKER_CLAIM_COUNT_SQL = SPEAKER_CLAIMS_SQL.format(
    select="count(DISTINCT c.id)", speaker="articles_speaker.id"
)
SPEAKER_CLAIM_IDS_SQL = SPEAKER_CLAIMS_SQL.format(select="c.id", speaker="%s")
# An index-only scan of `annotation_speaker_quote_idx`.
SPEAKER_QUOTE_COUNT_SQL = """
SELECT count(*) FROM articles_annotation q
WHERE q.speaker_id = articles_speaker.id AND q.status = 'published' AND q.kind = 'quote'
"""


SPEAKER_STORY_COUNT_SQL = """
SELECT count(*) FROM articles_articlefacets f WHERE f.speaker_ids @> ARRAY[articles_speaker.id]
"""


class SpeakerQuerySet(models.QuerySet["Speaker"]):
    def named(self, name: str) -> SpeakerQuerySet:
        """Speakers whose name or one of whose aliases is `name`, ignoring case."""
        return self.alias(lowered_name=Lower("name")).filter(
            Q(lowered_name=Lower(Value(name)))
            | Q(
                pk__in=RawSQL(
                    "SELECT id FROM articles_speaker, unnest(aliases) AS alias"
                    " WHERE lower(alias) = lower(%s)",
                    [name],
                )
            )
        )

    def with_quote_counts(self) -> SpeakerQuerySet:
        """Speakers with `quote_count`: their published quotes, per row fetched."""
        return self.annotate(quote_count=_counted(Annotation.objects.published(), "speaker"))

    def directory(self, term: str = "", *, by_name: bool = False) -> SpeakerQuerySet:
        """The speakers directory: speakers (those whose name or an alias contains `term`,
        when given) with `quote_count`, `claim_count` (claims inside their quotes, see
        `AnnotationQuerySet.claims_of`) and `latest_quote` ({id, exact, slug, title,
        published_on} of their newest published quote, or None); most quoted first, or
        A–Z `by_name`. One query; the counts and the latest quote are subqueries on
        `annotation_speaker_idx`, so a page costs its own rows' probes."""
        speakers = self.matching(term) if term else self.all()
        # The newest quote's id first, from `annotation_speaker_quote_idx` alone; only that
        # row joins its article (building every quote's JSON before picking cost 1.5 ms a
        # speaker with 34 quotes).
        newest = (
            Annotation.objects.published()
            .filter(speaker=OuterRef(OuterRef("pk")), kind=Annotation.Kind.QUOTE)
            .order_by("-id")
            .values("id")[:1]
        )
        latest = Annotation.objects.filter(pk=Subquery(newest)).values(
            json=JSONObject(
                id="id",
                exact="exact",
                slug="article__slug",
                title="article__title",
                published_on="article__published_on",
            )
        )
        order: list[str | Lower] = [Lower("name"), "id"]
        if not by_name:
            order.insert(0, "-quote_count")
        return speakers.annotate(
            quote_count=RawSQL(SPEAKER_QUOTE_COUNT_SQL, []),
            claim_count=RawSQL(SPEAKER_CLAIM_COUNT_SQL, []),
            latest_quote=latest,
        ).order_by(*order)

    def most_quoted(self, *, recent: int = 500) -> SpeakerQuerySet:
        """Speakers by how many of the `recent` latest published annotations are their
        quotes (`TagQuerySet.most_used`'s idea: cheap at any size, favouring the news now)."""
        latest = Annotation.objects.published().order_by("-id").values("id")[:recent]
        return (
            self.filter(annotations__in=latest)
            .annotate(recent_quotes=Count("annotations"))
            .order_by("-recent_quotes", "name")
        )

    def with_story_counts(self) -> SpeakerQuerySet:
        """Speakers with `story_count`: the stories quoting them, from `ArticleFacets`'
        speaker GIN index, per row fetched."""
        return self.annotate(story_count=RawSQL(SPEAKER_STORY_COUNT_SQL, []))

    def at_address(self, slug: str) -> tuple[Speaker | None, Speaker | None]:
        """(the speaker whose page is at `slug`, or the one a redirect there leads to):
        one query either way (a speaker's own slug wins over a redirect's)."""
        rows = list(
            self.filter(Q(slug=slug) | Q(redirects__slug=slug))
            .annotate(own=Q(slug=slug))
            .order_by("-own")[:1]
        )
        if not rows:
            return None, None
        own = rows[0].own  # type: ignore[attr-defined]  # the annotation above
        return (rows[0], None) if own else (None, rows[0])

    def matching(self, term: str) -> SpeakerQuerySet:
        """Autocomplete: name or an alias contains `term` (case-insensitive), names first."""
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.filter(
            Q(name__icontains=term)
            | Q(
                pk__in=RawSQL(
                    "SELECT id FROM articles_speaker, unnest(aliases) AS alias"
                    " WHERE alias ILIKE %s",
                    [pattern],
                )
            )
        ).order_by(Lower("name"))


class Speaker(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    description = models.CharField(max_length=300, blank=True)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="speaker_name_ci_unique"),
        ]
        indexes = [
            # Search matches speakers by name. (No index on aliases: lookups by alias unnest
            # and lower() them, which no array index serves, over a table this small.)
            GinIndex(SPEAKER_SEARCH_VECTOR, name="speaker_name_search"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:speaker", args=[self.slug])


class SpeakerRedirect(models.Model):
    """An old address of a speaker's page: the slug of a duplicate merged into `speaker`.
    Its page and feed answer 301 to the speaker's, so links shared before the merge work."""

    slug = models.SlugField(max_length=220, unique=True, allow_unicode=True)
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self) -> str:
        return f"{self.slug} → {self.speaker_id}"


TAG_ANNOTATION_COUNT_SQL = """
SELECT count(*) FROM articles_annotation_tags l WHERE l.tag_id = articles_tag.id
"""
TAG_STORY_COUNT_SQL = """
SELECT count(*) FROM articles_articlefacets f WHERE f.tag_ids @> ARRAY[articles_tag.id]
"""


class TagQuerySet(models.QuerySet["Tag"]):
    def with_annotation_counts(self) -> TagQuerySet:
        """Tags with `annotation_count`: the annotations carrying each, per row fetched,
        counted in the link table's tag index alone. Only published annotations carry
        tags (suggestions never do: services.suggestions), so no annotation is read:
        joining each link to its annotation to check took 700 ms a page of 50 tags at
        1,000,000 annotations (bench/export.py), and counting the links' ids (not rows)
        read each link from the table, 95 ms, against 9 ms from the index alone."""
        return self.annotate(annotation_count=RawSQL(TAG_ANNOTATION_COUNT_SQL, []))

    def index(self, *, by_name: bool = False) -> TagQuerySet:
        """The topics index: every tag with `annotation_count` (the annotations carrying it,
        see `with_annotation_counts`), most used first, or A–Z `by_name`. One query, each
        count an index-only scan of the link table's tag index (`count(*)`: counting its ids
        read the table too, 27 ms for 80 tags at 60,000 links; stories per tag from
        `ArticleFacets` cost 20 ms more, so the index leaves them to the tag's page)."""
        order: list[str | Lower] = [Lower("name"), "id"]
        if not by_name:
            order.insert(0, "-annotation_count")
        return self.annotate(annotation_count=RawSQL(TAG_ANNOTATION_COUNT_SQL, [])).order_by(*order)

    def most_used(self, *, recent: int = 500) -> TagQuerySet:
        """Tags by how many of the `recent` latest published annotations carry them.

        Counting only recent annotations keeps it cheap however large the archive grows,
        and favours what the newsroom tags now. Newest by id, which follows creation: the
        primary key's index finds them, where ordering by created_at sorted every
        published annotation (15 ms at 30,000).
        """
        latest = Annotation.objects.published().order_by("-id").values("id")[:recent]
        return (
            self.filter(annotations__in=latest)
            .annotate(annotation_count=Count("annotations"))
            .order_by("-annotation_count", "name")
        )


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", args=[self.slug])


class SourceFile(models.Model):
    """Every uploaded or imported file, kept whatever became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IMPORTED = "imported", "Imported"
        DUPLICATE = "duplicate", "Duplicate"
        # Same original URL as a stored article, other content: a new version of it.
        UPDATED = "updated", "Updated an article"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=500, help_text="File name, or path inside a zip archive.")
    content = models.BinaryField(help_text="The bytes exactly as uploaded.")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    article = models.ForeignKey(
        "Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_files",
        help_text="The article imported from this file, or the existing one it duplicates.",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [models.Index(fields=["status", "-imported_at"], name="sourcefile_status_idx")]

    def __str__(self) -> str:
        return self.name


# Big columns list pages never show: the body, its structure and the search vector.
LISTING_DEFERRED = ("body", "structure", "search_vector")
# Enough of a story's opening for its first sentence (`search.snippets.first_sentence`).
OPENING_CHARS = 400


def _published_count(kind: str) -> Coalesce:
    """Count of an article's published annotations of one kind, as a correlated subquery.

    A subquery (not a JOIN + GROUP BY) so a paginated list only counts its own page's rows.
    """
    counts = (
        Annotation.objects.published()
        .filter(article=OuterRef("pk"), kind=kind)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def _status_count(status: str) -> Coalesce:
    """Count of an article's annotations in one status, as a correlated subquery (so a page
    counts only its own rows, through `annotation_article_idx`)."""
    counts = (
        Annotation.objects.filter(article=OuterRef("pk"), status=status)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def _tags_of_article() -> ArraySubquery:
    """[{"name", "slug"}] of the tags on an article's published annotations, by name."""
    used = Annotation.tags.through.objects.filter(
        annotation__article=OuterRef(OuterRef("pk")),
        annotation__status=Annotation.Status.PUBLISHED,
    ).values("tag_id")
    return ArraySubquery(
        Tag.objects.filter(id__in=used)
        .order_by("name")
        .values(json=JSONObject(name="name", slug="slug"))
    )


# The ids of the articles with a tag, or quoting a speaker, gathered into an array first: the
# planner cannot look inside it, so it reads just those articles and sorts them. Joined to
# the facets instead, it walked the newest articles probing each one's facets, about 2,600
# of them for a page of a tag on one story in 125 (26 ms at 100,000: bench/reading.py).
TAGGED_ARTICLES_SQL = """
SELECT unnest(ARRAY(SELECT f.article_id FROM articles_articlefacets f
                    WHERE f.tag_ids @> ARRAY[%s]::bigint[]))
"""
QUOTING_ARTICLES_SQL = """
SELECT unnest(ARRAY(SELECT f.article_id FROM articles_articlefacets f
                    WHERE f.speaker_ids @> ARRAY[%s]::bigint[]))
"""
# Likewise the annotations carrying a tag, from the link table's tag index: a hash join read
# every annotation of the site to count one tag's by kind (17 ms at 31,000).
TAGGED_ANNOTATIONS_SQL = """
SELECT unnest(ARRAY(SELECT l.annotation_id FROM articles_annotation_tags l WHERE l.tag_id = %s))
"""


class ArticleQuerySet(models.QuerySet["Article"]):
    def waiting_for_index(self) -> ArticleQuerySet:
        """Articles in the indexing queue (no search vector, no quote proposals yet), read
        through the queue's partial index, so counting them costs no more than the queue."""
        return self.filter(index_pending=True)

    def waiting_for_followup(self) -> ArticleQuerySet:
        """Articles the indexer has still to run the quote finder or copy detection over
        (searchable or not), read through that queue's own partial index."""
        return self.filter(Q(quotes_pending=True) | Q(copies_pending=True))

    def api_filtered(
        self,
        *,
        outlet: str = "",
        tag: str = "",
        speaker: str = "",
        language: str = "",
        published_since: datetime.date | None = None,
        published_until: datetime.date | None = None,
        updated_since: datetime.datetime | None = None,
    ) -> ArticleQuerySet:
        """Articles narrowed as the API and the exports take it: outlet, tag and speaker by
        slug (a tag or speaker of a published annotation on the article), language code,
        publication dates (inclusive) and last change. Filters left empty do nothing."""
        articles = self
        if outlet:
            # The outlet's id, looked up first (one query more): compared with a literal id
            # the planner knows a small outlet's few articles from its statistics and reads
            # article_outlet_idx; joined by slug it assumes an average outlet and walks
            # every article newest first (tests/test_api_plans.py).
            outlet_id = Outlet.objects.filter(slug=outlet).values_list("id", flat=True).first()
            articles = articles.filter(outlet_id=outlet_id) if outlet_id else articles.none()
        if language:
            articles = articles.filter(language=language)
        if published_since:
            articles = articles.filter(published_on__gte=published_since)
        if published_until:
            articles = articles.filter(published_on__lte=published_until)
        if updated_since:
            articles = articles.filter(updated_at__gte=updated_since)
        # Tags and speakers through ArticleFacets (the values of each article's published
        # annotations, kept by triggers), by id, looked up first.
        if tag:
            tag_id = Tag.objects.filter(slug=tag).values_list("id", flat=True).first()
            if not tag_id:
                return articles.none()
            articles = articles.filter(
                Exists(
                    ArticleFacets.objects.filter(article=OuterRef("pk"), tag_ids__contains=[tag_id])
                )
            )
        if speaker:
            speaker_id = Speaker.objects.filter(slug=speaker).values_list("id", flat=True).first()
            if not speaker_id:
                return articles.none()
            articles = articles.filter(
                Exists(
                    ArticleFacets.objects.filter(
                        article=OuterRef("pk"), speaker_ids__contains=[speaker_id]
                    )
                )
            )
        return articles

    def export_rows(self, *, url_parts: tuple[str, str]) -> models.QuerySet:
        """The articles as the exports' rows, in id order: one `export_<column>` value per
        column of `articles.exports.ARTICLE_COLUMNS`, computed by PostgreSQL (the outlet
        joined, the reading page's URL made of `url_parts` around the slug), for the
        exports to stream with COPY. No body: the API's article endpoint has it."""
        head, tail = url_parts
        return self.order_by("id").values(
            export_id=F("id"),
            export_slug=F("slug"),
            export_url=Concat(Value(head), F("slug"), Value(tail), output_field=TextField()),
            export_title=F("title"),
            export_summary=F("summary"),
            export_published_on=F("published_on"),
            export_outlet=F("outlet__name"),
            export_agency=F("agency"),
            export_language=F("language"),
            export_original_url=F("original_url"),
            export_created_at=F("created_at"),
            export_updated_at=F("updated_at"),
        )

    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_on", "-id")

    def with_listing_data(self) -> ArticleQuerySet:
        """Article lists: outlet, quote/claim counts and tags used, in one query.

        Adds `quote_count`, `claim_count`, `tag_list` ([{"name", "slug"}]) and `opening`
        (the body's first OPENING_CHARS characters, for a card without a summary); leaves
        the body unloaded. Counts are subqueries, computed only for the rows fetched.
        """
        return (
            self.select_related("outlet")
            .defer(*LISTING_DEFERRED)
            .annotate(
                quote_count=_published_count(Annotation.Kind.QUOTE),
                claim_count=_published_count(Annotation.Kind.CLAIM),
                tag_list=_tags_of_article(),
                opening=Substr("body", 1, OPENING_CHARS),
            )
        )

    def recently_imported(
        self, since: datetime.datetime, *, url_parts: tuple[str, str] = ("/articles/", "/")
    ) -> ArticleQuerySet:
        """The editors' desk: articles imported since `since`, newest first, with their outlet,
        `url` (`url_parts` around the slug), `annotation_count` (published) and
        `suggestion_count` (pending): one query per page through `article_created_idx`, the
        counts computed for that page's rows only."""
        head, tail = url_parts
        return (
            self.filter(created_at__gte=since)
            .select_related("outlet")
            .only("id", "title", "slug", "published_on", "created_at", "outlet__name")
            .annotate(
                url=Concat(Value(head), F("slug"), Value(tail), output_field=TextField()),
                annotation_count=_status_count(Annotation.Status.PUBLISHED),
                suggestion_count=_status_count(Annotation.Status.SUGGESTED),
            )
            .order_by("-created_at", "-id")
        )

    def tagged(self, tag: Tag) -> ArticleQuerySet:
        """Articles with a published annotation carrying `tag`: their ids from
        `ArticleFacets`' tag GIN index first (see TAGGED_ARTICLES_SQL), then only those
        articles read and sorted."""
        return self.filter(pk__in=RawSQL(TAGGED_ARTICLES_SQL, [tag.pk]))

    def quoting(self, speaker: Speaker) -> ArticleQuerySet:
        """Articles with a published quote by `speaker`, found like `tagged`'s."""
        return self.filter(pk__in=RawSQL(QUOTING_ARTICLES_SQL, [speaker.pk]))

    def reading_annotations_prefetch(self, include_suggestions: bool = False) -> Prefetch:
        """`reading_annotations`: published annotations (and suggestions when asked) in
        text order, with speaker, author and tags (`reading_tags`): one query whatever
        their number."""
        statuses = [Annotation.Status.PUBLISHED]
        if include_suggestions:
            # Editors' pages: claims whose verdict is in review are theirs to see too.
            statuses += [Annotation.Status.SUGGESTED, *VERDICT_REVIEW_STATUSES]
        # The tags come as JSON within each row: Django's prefetch of a many-to-many
        # builds a manager and a queryset per annotation, about 60 ms for 1,000 of them.
        tag_rows = ArraySubquery(
            Tag.objects.filter(annotations=OuterRef("pk"))
            .order_by("name")
            .values(row=JSONObject(id="id", name="name", slug="slug"))
        )
        annotations = (
            Annotation.objects.filter(status__in=statuses)
            .select_related("speaker", "author", "claimant", "reviewer")
            .annotate(tag_rows=tag_rows)
            .order_by("start", "-end", "id")
        )
        return Prefetch("annotations", queryset=annotations, to_attr="reading_annotations")

    def for_reading(self, *, include_suggestions: bool = False) -> ArticleQuerySet:
        """The article page's data: outlet, annotations with speaker, author and tags.

        Two queries whatever the number of annotations (article, annotations with tags).
        `reading_annotations` holds them in text order: published ones, plus the quote
        finder's suggestions when `include_suggestions` (editors only).
        """
        return (
            self.select_related("outlet")
            .defer("search_vector")
            .prefetch_related(self.reading_annotations_prefetch(include_suggestions))
        )

    def page_version(
        self, slug: str
    ) -> tuple[int, datetime.datetime, str, str, int, datetime.datetime | None] | None:
        """What the version of the reading page of the article at `slug` is made of (see
        `page_cache.page_version`): its primary key, updated time, outlet slug and name and
        annotations version; then its Last-Modified (None within the second of a change);
        or None: no such article.

        One query in raw SQL: a cached page is served on this alone, and compiling the
        ORM's query would cost more than running it (about 1.3 ms against 0.3 ms).
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(PAGE_VERSION_SQL, [slug])
            return cursor.fetchone()

    def with_copies(self) -> ArticleQuerySet:
        """`also_published`: the article's copies in other outlets (`StoryCopy`), oldest
        first, as rows {slug, title, published_on, outlet}, inside the article's own query
        (a subquery on the copies' index): the reading page lists them for no query."""
        return self.annotate(also_published=also_published_rows())

    def for_reading_page(self) -> ArticleQuerySet:
        """The article with outlet and `annotation_version`, in one query.

        The version (see `AnnotationsVersion`) changes whenever anything the page shows of
        the article's annotations changes (all statuses), so rendered fragments can be
        cached under it and the annotations loaded only on a miss. Reading it costs one
        primary-key probe however many annotations the article has.
        """
        return (
            self.select_related("outlet")
            .defer("search_vector")
            .annotate(annotation_version=Coalesce(F("annotations_version__version"), 0))
        )


class Article(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=255, unique=True, allow_unicode=True)
    summary = models.TextField(blank=True)
    published_on = models.DateField()
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="articles")
    agency = models.CharField(max_length=100, blank=True)
    original_url = models.URLField(max_length=1000, blank=True)
    source_note = models.CharField(max_length=300, blank=True)
    language = models.CharField(
        max_length=8, default="en", help_text="BCP 47 code of the text, e.g. en, tr."
    )
    body = models.TextField(help_text="Canonical text; annotations point into it. Never rewrite.")
    structure = models.JSONField(
        default=list,
        blank=True,
        help_text='Blocks in order: [{"kind": "heading"|"paragraph", "start": 0, "end": 42}]',
    )
    content_hash = models.CharField(max_length=64, unique=True)
    source_file = models.ForeignKey(
        SourceFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept by a database trigger (articles/sql/article_search_vector.sql), stored inline and
    # uncompressed (articles/sql/column_storage.sql): computed on every write of the text,
    # NULL while the article waits in the indexing queue, so it is found by search only
    # once indexed.
    search_vector = SearchVectorField(null=True, editable=False)
    # The indexing queue: bulk imports store articles with these set and leave the costly
    # work (the search vector, about 1 ms per 5 KB article, and the quote finder, about 2 ms)
    # to `articles_index`, run by `manage.py index_articles`. Every other write is indexed
    # at once by the trigger.
    index_pending = models.BooleanField(
        default=False,
        editable=False,
        help_text="Waiting for the indexer: not found by search until it has run.",
    )
    quotes_pending = models.BooleanField(
        default=False,
        editable=False,
        help_text="The indexer should run the quote finder over this article.",
    )
    # A queue of its own, behind the search vectors': the finder and copy detection cost
    # about three times the vector, and an article is searchable without them.
    copies_pending = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="The indexer should look for copies of this story in other outlets.",
    )
    # The current version (`ArticleVersion`), kept on the article by `article_correct` so the
    # reading page, feeds and JSON-LD show the notice and dateModified with no extra query.
    # Database defaults too: raw SQL that inserts articles (benches, plan tests) names none.
    version_number = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    text_modified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the text last changed."
    )
    text_modified_kind = models.CharField(
        max_length=16, blank=True, default="", db_default="", editable=False
    )
    correction_note = models.TextField(
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="The newest version's public note.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    # Not columns: set only on articles loaded through these queries (the reading page tells
    # which by `hasattr`). `annotation_version`: `ArticleQuerySet.for_reading_page()`.
    # `reading_annotations`, in text order: `ArticleQuerySet.reading_annotations_prefetch()`
    # (by `for_reading()`, or by `prefetch_related_objects` on an article at hand).
    annotation_version: int
    reading_annotations: list[Annotation]
    # `ArticleQuerySet.with_copies()`.
    also_published: list[dict]

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="article_latest_idx"),
            # Outlet pages and search narrowed to an outlet: newest first, read in order.
            models.Index(fields=["outlet", "-published_on", "-id"], name="article_outlet_idx"),
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # The indexing queue: only the waiting articles are in it, so it stays small.
            models.Index(
                fields=["id"], condition=Q(index_pending=True), name="article_index_queue"
            ),
            # The finder's and copy detection's queue, drained after the vectors'.
            models.Index(
                fields=["id"],
                condition=Q(quotes_pending=True) | Q(copies_pending=True),
                name="article_followup_queue",
            ),
            # Duplicate detection by original URL on every import.
            models.Index(fields=["original_url"], name="article_url_idx"),
            # The API's `updated_since` pages through changes in (updated_at, id) order.
            models.Index(fields=["updated_at", "id"], name="article_updated_idx"),
            # The editors' desk lists the articles imported lately, newest first.
            models.Index(fields=["-created_at", "-id"], name="article_created_idx"),
            # The API's language filter, newest first, read in order.
            models.Index(fields=["language", "-published_on", "-id"], name="article_language_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])

    @property
    def headings(self) -> list[str]:
        return [self.body[b["start"] : b["end"]] for b in self.structure if b["kind"] == "heading"]


OUTLINES_SQL = """
SELECT an.id, an.start, an."end", an.kind, an.status, s.slug, s.name,
       coalesce(array_agg(t.slug ORDER BY t.id) FILTER (WHERE t.id IS NOT NULL), '{}'),
       coalesce(array_agg(t.name ORDER BY t.id) FILTER (WHERE t.id IS NOT NULL), '{}')
FROM articles_annotation an
LEFT JOIN articles_speaker s ON s.id = an.speaker_id
LEFT JOIN articles_annotation_tags at ON at.annotation_id = an.id
LEFT JOIN articles_tag t ON t.id = at.tag_id
WHERE an.article_id = %s
  AND an.status IN ('published', 'suggested', 'draft', 'submitted', 'returned')
GROUP BY an.id, s.id
ORDER BY an.start, an."end" DESC, an.id
"""


# The article page's annotations with everything their marks, list entries, filters and
# JSON-LD show (see `AnnotationQuerySet.reading_rows`). Dates come as text, formatted by
# PostgreSQL: loading a timestamp in Python cost about 5 µs a row, formatting it as much.
# Each tag is found by primary key (OFFSET 0 keeps that lookup a subquery): joined, the
# planner hashed the whole tag table once per annotation (about 11 µs each).
READING_ROWS_SQL = """
SELECT an.id, an.start, an."end", an.kind, an.status, an.verdict, an.note, an.exact,
       an.speaker_id, s.slug, s.name,
       CASE WHEN u.id IS NOT NULL THEN btrim(u.first_name || ' ' || u.last_name) END,
       to_char(an.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       to_char(an.created_at AT TIME ZONE %(tz)s, 'FMDD Mon YYYY'),
       ARRAY(
           SELECT ARRAY[t.slug, t.name] FROM articles_annotation_tags at
           CROSS JOIN LATERAL (
               SELECT t.slug, t.name FROM articles_tag t WHERE t.id = at.tag_id OFFSET 0
           ) t
           WHERE at.annotation_id = an.id
           ORDER BY t.name
       ),
       c.slug, c.name,
       CASE WHEN r.id IS NOT NULL THEN btrim(r.first_name || ' ' || r.last_name) END,
       to_char(an.reviewed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
       to_char(an.reviewed_at AT TIME ZONE %(tz)s, 'FMDD Mon YYYY'),
       ARRAY(SELECT jsonb_array_elements_text(an.sources))
FROM articles_annotation an
LEFT JOIN articles_speaker s ON s.id = an.speaker_id
LEFT JOIN auth_user u ON u.id = an.author_id
LEFT JOIN articles_speaker c ON c.id = an.claimant_id
LEFT JOIN auth_user r ON r.id = an.reviewer_id
WHERE an.article_id = %(article)s AND an.status = ANY(%(statuses)s)
ORDER BY an.start, an."end" DESC, an.id
"""


# What the W3C representation reads of an annotation itself (`for_web_annotation`).
WEB_ANNOTATION_FIELDS = (
    "id",
    "kind",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "note",
    "verdict",
    "created_at",
    "updated_at",
    "article_id",
    "speaker_id",
    "author_id",
)

PUBLISHED_AROUND_SQL = """
SELECT EXISTS (SELECT 1 FROM articles_annotation WHERE status = 'published' AND id > %s),
       EXISTS (SELECT 1 FROM articles_annotation WHERE status = 'published' AND id < %s)
"""

CONTAINER_VERSION_SQL = "SELECT last_value, is_called FROM articles_annotations_version_seq"


class AnnotationQuerySet(models.QuerySet["Annotation"]):
    def published(self) -> AnnotationQuerySet:
        """What readers see: never suggestions or rejected proposals."""
        return self.filter(status=Annotation.Status.PUBLISHED)

    def suggested(self) -> AnnotationQuerySet:
        return self.filter(status=Annotation.Status.SUGGESTED)

    def needing_review(self, article_id: int) -> AnnotationQuerySet:
        """An article's annotations that a correction (or carrying from a copy) sent to
        review, with their review, speaker and, when carried, the copy's outlet they came
        from, in the order of the text they were made on: one query."""
        return (
            self.filter(article_id=article_id, status=Annotation.Status.NEEDS_REVIEW)
            .select_related("review__version", "speaker", "carried_from__source_article__outlet")
            .defer("review__version__body", "review__version__structure")
            .order_by("start", "id")
        )

    def kept_on_versions(self, article_id: int) -> AnnotationQuerySet:
        """An article's notes kept on an earlier version (editors see them on the versions
        page), by version and text order: one query."""
        return self.filter(article_id=article_id, status=Annotation.Status.ON_VERSION).order_by(
            "on_version", "start", "id"
        )

    def waiting_per_article(self, status: str, where: Q | None = None) -> models.QuerySet:
        """The editors' desk: per article, how many annotations with `status` (needs review,
        or suggested) wait, most first; rows of article id, title, slug and `waiting`. One
        query through `annotation_waiting_idx` (partial on those two statuses). `where`
        narrows the annotations (the desk's filters)."""
        return (
            self.filter(where or Q(), status=status)
            .values("article_id", "article__title", "article__slug")
            .annotate(waiting=models.Count("id"))
            .order_by("-waiting", "article_id")
        )

    def pending_suggestions(
        self, where: Q | None = None, *, url_parts: tuple[str, str] = ("/articles/", "/")
    ) -> AnnotationQuerySet:
        """The editors' desk: pending suggestions across articles, newest article first and
        in text order within one, each with its speaker, `article_title` and `article_url`
        (made of `url_parts` around the slug, so a page reverses no URL per row; no article
        row loaded): one query per page, through `annotation_waiting_idx`. `where` narrows
        the suggestions (the desk's filters)."""
        head, tail = url_parts
        return (
            self.filter(where or Q(), status=Annotation.Status.SUGGESTED)
            .select_related("speaker")
            .only("id", "article_id", "start", "exact", "proposed_speaker", "speaker__name")
            .annotate(
                article_title=F("article__title"),
                article_url=Concat(
                    Value(head), F("article__slug"), Value(tail), output_field=TextField()
                ),
            )
            .order_by("-article_id", "start", "id")
        )

    def verdicts_in(
        self,
        status: str,
        where: Q | None = None,
        *,
        url_parts: tuple[str, str] = ("/verdicts/", "/"),
    ) -> AnnotationQuerySet:
        """The editors' desk: claims whose verdict is `status` (draft, submitted or sent back),
        longest waiting first, each with its article's title, its author, who submitted and
        who reviewed it, and `review_url` (`url_parts` around its id): one query per page
        through `annotation_verdict_review_idx`. `where` narrows them (the desk's filters)."""
        head, tail = url_parts
        return (
            self.filter(where or Q(), status=status, kind=Annotation.Kind.CLAIM)
            .select_related("author", "submitted_by", "reviewer", "claimant")
            .only(
                "id",
                "article_id",
                "exact",
                "verdict",
                "status",
                "updated_at",
                "review_comment",
                "author_id",
                "submitted_by_id",
                "reviewer_id",
                "claimant_id",
                *(
                    f"{user}__{field}"
                    for user in ("author", "submitted_by", "reviewer")
                    for field in ("username", "first_name", "last_name")
                ),
                "claimant__name",
            )
            .annotate(
                article_title=F("article__title"),
                review_url=Concat(
                    Value(head), Cast("id", TextField()), Value(tail), output_field=TextField()
                ),
            )
            .order_by("updated_at", "id")
        )

    def for_listing(self) -> AnnotationQuerySet:
        """Annotation lists (speaker, tag, claims pages) in one query.

        Article with outlet, speaker, and `tag_list` ([{"name", "slug"}]); article bodies
        stay unloaded.
        """
        tags = Tag.objects.filter(annotations=OuterRef("pk")).order_by("name")
        return (
            self.select_related("article__outlet", "speaker")
            .defer(*(f"article__{field}" for field in LISTING_DEFERRED))
            .annotate(
                tag_list=ArraySubquery(tags.values(json=JSONObject(name="name", slug="slug")))
            )
        )

    def outlines(self, article_id: int) -> list[tuple]:
        """An article's published annotations and suggestions as light rows in text order:
        (id, start, end, kind, status, speaker slug, speaker name, tag slugs, tag names),
        the tag lists parallel. What a write's answer needs to redraw marks, list order and
        filter counts, without notes, authors or model instances.

        One query in raw SQL: compiling the ORM's version of it (a grouped join with two
        filtered array aggregates) cost more than running it, about 1.4 ms against 0.8 ms.
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(OUTLINES_SQL, [article_id])
            return cursor.fetchall()

    def reading_rows(self, article_id: int, *, time_zone: str, statuses: list[str]) -> list[tuple]:
        """An article's annotations of `statuses` for its reading page, in text order, as
        rows: (id, start, end, kind, status, verdict, note, exact, speaker id, speaker slug,
        speaker name, author's display name, created as ISO 8601 in UTC, created as
        "3 Dec 2026" in `time_zone`, [[tag slug, tag name], ...], claimant slug, claimant
        name, reviewer's display name, reviewed as ISO 8601 and as a label, sources).

        One query in raw SQL whatever their number: model instances (annotation, speaker,
        author) and the tags' prefetch cost about 0.1 ms an annotation, most of a
        1,000-annotation page built from scratch. `presentation.ReadingAnnotation` reads them.
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                READING_ROWS_SQL,
                {"article": article_id, "tz": time_zone, "statuses": statuses},
            )
            return cursor.fetchall()

    def api_filtered(
        self,
        *,
        article: str = "",
        kind: str = "",
        tag: str = "",
        speaker: str = "",
        verdict: str = "",
        updated_since: datetime.datetime | None = None,
    ) -> AnnotationQuerySet:
        """Annotations narrowed as the API and the exports take it: article, tag and speaker
        by slug, kind and verdict by value, last change. Filters left empty do nothing."""
        annotations = self
        if article:
            annotations = annotations.filter(article__slug=article)
        if kind:
            annotations = annotations.filter(kind=kind)
        if verdict:
            annotations = annotations.filter(verdict=verdict)
        if speaker:
            annotations = annotations.filter(speaker__slug=speaker)
        if tag:
            annotations = annotations.filter(
                Exists(
                    Annotation.tags.through.objects.filter(annotation=OuterRef("pk"), tag__slug=tag)
                )
            )
        if updated_since:
            annotations = annotations.filter(updated_at__gte=updated_since)
        return annotations

    def for_api(self) -> AnnotationQuerySet:
        """Annotation lists of the API in one query: article (slug, title), speaker,
        claimant, author's and reviewer's display names and `tag_list` ([{"name", "slug"}]),
        no article bodies."""
        private = ("password", "email", "last_login")
        return (
            self.for_listing()
            .select_related("author", "claimant", "reviewer")
            .defer(*(f"{user}__{f}" for user in ("author", "reviewer") for f in private))
        )

    def export_rows(self, *, url_parts: tuple[str, str]) -> models.QuerySet:
        """The annotations as the exports' rows, in id order: one `export_<column>` value
        per column of `articles.exports.ANNOTATION_COLUMNS` but the tags (see
        `export_tag_names`), computed by PostgreSQL (article, speaker and author joined,
        URLs made of `url_parts` around the article's slug), for the exports to stream with
        COPY. The author is their display name, never their login."""
        head, tail = url_parts
        page = Concat(Value(head), F("article__slug"), Value(tail), output_field=TextField())
        author = Concat(
            Coalesce(F("author__first_name"), Value("")),
            Value(" "),
            Coalesce(F("author__last_name"), Value("")),
            output_field=TextField(),
        )
        return self.order_by("id").values(
            export_id=F("id"),
            export_article=F("article__slug"),
            export_article_title=F("article__title"),
            export_article_url=page,
            export_url=Concat(
                page, Value("#annotation-"), Cast("id", TextField()), output_field=TextField()
            ),
            export_kind=F("kind"),
            export_status=F("status"),
            export_text=F("exact"),
            export_speaker=Coalesce(F("speaker__name"), Value("")),
            export_verdict=F("verdict"),
            export_note=F("note"),
            export_start=F("start"),
            export_end=F("end"),
            export_author=Trim(author),
            export_created_at=F("created_at"),
            export_updated_at=F("updated_at"),
        )

    def export_tag_names(self) -> models.QuerySet:
        """The exports' tags: `annotation_id` and its tags' `names` (sorted) for each of these
        annotations that has any, grouped in one pass over the links for the export's COPY
        to join to `export_rows`. A subquery per row, the alternative, took 6 µs an
        annotation: 1,000,000 rows exported in 9.0 s, against 4.3 s so (bench/export.py's
        archive, the COPY read to the end)."""
        links = Annotation.tags.through.objects.filter(annotation__in=self.order_by().values("pk"))
        return (
            links.values("annotation_id")
            .annotate(names=ArrayAgg("tag__name", order_by="tag__name"))
            .order_by()
        )

    def quotes_by(self, speaker: Speaker) -> AnnotationQuerySet:
        """A speaker's published quotes, newest article first, in text order within one."""
        return (
            self.published()
            .filter(kind=Annotation.Kind.QUOTE, speaker=speaker)
            .order_by("-article__published_on", "article_id", "start")
        )

    def claims(self, verdict: str | None = None) -> AnnotationQuerySet:
        """Published claims, newest first (by id, which follows creation); only those with
        `verdict` when given ("" is no verdict yet), all of them for None. All of them walk
        `annotation_published_id_idx` (one row in three a claim); one verdict,
        `annotation_claim_verdict_idx`. Ordering by created_at sorted every claim of the
        site for a page of 20 (87 ms at 10,000 claims: bench/reading.py)."""
        claims = self.published().filter(kind=Annotation.Kind.CLAIM)
        if verdict is not None:
            claims = claims.filter(verdict=verdict)
        return claims.order_by("-id")

    def claims_of(self, speaker: Speaker) -> AnnotationQuerySet:
        """Published claims `speaker` made, newest first: those naming them as claimant, and
        those without a claimant inside a published quote by them (the words are the
        speaker's when their quote holds them: the rule the ClaimReview data applies,
        `structured_data.claim_speakers`)."""
        return self.claims().filter(pk__in=RawSQL(SPEAKER_CLAIM_IDS_SQL, [speaker.pk, speaker.pk]))

    def tagged_with(self, tag: Tag, kind: str = "") -> AnnotationQuerySet:
        """Published annotations carrying `tag` (of `kind` when given), newest first."""
        rows = self.published().filter(pk__in=RawSQL(TAGGED_ANNOTATIONS_SQL, [tag.pk]))
        if kind:
            rows = rows.filter(kind=kind)
        return rows.order_by("-id")

    def kind_counts(self) -> dict[str, int]:
        """{kind: number of these annotations}, one grouped query."""
        return dict(self.order_by().values_list("kind").annotate(n=Count("id")))

    def for_web_annotation(self, *, article: bool = True) -> AnnotationQuerySet:
        """Published annotations with what their W3C representation shows
        (`articles.web_annotation`), in one query: the speaker, `author_name` (the author's
        full name, nothing else of the user: login names stay private), the article's slug
        (unless `article=False`, for pages of one article, whose slug the caller knows), and
        the tags as JSON rows that `reading_tags` reads without a query, and which version of
        the article's text the span points into (`text_version`, and `text_date`: when that
        text was stored), for the target's TimeState. Published spans always point into the
        current text: a correction maps them or sends them to review.

        A name rather than a joined user (and no article on one article's pages): a model
        instance built per row and relation is most of what a page of 100 costs in Python."""
        tag_rows = ArraySubquery(
            Tag.objects.filter(annotations=OuterRef("pk"))
            .order_by("name")
            .values(row=JSONObject(id="id", name="name", slug="slug"))
        )
        related = ["speaker", "article"] if article else ["speaker"]
        fields = ["speaker__slug", "speaker__name"] + (["article__slug"] if article else [])
        return (
            self.published()
            .select_related(*related)
            .only(*WEB_ANNOTATION_FIELDS, *fields)
            .annotate(
                tag_rows=tag_rows,
                author_name=Concat(
                    "author__first_name", Value(" "), "author__last_name", output_field=TextField()
                ),
                text_version=F("article__version_number"),
                text_date=Coalesce(F("article__text_modified_at"), F("article__created_at")),
            )
        )

    def in_text_order(self) -> AnnotationQuerySet:
        """Text order, as the reading page lists them; within an article,
        `annotation_article_idx` (article, status, start) finds the rows."""
        return self.order_by("start", "-end", "id")

    def text_order_page(self, article_id: int, offset: int, limit: int) -> AnnotationQuerySet:
        """One page of an article's published annotations in text order. The page is picked
        on ids alone first (`annotation_article_idx`, a sort of the article's ids), so the
        joins and the tags subquery run for its own rows only, not for every row an OFFSET
        steps over (EXPLAIN ANALYZE, page 3 of 1,000 annotations: 2.6 ms against 24.7)."""
        ids = (
            Annotation.objects.published()
            .filter(article_id=article_id)
            .in_text_order()
            .values("id")[offset : offset + limit]
        )
        return self.filter(pk__in=ids).in_text_order()

    def newest_window(
        self, *, before: int | None = None, after: int | None = None, oldest: bool = False
    ) -> AnnotationQuerySet:
        """Published annotations by id, for keyset pages newest first: older than `before`
        (descending), newer than `after` or the `oldest` (ascending: reverse what you slice).
        `annotation_published_id_idx`, partial on status, serves each as an index range scan
        that never steps over suggestions."""
        rows = self.published()
        if before is not None:
            return rows.filter(id__lt=before).order_by("-id")
        if after is not None:
            return rows.filter(id__gt=after).order_by("id")
        return rows.order_by("id" if oldest else "-id")

    def published_around(self, newest: int, oldest: int) -> tuple[bool, bool]:
        """(anything published newer than `newest`, anything older than `oldest`): one query,
        two probes of `annotation_published_id_idx`."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(PUBLISHED_AROUND_SQL, [newest, oldest])
            newer, older = cursor.fetchone()
        return bool(newer), bool(older)

    def container_version(self) -> int:
        """A number that changes whenever any annotation, its tags, speaker or author's name,
        or its article's slug changes anywhere: the sequence the annotations versions are
        drawn from (articles/sql/annotations_version.sql). One query reading one row."""
        with connections[self.db].cursor() as cursor:
            cursor.execute(CONTAINER_VERSION_SQL)
            last_value, is_called = cursor.fetchone()
        return last_value if is_called else 0

    def reviewed_claims(self) -> AnnotationQuerySet:
        """Published claims with a verdict, newest first, for the ClaimReview feed: the
        article's URL fields and `claimant_name`: the claimant's, else the
        name of the speaker of the quote that contains the claim (the rule
        `structured_data.claim_speakers` applies on the article page: the longest such
        quote), in one query."""
        quote = (
            Annotation.objects.published()
            .filter(
                article=OuterRef("article"),
                kind=Annotation.Kind.QUOTE,
                speaker__isnull=False,
                start__lte=OuterRef("start"),
                end__gte=OuterRef("end"),
            )
            .order_by("-end", "start", "id")
            .values("speaker__name")[:1]
        )
        return (
            self.published()
            .filter(kind=Annotation.Kind.CLAIM)
            .exclude(verdict="")
            .select_related("article")
            .only(
                *WEB_ANNOTATION_FIELDS,
                "article__slug",
                "article__published_on",
                "article__original_url",
                "sources",
                "reviewed_at",
            )
            .annotate(
                claimant_name=Coalesce(F("claimant__name"), Subquery(quote)),
            )
            .order_by("-id")
        )

    def verdict_counts(self) -> dict[str, int]:
        """{verdict: number of published claims}, one grouped query ("" = no verdict yet)."""
        rows = (
            self.published()
            .filter(kind=Annotation.Kind.CLAIM)
            .order_by()
            .values_list("verdict")
            .annotate(n=Count("id"))
        )
        return dict(rows)


# The rules of an annotation, each checked once, in `Annotation.clean()` (the services call
# it through `full_clean()`; the CheckConstraints in `Annotation.Meta` guard the same rules in
# the database). The messages are the editors': the annotate form shows them on its fields.
UNKNOWN_KIND = "Unknown kind “{kind}”: choose quote, claim or highlight."
UNKNOWN_STATUS = "Unknown status “{status}”."
UNKNOWN_VERDICT = "Unknown verdict “{verdict}”."
VERDICT_ONLY_FOR_CLAIMS = "Only claims have a verdict: choose “claim” or clear the verdict."
SPEAKER_ONLY_FOR_QUOTES = "Only quotes have a speaker: choose “quote” or clear the speaker."
CLAIMANT_ONLY_FOR_CLAIMS = "Only claims have a claimant: choose “claim” or clear the claimant."
VERDICT_NEEDS_RATIONALE = "A verdict needs its rationale: say in the note why it is this verdict."
SOURCES_ONLY_WITH_VERDICT = "Sources back a verdict: choose a verdict or clear the sources."
SPAN_EMPTY = "The selection is empty: select some text first."
SPAN_OUTSIDE_TEXT = (
    "The selection {start}–{end} is outside the article text (0–{length}). "
    "Reload the page and select again."
)
SPAN_TEXT_MISMATCH = (
    "The selected text does not match the article at these offsets "
    "(the page may be out of date). Reload the page and select again."
)
# Refused by the unique constraint `annotation_published_span_unique`, not by clean(): the
# services map its IntegrityError to this message (see services.annotations.duplicate_span).
DUPLICATE_SPAN = "This span is already annotated as a {kind}."


def _collapsed(text: str) -> str:
    return " ".join(text.split())


class Annotation(models.Model):
    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        CLAIM = "claim", "Claim"
        HIGHLIGHT = "highlight", "Highlight"

    class Verdict(models.TextChoices):
        TRUE = "true", "True"
        MOSTLY_TRUE = "mostly-true", "Mostly true"
        MIXED = "mixed", "Mixed"
        MOSTLY_FALSE = "mostly-false", "Mostly false"
        FALSE = "false", "False"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        SUGGESTED = "suggested", "Suggested by the quote finder"
        REJECTED = "rejected", "Rejected suggestion"
        # A correction touched its words and re-anchoring could not be sure where they went:
        # it keeps its old span, text and context (into the version it was made on), readers
        # never see it, and an editor decides (see `AnnotationReview`).
        NEEDS_REVIEW = "needs_review", "Needs review after a correction"
        # An editor kept it as a note on the version it was made on (`on_version`): its span
        # is into that version's text, editors see it there (the versions page), and it is
        # never marked on the current text.
        ON_VERSION = "on_version", "Kept as a note on an earlier version"
        # A claim with a verdict goes public only once a second editor approved it
        # (`services.verdicts`): written (draft), submitted for review, or sent back to its
        # author with a comment. Readers, feeds and exports never see these.
        DRAFT = "draft", "Verdict in draft"
        SUBMITTED = "submitted", "Verdict awaiting review"
        RETURNED = "returned", "Verdict sent back"

    # schema.org ClaimReview ratings: 5 = true … 1 = false; unverifiable has no number.
    VERDICT_RATINGS: dict[str, int] = {
        Verdict.TRUE: 5,
        Verdict.MOSTLY_TRUE: 4,
        Verdict.MIXED: 3,
        Verdict.MOSTLY_FALSE: 2,
        Verdict.FALSE: 1,
    }
    CONTEXT_LENGTH = 32

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    start = models.PositiveIntegerField(help_text="Code-point offset into the article body.")
    end = models.PositiveIntegerField(help_text="Exclusive code-point offset.")
    exact = models.TextField(help_text="body[start:end] when the annotation was made.")
    prefix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(max_length=CONTEXT_LENGTH, blank=True)
    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.PROTECT, related_name="annotations"
    )
    proposed_speaker = models.CharField(
        max_length=200,
        blank=True,
        help_text="Speaker name the quote finder proposed where no existing speaker matched; "
        "accepting the suggestion creates that speaker.",
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    claimant = models.ForeignKey(
        Speaker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        help_text="Who made the claim (claims only).",
    )
    # Database defaults too: the bulk paths (COPY, raw inserts) name only the old columns.
    sources = models.JSONField(
        default=list,
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
        help_text="The URLs a verdict rests on (claims only).",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who submitted the verdict for review.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who approved the verdict, or sent it back.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(
        blank=True, default="", db_default="", help_text="Why the reviewer sent the verdict back."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    on_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Kept as a note on this version: start and end are into its text.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        # No default ordering: ordering by "article" joined articles_article and sorted by
        # published_on in every query that did not order itself (the indexer's among them).
        # Text order is ("start", "-end", "id"); callers that need an order say so.
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0) & Q(start__lt=models.F("end")),
                name="annotation_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="claim") | Q(verdict=""), name="annotation_verdict_only_on_claims"
            ),
            models.CheckConstraint(
                condition=Q(kind="quote") | Q(speaker__isnull=True),
                name="annotation_speaker_only_on_quotes",
            ),
            models.CheckConstraint(
                condition=Q(kind="claim") | Q(claimant__isnull=True),
                name="annotation_claimant_only_on_claims",
            ),
            # One annotation per span and kind on the current text, published or with its
            # verdict in review: the insert itself refuses a second (two editors, or one
            # double click), with no lock and no look-up before it.
            models.UniqueConstraint(
                fields=["article", "start", "end", "kind"],
                condition=Q(status__in=["published", "draft", "submitted", "returned"]),
                name="annotation_published_span_unique",
                violation_error_message="This span is already annotated with this kind.",
            ),
        ]
        indexes = [
            # The reading page loads an article's annotations in text order.
            models.Index(fields=["article", "status", "start"], name="annotation_article_idx"),
            # Speaker pages list every quote by a speaker, newest first.
            models.Index(fields=["speaker", "-created_at"], name="annotation_speaker_idx"),
            # The claims page filters by verdict.
            models.Index(fields=["kind", "verdict", "-created_at"], name="annotation_verdict_idx"),
            # The speakers directory: each speaker's published quotes counted, their newest
            # found, and their claims looked for, all without reading the table.
            models.Index(
                fields=["speaker", "-id"],
                include=["article", "start", "end"],
                condition=Q(status="published", kind="quote"),
                name="annotation_speaker_quote_idx",
            ),
            # The claims page: one verdict's published claims newest first, and every
            # verdict's count (an index-only scan).
            models.Index(
                fields=["verdict", "-id"],
                condition=Q(status="published", kind="claim"),
                name="annotation_claim_verdict_idx",
            ),
            # The W3C site-wide container pages through published annotations newest first
            # by id (keyset), and counts them; suggestions never enter this index.
            models.Index(
                fields=["-id"],
                condition=Q(status="published"),
                name="annotation_published_id_idx",
            ),
            # The API's `updated_since` pages through changes in (updated_at, id) order.
            models.Index(fields=["updated_at", "id"], name="annotation_updated_idx"),
            # The editors' desk counts the annotations waiting for them, per article and in
            # all (10,000 pending suggestions counted from the index alone).
            models.Index(
                fields=["status", "article"],
                condition=Q(status__in=["needs_review", "suggested"]),
                name="annotation_waiting_idx",
            ),
            # The desk lists the verdicts awaiting review and those sent back, oldest first.
            models.Index(
                fields=["status", "updated_at"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="annotation_verdict_review_idx",
            ),
            # Search matches published annotations' notes.
            GinIndex(
                NOTE_SEARCH_VECTOR,
                name="annotation_note_search",
                condition=Q(status="published"),
            ),
            # Search lists the published quotes and claims whose words match.
            GinIndex(
                EXACT_SEARCH_VECTOR,
                name="annotation_exact_search",
                condition=Q(status="published", kind__in=["quote", "claim"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#annotation-{self.pk}"

    def clean(self) -> None:
        """Every rule of an annotation that needs no query, each with its message.

        Reads `self.article.body`: load the article with the annotation (the services do).
        `exact` is what the editor selected; whitespace is compared collapsed, since the
        browser never sees the separators between blocks, so a selection across paragraphs
        sends a single newline where the body may have two.
        """
        errors: dict[str, str] = {}
        if self.kind not in self.Kind.values:
            errors["kind"] = UNKNOWN_KIND.format(kind=self.kind)
        if self.status not in self.Status.values:
            errors["status"] = UNKNOWN_STATUS.format(status=self.status)
        if self.verdict and self.verdict not in self.Verdict.values:
            errors["verdict"] = UNKNOWN_VERDICT.format(verdict=self.verdict)
        elif self.verdict and self.kind != self.Kind.CLAIM:
            errors["verdict"] = VERDICT_ONLY_FOR_CLAIMS
        # An unsaved speaker (a new one, stored only once every check has passed) counts.
        has_speaker = self.speaker_id is not None or (
            Annotation.speaker.is_cached(self) and self.speaker is not None
        )
        if has_speaker and self.kind != self.Kind.QUOTE:
            errors["speaker"] = SPEAKER_ONLY_FOR_QUOTES
        has_claimant = self.claimant_id is not None or (
            Annotation.claimant.is_cached(self) and self.claimant is not None
        )
        if has_claimant and self.kind != self.Kind.CLAIM:
            errors["claimant"] = CLAIMANT_ONLY_FOR_CLAIMS
        if self.sources and not self.verdict:
            errors["sources"] = SOURCES_ONLY_WITH_VERDICT
        # Waiting for review, or a note kept on an earlier version: the span points into the
        # text of the version it was made on, not this one (`services.reviews` checks it).
        on_current_text = self.status not in (self.Status.NEEDS_REVIEW, self.Status.ON_VERSION)
        if (
            on_current_text
            and self.article_id is not None
            and self.start is not None
            and self.end is not None
        ):
            body = self.article.body
            if self.start >= self.end:
                errors["start"] = SPAN_EMPTY
            elif self.start < 0 or self.end > len(body):
                errors["start"] = SPAN_OUTSIDE_TEXT.format(
                    start=self.start, end=self.end, length=len(body)
                )
            elif _collapsed(body[self.start : self.end]) != _collapsed(self.exact):
                errors["exact"] = SPAN_TEXT_MISMATCH
        if errors:
            raise ValidationError(errors)

    @cached_property
    def reading_tags(self) -> list[Tag]:
        """The tags by name: from the reading query's `tag_rows` when it loaded them (see
        `ArticleQuerySet.reading_annotations_prefetch`, no query), else from the database."""
        rows = getattr(self, "tag_rows", None)
        if rows is None:
            return list(self.tags.all())
        return [Tag(**row) for row in rows]

    @classmethod
    def anchor(cls, body: str, start: int, end: int) -> dict[str, str]:
        """The span's text and a little context either side, for re-anchoring it later."""
        return {
            "exact": body[start:end],
            "prefix": body[max(0, start - cls.CONTEXT_LENGTH) : start],
            "suffix": body[end : end + cls.CONTEXT_LENGTH],
        }

    @property
    def rating(self) -> int | None:
        return self.VERDICT_RATINGS.get(self.verdict)

    @property
    def in_verdict_review(self) -> bool:
        """Its verdict is written, submitted or sent back: not public yet."""
        return self.status in VERDICT_REVIEW_STATUSES


VERDICT_REVIEW_STATUSES = (
    Annotation.Status.DRAFT,
    Annotation.Status.SUBMITTED,
    Annotation.Status.RETURNED,
)
# Annotations on the current text that hold their span: one per span and kind (the unique
# constraint `annotation_published_span_unique` covers these), listed on editors' pages.
SPAN_HOLDING_STATUSES = (Annotation.Status.PUBLISHED, *VERDICT_REVIEW_STATUSES)


class AnnotationRevision(models.Model):
    """One row per change to an annotation: who, when, and the values before and after.

    Kept when the annotation is deleted (no foreign key), so a delete can be restored.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"
        RESTORED = "restored", "Restored"
        ACCEPTED = "accepted", "Accepted suggestion"
        REJECTED = "rejected", "Rejected suggestion"
        MOVED = "moved", "Moved with the text"
        NEEDS_REVIEW = "needs_review", "Sent to review by a correction"
        REVIEWED = "reviewed", "Review accepted"
        CARRIED = "carried", "Carried from a copy"
        RESPANNED = "respanned", "Review: put on a new span"
        KEPT_ON_VERSION = "kept_on_version", "Review: kept on its version"
        REVIEW_UNDONE = "review_undone", "Review undone"
        SUGGESTION_UNDONE = "undone", "Accept or reject undone: suggested again"
        SUBMITTED = "submitted", "Verdict submitted for review"
        APPROVED = "approved", "Verdict approved and published"
        SENT_BACK = "sent_back", "Verdict sent back to its author"

    annotation_id = models.BigIntegerField(db_index=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=16, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["annotation_id", "-created_at"], name="revision_annotation_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} annotation {self.annotation_id}"


class AnnotationsVersion(models.Model):
    """A number that changes whenever anything the reading page shows of an article's
    annotations changes: an annotation's span, kind, status, verdict, note, speaker or tags
    (added, changed or deleted, by the ORM, a bulk update or raw SQL), a tag's or speaker's
    name or slug.

    Kept by triggers in articles/sql/annotations_version.sql: statement-level, so a bulk
    insert of thousands of suggestions bumps each article once. Values come from a
    sequence, never reused, so a version seen inside a transaction that rolled back can't
    come back with other content. No row means no annotation ever changed: version 0.

    Computing a digest over the annotations on every read cost about 6 ms for an article
    with 1,000 of them; this is a primary-key probe. There is no foreign key: the article's
    delete runs after its annotations' (whose triggers write here), and a trigger on the
    article removes the row.
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="annotations_version",
    )
    version = models.BigIntegerField()
    # When the version last moved (the bump's clock time): the reading page's Last-Modified
    # with the article's own times, since an annotation edit leaves the article untouched.
    changed_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = "annotations version"

    def __str__(self) -> str:
        return f"{self.article_id}: {self.version}"


class ArticleFacets(models.Model):
    """What search's facets count of an article: the kinds, speakers and tags of its
    published annotations, each value once. No row: no published annotation.

    Kept by triggers in articles/sql/article_facets.sql, statement-level like
    AnnotationsVersion, so a bulk write touches each article once. Counting facets over a
    few hundred matching articles then reads one row per annotated article instead of every
    annotation and a probe of its tags (10 ms when a match has 1,000 annotations; about 2 ms
    this way).
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="facet_values",
    )
    kinds = ArrayField(models.CharField(max_length=16), default=list)
    speaker_ids = ArrayField(models.BigIntegerField(), default=list)
    tag_ids = ArrayField(models.BigIntegerField(), default=list)

    class Meta:
        indexes = [
            # The API's article lists narrowed to a tag or a speaker: the articles that
            # have it, found in one index however rare or common it is (walking the newest
            # articles and probing their annotations took 100 ms for a tag on one article
            # in 200 at 100,000 articles: bench/export.py).
            GinIndex(fields=["tag_ids"], name="articlefacets_tags_gin"),
            GinIndex(fields=["speaker_ids"], name="articlefacets_speakers_gin"),
        ]


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        """Tokens not revoked."""
        return self.filter(revoked_at__isnull=True)

    def of_user(self, user) -> ApiTokenQuerySet:
        """A user's own tokens, newest first (their tokens page)."""
        return self.filter(user=user).order_by("-created_at", "-id")

    def authenticating(self, digest: str) -> ApiTokenQuerySet:
        """The active token with this sha256 `digest`, with its user and the user's editor
        status (`user_is_editor`): one query through the digest's unique index."""
        in_editors = Group.objects.filter(
            user=OuterRef("user_id"), name__in=[EDITORS_GROUP, REVIEWERS_GROUP]
        )
        return (
            self.active()
            .filter(digest=digest, user__is_active=True)
            .select_related("user")
            .annotate(user_is_editor=Exists(in_editors))
        )


class ApiToken(models.Model):
    """A user's API token: `Authorization: Bearer <secret>`.

    Only the sha256 of the secret is stored (the secret is a random 256-bit string, so a
    plain digest is as strong as a slow hash would be, and one index probe finds it); the
    secret is shown once, when the token is made. `prefix` (the secret's first characters)
    lets its owner tell tokens apart. Revoking keeps the row, so the admin shows who had
    which token until when.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “CMS import”.")
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ArticleVersionQuerySet(models.QuerySet["ArticleVersion"]):
    def text_of(self, slug: str, number: int) -> tuple[str, str, str, str] | None:
        """Version `number` of the article at `slug`: its body, content hash, the article's
        language and reading page path; None: no such version. One query, through
        `articleversion_unique`."""
        row = (
            self.filter(article__slug=slug, number=number)
            .values_list("body", "content_hash", "article__language")
            .first()
        )
        if row is None:
            return None
        return (*row, reverse("articles:article", args=[slug]))

    def listing(self) -> ArticleVersionQuerySet:
        """An article's versions, newest first, without their bodies, with who made them."""
        return self.defer("body", "structure").select_related("created_by").order_by("-number")


class ArticleVersion(models.Model):
    """Every text an article has had. Number 1 is the first import (written by a trigger on
    every new article, articles/sql/article_versions.sql, so the bulk import's COPY adds no
    query); later ones come from `services.versions.article_correct` only. The article itself
    always holds the newest version's text."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Original"
        CORRECTION = "correction", "Corrected"
        UPDATE = "update", "Updated"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ORIGINAL)
    title = models.CharField(max_length=500)
    body = models.TextField()
    structure = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    source_file = models.ForeignKey(
        SourceFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, help_text="Why the text changed (editors see it).")
    note = models.TextField(blank=True, help_text="Public correction note shown to readers.")
    # {"kept": n, "moved": n, "review": n}: what re-anchoring did to the annotations.
    reanchored = models.JSONField(default=dict, blank=True)

    objects = ArticleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            # Also the index the versions page and "the latest version" read through.
            models.UniqueConstraint(fields=["article", "number"], name="articleversion_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="articleversion_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class AnnotationReview(models.Model):
    """Why an annotation needs review after a correction, and where re-anchoring proposes
    it now goes (in the text of `version`; no proposal: nothing near enough)."""

    # The database deletes the review with its annotation (ON DELETE CASCADE, added by
    # migration 0004): Django's own cascade would cost every annotation delete a query.
    annotation = models.OneToOneField(
        Annotation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="review",
    )
    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="reviews")
    previous_status = models.CharField(max_length=16, choices=Annotation.Status.choices)
    proposed_start = models.PositiveIntegerField(null=True, blank=True)
    proposed_end = models.PositiveIntegerField(null=True, blank=True)
    # The version whose text the annotation's span is into (the one before the correction
    # that sent it to review); None on reviews older than this field: `version` - 1.
    made_on = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["version"], name="annotationreview_version_idx")]

    def __str__(self) -> str:
        return f"Review of annotation {self.annotation_id}"

    @property
    def made_on_number(self) -> int:
        """The version the annotation's span is into."""
        if self.made_on is not None:
            return self.made_on
        return max(self.version.number - 1, 1)

    @property
    def proposed_text(self) -> str:
        if self.proposed_start is None or self.proposed_end is None:
            return ""
        return self.annotation.article.body[self.proposed_start : self.proposed_end]


class StoryFingerprintQuerySet(models.QuerySet["StoryFingerprint"]):
    def copies_found(self, article_ids: list[int], threshold: float) -> list[tuple]:
        """(article, other article, similarity) for every copy of the given articles among
        all fingerprinted ones, each pair once per direction it was asked for.

        One query: the candidates are found through the GIN index on `bands` (an article
        sharing a band), and only they are scored, in the database (see
        `articles.copy_detection` for the estimate and why it is the overlap).
        """
        with connections[self.db].cursor() as cursor:
            cursor.execute(COPIES_FOUND_SQL, [BINS, article_ids, threshold])
            return cursor.fetchall()


# The estimated Jaccard J from the agreeing bins, then the overlap J(|A|+|B|)/(1+J)/min.
COPIES_FOUND_SQL = """
SELECT pair.article_id, pair.other_id, pair.similarity
FROM (
    SELECT f.article_id, g.article_id AS other_id,
           least(1.0, j.jaccard * (f.shingles + g.shingles) / (1 + j.jaccard)
                 / least(f.shingles, g.shingles)) AS similarity
    FROM articles_storyfingerprint f
    JOIN articles_storyfingerprint g ON g.bands && f.bands AND g.article_id <> f.article_id
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x = y)::float / %s AS jaccard
        FROM unnest(f.signature, g.signature) AS u(x, y)
    ) j
    WHERE f.article_id = ANY(%s::bigint[])
) pair
WHERE pair.similarity >= %s
ORDER BY pair.article_id, pair.other_id
"""


class StoryFingerprint(models.Model):
    """An article's MinHash fingerprint (`articles.copy_detection`), written by the indexer
    and by `manage.py find_copies`: what finding its copies among all articles needs."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint"
    )
    signature = ArrayField(models.BigIntegerField())
    bands = ArrayField(models.BigIntegerField())
    shingles = models.PositiveIntegerField()
    # The content hash the fingerprint was made from: a corrected text is fingerprinted again.
    content_hash = models.CharField(max_length=64)

    objects = StoryFingerprintQuerySet.as_manager()

    class Meta:
        indexes = [
            # Candidates for copies: articles sharing a band, one indexed look-up per band.
            # No pending list (fastupdate off): every look-up scans GIN's pending list
            # linearly, and the indexer's inserts filled it, 6 ms a look-up against 0.1.
            GinIndex(fields=["bands"], name="storyfingerprint_bands_gin", fastupdate=False),
        ]

    def __str__(self) -> str:
        return f"Fingerprint of article {self.article_id}"


class StoryCopyQuerySet(models.QuerySet["StoryCopy"]):
    def also_published(self, article_id: int) -> StoryCopyQuerySet:
        """The copies of an article, oldest first, with their outlets."""
        return (
            self.filter(article_id=article_id)
            .select_related("copy__outlet")
            .only(
                "id",
                "similarity",
                "copy__id",
                "copy__slug",
                "copy__title",
                "copy__published_on",
                "copy__outlet__name",
                "copy__outlet__slug",
            )
            .order_by("copy__published_on", "copy_id")
        )


def also_published_rows() -> ArraySubquery:
    """The copies of the outer article as JSON rows (outlet, title, date, link's slug), in
    the article's own query: the reading page shows them with no query of its own."""
    return ArraySubquery(
        StoryCopy.objects.filter(article=OuterRef("pk"))
        .order_by("copy__published_on", "copy_id")
        .values(
            row=JSONObject(
                slug="copy__slug",
                title="copy__title",
                published_on="copy__published_on",
                outlet="copy__outlet__name",
            )
        )
    )


class StoryCopy(models.Model):
    """`copy` runs the same story as `article` (another outlet's copy, found by
    `articles.copy_detection`). Stored in both directions, so an article's copies are one
    indexed look-up from either side."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="copies")
    copy = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(help_text="Share of the shorter text found in the other.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StoryCopyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "copy"], name="storycopy_unique"),
            models.CheckConstraint(condition=~Q(article=F("copy")), name="storycopy_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ~ {self.copy_id}"


class AnnotationCarry(models.Model):
    """Where an annotation carried from a copy came from: carrying again skips the
    annotations already carried to that article (unique), so nothing is duplicated."""

    # The database deletes this row with its annotation (ON DELETE CASCADE, added by the
    # migration), as `AnnotationReview`: Django's cascade would cost every delete a query.
    annotation = models.OneToOneField(
        Annotation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="carried_from",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    source_annotation_id = models.BigIntegerField()
    source_article = models.ForeignKey(
        Article, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source_annotation_id"], name="annotationcarry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Annotation {self.annotation_id} from {self.source_annotation_id}"
