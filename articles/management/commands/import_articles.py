"""`manage.py import_articles PATH…`: import source files, folders and .zip archives."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from articles.importing import discovery
from articles.importing.pool import FileOutcome, ImportJob, sources_import
from articles.importing.storing import PARSED, SKIPPED, ImportResult, import_limits
from articles.management.progress import Progress
from articles.models import SourceFile
from articles.quotefinder import find_quotes
from articles.services.suggestions import SpeakerBook


def import_result_json(result: ImportResult, *, speakers: SpeakerBook | None = None) -> dict:
    """The --json record for one file; null for whatever the file did not yield.

    ``quotes`` (dry runs only: an import stores them as suggestions) are the quote finder's
    proposals for the body, speakers mapped onto the existing ``speakers`` where they match.
    """
    parsed = result.parsed
    return {
        "file": result.name,
        "status": result.status,
        "version": result.version,
        "error": result.error,
        "title": parsed.title if parsed else None,
        "summary": parsed.summary if parsed else None,
        "published": parsed.published.isoformat() if parsed else None,
        "outlet": parsed.outlet if parsed else None,
        "agency": parsed.agency if parsed else None,
        "url": parsed.url if parsed else None,
        "source_note": parsed.source_note if parsed else None,
        "headings": parsed.headings if parsed else None,
        "paragraphs": len(parsed.paragraphs) if parsed else None,
        "encoding": parsed.encoding if parsed else None,
        "quotes": [
            {"text": q.text, "start": q.start, "end": q.end, "speaker": q.speaker}
            for q in find_quotes(
                parsed.body, known_speakers=speakers.known_for(parsed.body) if speakers else None
            )
        ]
        if parsed and result.status == PARSED
        else None,
    }


class Command(BaseCommand):
    help = (
        "Import source files: plain files, folders (recursively) and .zip archives. "
        "Files that are no source files (a readme.md, a link out of the folders given) are "
        "skipped and reported. Exits with status 1 when any file failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or .zip")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse only; store nothing in the database"
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object per file on stdout"
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="files stored per transaction"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help=f"processes importing side by side, each with its own database connection "
            f"(default {settings.IMPORT_JOBS}: one per CPU core, or IMPORT_JOBS)",
        )
        parser.add_argument(
            "--no-quotes",
            action="store_true",
            help="do not have the indexer run the quote finder over the new articles; "
            "`manage.py propose_quotes` can store its suggestions later",
        )
        parser.add_argument(
            "--no-update",
            action="store_true",
            help="report a file with a stored article's URL but other content as a duplicate "
            "instead of making a new version of the article (default: IMPORT_UPDATES)",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="index the new articles (search vectors, quote suggestions) before exiting, "
            "for when no `manage.py index_articles` worker runs",
        )

    def handle(self, *args, **options) -> None:
        dry_run, as_json, batch_size = options["dry_run"], options["json"], options["batch_size"]
        jobs = settings.IMPORT_JOBS if options["jobs"] is None else options["jobs"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        try:
            sources = discovery.collect(options["paths"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        progress = Progress(self.stderr, total=sum(discovery.entry_count(p) for p in sources))
        speakers = SpeakerBook.load() if as_json and dry_run else None

        def on_chunk(outcomes: list[FileOutcome]) -> None:
            if as_json:
                for outcome in outcomes:
                    self.stdout.write(json.dumps(outcome.record, ensure_ascii=False))
            progress.advance(len(outcomes))

        job = ImportJob(
            # The command is not an upload: it takes any number of files.
            limits=replace(import_limits(), max_files=None),
            batch_size=batch_size,
            propose_quotes=not options["no_quotes"],
            record=partial(import_result_json, speakers=speakers) if as_json else None,
            update_existing=False if options["no_update"] else None,
        )
        outcomes, done = sources_import(
            job, sources, jobs=jobs, dry_run=dry_run, wait=options["wait"], on_chunk=on_chunk
        )
        progress.finish()
        out = self.stderr if as_json else self.stdout
        self._summarise(outcomes, dry_run=dry_run, out=out)
        imported = sum(o.status == SourceFile.Status.IMPORTED for o in outcomes)
        if imported and options["wait"]:
            out.write(
                f"{done.indexed:,} article{pluralize(done.indexed)} indexed for search, "
                f"{done.suggestions:,} quote suggestion{pluralize(done.suggestions)} stored."
            )
        elif imported:
            work = "search indexing" + ("" if options["no_quotes"] else " and quote suggestions")
            out.write(
                f"{imported:,} article{pluralize(imported)} queued for {work}: searchable once "
                "`manage.py index_articles` (the worker `make run` starts) has indexed "
                f"{pluralize(imported, 'it,them')}; pass --wait to index "
                f"{pluralize(imported, 'it,them')} here."
            )
        failed = sum(o.status == SourceFile.Status.FAILED for o in outcomes)
        if failed:
            raise CommandError(f"{failed:,} of {len(outcomes):,} files failed", returncode=1)

    def _summarise(self, outcomes: list[FileOutcome], *, dry_run: bool, out) -> None:
        counts = Counter(o.status for o in outcomes)
        failed = counts[SourceFile.Status.FAILED]
        # Said only when there are any, so every other import's summary reads as before.
        skipped = f", {counts[SKIPPED]:,} skipped" if counts[SKIPPED] else ""
        updated = counts[SourceFile.Status.UPDATED]
        for outcome in outcomes:
            if outcome.status == SourceFile.Status.FAILED:
                out.write(f"failed: {outcome.name}: {outcome.error}")
            elif outcome.status == SKIPPED:
                out.write(f"skipped: {outcome.name}: {outcome.error}")
            elif outcome.status == SourceFile.Status.DUPLICATE and outcome.existing is not None:
                title, url = outcome.existing
                out.write(f"duplicate: {outcome.name}: already stored as {title!r} ({url})")
            elif outcome.status == SourceFile.Status.UPDATED and outcome.existing is not None:
                title, url = outcome.existing
                version = outcome.version
                out.write(f"updated: {outcome.name}: version {version} of {title!r} ({url})")
        if dry_run:
            out.write(
                f"Dry run, nothing stored: {counts[PARSED]:,} parsed, {failed:,} failed{skipped}."
            )
        else:
            out.write(
                f"{counts[SourceFile.Status.IMPORTED]:,} imported, "
                f"{counts[SourceFile.Status.DUPLICATE]:,} duplicates, {failed:,} failed{skipped}"
                + (f", {updated:,} updated." if updated else ".")
            )
