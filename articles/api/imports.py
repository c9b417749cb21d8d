"""Staff import source files: `POST /api/imports/` with files or .zip archives, answered
with each file's `manage.py import_articles --json` record, under the admin's limits."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile

from articles.api.auth import importers
from articles.api.schemas import Error, ImportOut
from articles.importing.parsers.archives import SourceEntry, upload_size_error
from articles.importing.storing import import_limits, source_files_import
from articles.management.commands.import_articles import import_result_json

router = Router(tags=["imports"], auth=importers)


@router.post(
    "",
    response={200: ImportOut, 401: Error, 403: Error, 422: Error},
    summary="Import source files (staff)",
)
def import_files(request: HttpRequest, files: File[list[UploadedFile]]):
    """Each file, or each file inside a .zip, stored as the admin's import page stores it
    (the same limits: IMPORT_MAX_FILE_BYTES, IMPORT_MAX_FILES…); a file that fails says
    why and costs the others nothing. The new articles wait for the indexing worker."""
    limits = import_limits()

    def uploads():
        for upload in files:
            name = upload.name or "unnamed"
            error = upload_size_error(name, upload.size or 0, limits)
            yield SourceEntry(name, b"", error) if error else (name, upload.read())

    results = source_files_import(files=uploads(), user=request.user, limits=limits)
    records = [import_result_json(result) for result in results]
    return {"counts": dict(Counter(r["status"] for r in records)), "files": records}
