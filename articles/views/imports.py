"""The admin's "Import source files" page: upload files and zips, see what became of each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from articles.importing.parsers.archives import ImportLimits, SourceEntry, upload_size_error
from articles.importing.storing import import_limits, source_files_import
from articles.models import Article, SourceFile

IMPORT_PERMISSION = "articles.add_article"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; empty files pass so they get a record and a reason."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class SourceFilesImportForm(forms.Form):
    files = MultipleFileField(
        label="Source files",
        help_text="Text files in the newsreader export layout, or .zip archives of them. "
        "Select several at once.",
        error_messages={"required": "Choose at least one file to import."},
    )

    def uploads(self, limits: ImportLimits) -> Iterator[tuple[str, bytes] | SourceEntry]:
        """The chosen files, each read only when its turn comes and only if within limits."""
        for upload in self.cleaned_data["files"]:
            name = upload.name or "unnamed"
            error = upload_size_error(name, upload.size or 0, limits)
            yield SourceEntry(name, b"", error) if error else (name, upload.read())


@require_http_methods(["GET", "POST"])
def import_source_files(request: HttpRequest, *, admin_site: AdminSite) -> HttpResponse:
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Importing needs permission to add articles.")
    posted = request.method == "POST"
    form = SourceFilesImportForm(request.POST, request.FILES) if posted else SourceFilesImportForm()
    limits = import_limits()
    results = None
    if posted and form.is_valid():
        results = source_files_import(files=form.uploads(limits), user=request.user)
    context = {
        **admin_site.each_context(request),
        "title": "Import source files",
        "opts": SourceFile._meta,
        "form": form,
        "limits": limits,
        "results": results,
        "counts": Counter(r.status for r in results or []),
        # Bulk imports leave search indexing and quote proposals to the indexing worker.
        "waiting_for_index": Article.objects.waiting_for_index().count(),
    }
    return TemplateResponse(request, "admin/articles/sourcefile/import.html", context)
