"""The admin's "Import source files" page: upload files and zips, see what became of each."""

from __future__ import annotations

from collections import Counter

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from articles.forms import SourceFilesImportForm
from articles.http import HtmxHttpRequest
from articles.importing.storing import import_limits, source_files_import
from articles.models import Article, SourceFile

IMPORT_PERMISSION = "articles.add_article"


@require_http_methods(["GET", "POST"])
def import_source_files(request: HtmxHttpRequest, *, admin_site: AdminSite) -> HttpResponse:
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
