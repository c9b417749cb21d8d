from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.exports import export_response, url_parts
from articles.forms import ArticleCorrectForm
from articles.models import (
    VERDICT_REVIEW_STATUSES,
    Annotation,
    AnnotationRevision,
    ApiToken,
    Article,
    Outlet,
    SourceFile,
    Speaker,
    Tag,
)
from articles.rendering import render_change_list, render_links
from articles.revisions import annotation_snapshot, revision_record, revision_summary
from articles.services.annotations import annotation_delete, verdict_review_status
from articles.services.tokens import api_token_create, api_token_revoke
from articles.services.versions import article_correct
from articles.views.imports import import_source_files

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# Article and SourceFile lists link to the import page from their object tools.
CHANGE_LIST_WITH_IMPORT = "admin/articles/change_list_with_import.html"


# What the list pages' queries (`get_queryset` below) annotate their rows with.
class ArticleCount(TypedDict):
    article_count: int


class QuoteCount(TypedDict):
    quote_count: int


class AnnotationCount(TypedDict):
    annotation_count: int


def _export_action(kind: str, fmt: str, label: str):
    """An admin action streaming the selected rows (or every row the changelist's filters
    pick, with "select all") as `fmt`, as the API's exports do."""

    def export(modeladmin, request, queryset):
        return export_response(
            kind=kind,
            queryset=queryset,
            url_parts=url_parts(request.build_absolute_uri("/")),
            fmt=fmt,
            filename=kind,
        )

    export.__name__ = f"export_{kind}_{fmt}"
    return admin.action(description=label)(export)


export_annotations_csv = _export_action("annotations", "csv", "Export selected annotations as CSV")
export_annotations_jsonl = _export_action(
    "annotations", "jsonl", "Export selected annotations as JSON Lines"
)
export_articles_csv = _export_action("articles", "csv", "Export selected articles as CSV")
export_articles_jsonl = _export_action(
    "articles", "jsonl", "Export selected articles as JSON Lines"
)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="Articles")
    def article_count(self, obj: WithAnnotations[Outlet, ArticleCount]) -> int:
        return obj.article_count


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "alias_list", "quote_count"]
    search_fields = ["name", "description", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=Count("annotations"))

    @admin.display(description="Aliases")
    def alias_list(self, obj: Speaker) -> str:
        return ", ".join(obj.aliases)

    @admin.display(ordering="quote_count", description="Quotes")
    def quote_count(self, obj: WithAnnotations[Speaker, QuoteCount]) -> int:
        return obj.quote_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "annotation_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(annotation_count=Count("annotations"))

    @admin.display(ordering="annotation_count", description="Annotations")
    def annotation_count(self, obj: WithAnnotations[Tag, AnnotationCount]) -> int:
        return obj.annotation_count


class AnnotationInline(admin.TabularInline):
    """A read-only overview: changes go through the annotation's own page, which keeps history."""

    model = Annotation
    ordering = ["start", "-end", "id"]  # text order (the model has no default ordering)
    extra = 0
    fields = readonly_fields = (
        "kind",
        "status",
        "start",
        "end",
        "exact",
        "speaker",
        "verdict",
        "author",
    )
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class IndexingFilter(admin.SimpleListFilter):
    """Bulk-imported articles waiting in the indexing queue (not found by search yet)."""

    title = "search indexing"
    parameter_name = "indexing"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for indexing"), ("done", "Indexed")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.waiting_for_index()
        if self.value() == "done":
            return queryset.filter(index_pending=False)
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_on", "agency", "language", "created_at"]
    list_filter = [
        "outlet",
        "language",
        ("published_on", admin.DateFieldListFilter),
        IndexingFilter,
    ]
    search_fields = ["title", "summary", "original_url"]
    date_hierarchy = "published_on"
    list_select_related = ["outlet"]
    # The body is the canonical text annotations point into: it is never edited in place
    # (a browser would even turn its line ends into CRLF and shift every annotation). It
    # changes only through "Correct the text" (`correct_view`), which makes a new version
    # and re-anchors the annotations (services.versions.article_correct).
    readonly_fields = [
        "correct_the_text",
        "body",
        "content_hash",
        "structure",
        "source_file",
        "index_pending",
        "created_at",
        "updated_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AnnotationInline]
    change_list_template = CHANGE_LIST_WITH_IMPORT
    actions = [export_articles_csv, export_articles_jsonl]

    @admin.display(description="Text")
    def correct_the_text(self, article: Article) -> str:
        if article.pk is None:
            return "-"
        return render_links(
            [
                (reverse("admin:articles_article_correct", args=[article.pk]), "Correct the text"),
                (
                    reverse("articles:article_versions", args=[article.slug]),
                    f"Versions (now version {article.version_number})",
                ),
            ]
        )

    def get_urls(self):
        correct = path(
            "<path:object_id>/correct/",
            self.admin_site.admin_view(self.correct_view),
            name="articles_article_correct",
        )
        return [correct, *super().get_urls()]

    def correct_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The body in a form; saving calls `article_correct`, as the site's form does."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404("No article with this id.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied("Correcting the text needs permission to change articles.")
        form = ArticleCorrectForm(request.POST or None, initial={"body": article.body})
        if request.method == "POST" and form.is_valid():
            try:
                result = article_correct(
                    article=article,
                    body=form.cleaned_data["body"],
                    structure=None,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                counts = result.counts
                self.message_user(
                    request,
                    f"Saved as version {result.version.number}: {counts['kept']} annotations "
                    f"followed, {counts['moved']} moved, {counts['review']} need review.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Correct the text of “{article.title}”",
            "opts": self.opts,
            "original": article,
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/article/correct.html", context)


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "encoding", "size", "imported_by", "imported_at", "article"]
    list_filter = ["status", "encoding", ("imported_at", admin.DateFieldListFilter)]
    search_fields = ["name", "sha256", "error"]
    list_select_related = ["imported_by", "article"]
    readonly_fields = [
        "name",
        "size",
        "sha256",
        "encoding",
        "status",
        "error",
        "article",
        "imported_by",
        "imported_at",
    ]
    exclude = ["content"]
    change_list_template = CHANGE_LIST_WITH_IMPORT

    def get_urls(self):
        # Before the defaults: "<path:object_id>/" would swallow "import/".
        view = self.admin_site.admin_view(partial(import_source_files, admin_site=self.admin_site))
        return [path("import/", view, name="articles_sourcefile_import"), *super().get_urls()]

    def has_add_permission(self, request) -> bool:
        # Source files arrive through the import page, never typed in by hand.
        return False


PUBLISH_ON_THE_VERDICT_PAGE = (
    "A verdict in review is published by a second editor approving it on its verdict page."
)


class AnnotationAdminForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        article, start, end = cleaned.get("article"), cleaned.get("start"), cleaned.get("end")
        if self.instance.pk is None and article and start is not None and end is not None:
            # The span's text and context are taken from the article, never typed in;
            # Annotation.clean() (run by the model form next) checks the span itself.
            for field, value in Annotation.anchor(article.body, start, end).items():
                setattr(self.instance, field, value)
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # a Django hook django-stubs leaves out
        if self.instance.pk is not None:
            # A saved annotation's span is read-only here, so Django skips the constraints
            # naming it; a kind or status change could still duplicate a published span.
            # Fields that already have an error are left out: clean() said it in its words.
            try:
                self.instance.validate_constraints(exclude=set(self.errors))
            except ValidationError as error:
                self._update_errors(error)  # type: ignore[attr-defined]  # not in django-stubs
        self._verdict_rules()

    def _verdict_rules(self) -> None:
        """The editors' rules for a verdict apply here too: a new or changed one is a draft
        that needs its rationale, and only a second editor publishes it (the verdict page)."""
        if self.errors:
            return
        before = None
        if self.instance.pk is not None:
            before = annotation_snapshot(Annotation.objects.get(pk=self.instance.pk))
        was_in_review = before is not None and before["status"] in VERDICT_REVIEW_STATUSES
        if (
            was_in_review
            and self.instance.status == Annotation.Status.PUBLISHED
            and self.instance.verdict
        ):
            self.add_error("status", PUBLISH_ON_THE_VERDICT_PAGE)
            return
        try:
            verdict_review_status(self.instance, before)
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    form = AnnotationAdminForm
    # Newest article first (its own ordering), each in text order.
    ordering = ["article", "start", "-end", "id"]
    list_display = [
        "__str__",
        "kind",
        "status",
        "article",
        "speaker",
        "verdict",
        "author",
        "updated_at",
    ]
    list_filter = ["kind", "status", "verdict", "tags"]
    search_fields = ["exact", "note", "speaker__name", "article__title"]
    actions = [export_annotations_csv, export_annotations_jsonl]
    list_select_related = ["article", "speaker", "author"]
    raw_id_fields = ["article", "speaker", "claimant"]
    filter_horizontal = ["tags"]
    readonly_fields = [
        "exact",
        "prefix",
        "suffix",
        "author",
        # A verdict's review happens on its page, by a second editor (views/verdicts.py).
        "submitted_by",
        "reviewer",
        "reviewed_at",
        "review_comment",
        "created_at",
        "updated_at",
        "history",
    ]

    def get_readonly_fields(self, request, obj=None):
        # A saved annotation's span is fixed: its text and context were taken from it.
        fixed = ["article", "start", "end"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    # Changes made here are recorded like the editors' own, in the same transaction.
    def save_model(self, request, obj, form, change):
        obj._revision_before = (
            annotation_snapshot(Annotation.objects.get(pk=obj.pk)) if change else None
        )
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        annotation = form.instance
        action = AnnotationRevision.Action.UPDATED if change else AnnotationRevision.Action.CREATED
        revision_record(
            annotation,
            action,
            request.user,
            getattr(annotation, "_revision_before", None),
            annotation_snapshot(annotation),
        )

    def delete_model(self, request, obj):
        annotation_delete(annotation_id=obj.pk, user=request.user)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            annotation_delete(annotation_id=pk, user=request.user)

    @admin.display(description="History")
    def history(self, obj: Annotation) -> str:
        revisions = AnnotationRevision.objects.filter(annotation_id=obj.pk).select_related("user")
        if obj.pk is None or not revisions:
            return "No changes recorded."
        return render_change_list(
            (
                r.get_action_display(),
                r.user.get_username() if r.user else "unknown",
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                revision_summary(r),
            )
            for r in revisions
        )


@admin.register(AnnotationRevision)
class AnnotationRevisionAdmin(admin.ModelAdmin):
    list_display = ["annotation_id", "action", "article", "user", "created_at"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["annotation_id", "article__title", "user__username"]
    list_select_related = ["article", "user"]
    readonly_fields = [
        "annotation_id",
        "article",
        "action",
        "before",
        "after",
        "user",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff make a token for a user (its secret shown once, on the page after) and revoke
    tokens; only digests are stored, so no secret can be shown again."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["name", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = api_token_create(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        obj._state.adding = False
        request._new_token_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_new_token_secret", None)
        if secret is None:  # pragma: no cover - save_model always sets it
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "API token made",
            "opts": self.model._meta,
            "token": obj,
            "secret": secret,
        }
        return TemplateResponse(request, "admin/articles/apitoken/made.html", context)

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        ids = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        for token_id in ids:
            api_token_revoke(token_id=token_id)
        self.message_user(request, f"{len(ids)} token(s) revoked.")
