from functools import partial

from django.contrib import admin
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html, format_html_join

from articles.models import (
    Annotation,
    AnnotationRevision,
    Article,
    Outlet,
    SourceFile,
    Speaker,
    Tag,
)
from articles.services.annotations import (
    annotation_delete,
    annotation_snapshot,
    revision_record,
    revision_summary,
)
from articles.views.imports import import_source_files

# Article and SourceFile lists link to the import page from their object tools.
CHANGE_LIST_WITH_IMPORT = "admin/articles/change_list_with_import.html"


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="Articles")
    def article_count(self, obj: Outlet) -> int:
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
    def quote_count(self, obj: Speaker) -> int:
        return obj.quote_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "annotation_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(annotation_count=Count("annotations"))

    @admin.display(ordering="annotation_count", description="Annotations")
    def annotation_count(self, obj: Tag) -> int:
        return obj.annotation_count


class AnnotationInline(admin.TabularInline):
    model = Annotation
    extra = 0
    fields = ["kind", "status", "start", "end", "exact", "speaker", "verdict", "author"]
    readonly_fields = ["exact", "author"]
    raw_id_fields = ["speaker"]
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_on", "agency", "language", "created_at"]
    list_filter = ["outlet", "language", ("published_on", admin.DateFieldListFilter)]
    search_fields = ["title", "summary", "original_url"]
    date_hierarchy = "published_on"
    list_select_related = ["outlet"]
    readonly_fields = ["content_hash", "structure", "source_file", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AnnotationInline]
    change_list_template = CHANGE_LIST_WITH_IMPORT


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


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
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
    list_select_related = ["article", "speaker", "author"]
    raw_id_fields = ["article", "speaker"]
    filter_horizontal = ["tags"]
    readonly_fields = [
        "exact",
        "prefix",
        "suffix",
        "author",
        "created_at",
        "updated_at",
        "history",
    ]

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
        rows = format_html_join(
            "",
            "<li>{} by {}, {}: {}</li>",
            (
                (
                    r.get_action_display(),
                    r.user.get_username() if r.user else "unknown",
                    r.created_at.strftime("%Y-%m-%d %H:%M"),
                    revision_summary(r),
                )
                for r in revisions
            ),
        )
        return format_html("<ul>{}</ul>", rows)


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
