"""Newsreader's data model: articles stored once as canonical text, annotations pointing into it.

Offsets everywhere are Unicode code points into `Article.body` (Python string indices),
so emoji and other astral characters shift nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse

# The database keeps the search vector in sync: title weighs most, then summary, then body.
ARTICLE_SEARCH_VECTOR = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("summary", weight="B", config="english")
    + SearchVector("body", weight="C", config="english")
)


class Outlet(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # The importer matches outlets case-insensitively ("EURONEWS" is Euronews).
            models.UniqueConstraint(Lower("name"), name="outlet_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SpeakerQuerySet(models.QuerySet):
    def named(self, name: str) -> SpeakerQuerySet:
        """Speakers whose name or one of whose aliases is `name`, ignoring case."""
        return self.filter(
            Q(name__iexact=name)
            | Q(
                pk__in=RawSQL(
                    "SELECT id FROM articles_speaker, unnest(aliases) AS alias"
                    " WHERE lower(alias) = lower(%s)",
                    [name],
                )
            )
        )

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
    slug = models.SlugField(max_length=220, unique=True)
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
            # Autocomplete and the quote finder look speakers up by alias.
            GinIndex(fields=["aliases"], name="speaker_aliases_gin"),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SourceFile(models.Model):
    """Every uploaded or imported file, kept whatever became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IMPORTED = "imported", "Imported"
        DUPLICATE = "duplicate", "Duplicate"
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


class ArticleQuerySet(models.QuerySet):
    def latest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_on", "-id")

    def with_listing_data(self) -> ArticleQuerySet:
        """Outlet, quote/claim counts and tags for article lists, in a fixed number of queries."""
        published = Q(annotations__status=Annotation.Status.PUBLISHED)
        return self.select_related("outlet").annotate(
            quote_count=Count(
                "annotations", filter=published & Q(annotations__kind=Annotation.Kind.QUOTE)
            ),
            claim_count=Count(
                "annotations", filter=published & Q(annotations__kind=Annotation.Kind.CLAIM)
            ),
        )

    def for_reading(self) -> ArticleQuerySet:
        """The article page's data: outlet, published annotations with speaker, author and tags.

        Three queries whatever the number of annotations (article, annotations, tags).
        """
        annotations = (
            Annotation.objects.published()
            .select_related("speaker", "author")
            .prefetch_related("tags")
            .order_by("start", "-end", "id")
        )
        return self.select_related("outlet").prefetch_related(
            Prefetch("annotations", queryset=annotations, to_attr="published_annotations")
        )


class Article(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=255, unique=True)
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
    search_vector = models.GeneratedField(
        expression=ARTICLE_SEARCH_VECTOR, output_field=SearchVectorField(), db_persist=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="article_latest_idx"),
            models.Index(fields=["outlet", "-published_on"], name="article_outlet_idx"),
            GinIndex(fields=["search_vector"], name="article_search_gin"),
            # Duplicate detection by original URL on every import.
            models.Index(fields=["original_url"], name="article_url_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", args=[self.slug])

    @property
    def headings(self) -> list[str]:
        return [self.body[b["start"] : b["end"]] for b in self.structure if b["kind"] == "heading"]


class AnnotationQuerySet(models.QuerySet):
    def published(self) -> AnnotationQuerySet:
        """What readers see: never suggestions or rejected proposals."""
        return self.filter(status=Annotation.Status.PUBLISHED)

    def suggested(self) -> AnnotationQuerySet:
        return self.filter(status=Annotation.Status.SUGGESTED)


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

    # schema.org ClaimReview ratings: 5 = true … 1 = false; unverifiable has no number.
    VERDICT_RATINGS = {
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
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "-end", "id"]
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
        ]
        indexes = [
            # The reading page loads an article's annotations in text order.
            models.Index(fields=["article", "status", "start"], name="annotation_article_idx"),
            # Speaker pages list every quote by a speaker, newest first.
            models.Index(fields=["speaker", "-created_at"], name="annotation_speaker_idx"),
            # The claims page filters by verdict.
            models.Index(fields=["kind", "verdict", "-created_at"], name="annotation_verdict_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.exact[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#annotation-{self.pk}"

    @property
    def rating(self) -> int | None:
        return self.VERDICT_RATINGS.get(self.verdict)


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
