"""`manage.py import_articles PATH…`: import source files, folders and .zip archives."""

from __future__ import annotations

import errno
import gc
import json
import multiprocessing
import multiprocessing.util
import os
import stat
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import connections
from django.template.defaultfilters import pluralize

from articles.importers.archives import (
    ImportLimits,
    SourceEntry,
    is_zip_name,
    upload_size_error,
)
from articles.quotefinder import find_quotes
from articles.services.imports import (
    DUPLICATE,
    FAILED,
    IMPORTED,
    PARSED,
    ImportResult,
    import_limits,
    source_files_import,
)
from articles.services.indexing import IndexBatch, articles_index_all
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
        "Exits with status 1 when any file failed."
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
        sources = _collect(options["paths"])
        progress = Progress(self.stderr, total=sum(_entry_count(p) for p in sources))
        speakers = SpeakerBook.load() if as_json and dry_run else None

        def on_chunk(outcomes: list[FileOutcome]) -> None:
            if as_json:
                for outcome in outcomes:
                    self.stdout.write(json.dumps(outcome.record, ensure_ascii=False))
            progress.advance(len(outcomes))

        job = _Job(
            # The command is not an upload: it takes any number of files.
            limits=replace(import_limits(), max_files=None),
            batch_size=batch_size,
            propose_quotes=not options["no_quotes"],
            as_json=as_json,
        )
        # What is loaded by now (Django, the app) outlives the import: kept out of the
        # garbage collector's sight, its collections cost the import about a tenth less.
        gc.freeze()
        try:
            outcomes, done = _import(
                job,
                sources,
                jobs,
                dry_run=dry_run,
                wait=options["wait"],
                speakers=speakers,
                on_chunk=on_chunk,
            )
        finally:
            gc.unfreeze()
        progress.finish()
        out = self.stderr if as_json else self.stdout
        self._summarise(outcomes, dry_run=dry_run, out=out)
        imported = sum(o.status == IMPORTED for o in outcomes)
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
        failed = sum(o.status == FAILED for o in outcomes)
        if failed:
            raise CommandError(f"{failed:,} of {len(outcomes):,} files failed", returncode=1)

    def _summarise(self, outcomes: list[FileOutcome], *, dry_run: bool, out) -> None:
        counts = Counter(o.status for o in outcomes)
        for outcome in outcomes:
            if outcome.status == FAILED:
                out.write(f"failed: {outcome.name}: {outcome.error}")
            elif outcome.status == DUPLICATE and outcome.existing is not None:
                title, url = outcome.existing
                out.write(f"duplicate: {outcome.name}: already stored as {title!r} ({url})")
        if dry_run:
            out.write(
                f"Dry run, nothing stored: {counts['parsed']:,} parsed, "
                f"{counts['failed']:,} failed."
            )
        else:
            out.write(
                f"{counts['imported']:,} imported, {counts['duplicate']:,} duplicates, "
                f"{counts['failed']:,} failed."
            )


@dataclass
class FileOutcome:
    """What the command reports of one file. The ImportResult it comes from holds the file's
    bytes and its article's body: kept for 10,000 files they cost memory and, worse, make
    each of Python's garbage collections walk them all."""

    name: str
    status: str
    error: str | None
    existing: tuple[str, str] | None  # a duplicate's article: (title, URL)
    record: dict | None  # the --json record


@dataclass
class _Job:
    """One import's settings, as each process running a share of it needs them."""

    limits: ImportLimits
    batch_size: int
    propose_quotes: bool
    as_json: bool

    def run(self, sources, *, dry_run=False, speakers=None, on_chunk=None) -> list[FileOutcome]:
        outcomes: list[FileOutcome] = []

        def reported(chunk: list[ImportResult]) -> None:
            done = [self.outcome(r, speakers) for r in chunk]
            outcomes.extend(done)
            if on_chunk is not None:
                on_chunk(done)

        source_files_import(
            files=_read(sources, self.limits),
            dry_run=dry_run,
            batch_size=self.batch_size,
            limits=self.limits,
            on_chunk=reported,
            propose_quotes=self.propose_quotes,
        )
        return outcomes

    def outcome(self, result: ImportResult, speakers: SpeakerBook | None) -> FileOutcome:
        existing = None
        if result.status == DUPLICATE and result.article is not None:
            existing = (result.article.title, result.article.get_absolute_url())
        return FileOutcome(
            name=result.name,
            status=result.status,
            error=result.error,
            existing=existing,
            record=import_result_json(result, speakers=speakers) if self.as_json else None,
        )


# The job of this worker process (set by _process_start when the pool forks it).
_process_job: _Job | None = None


def _process_start(job: _Job) -> None:
    global _process_job
    _process_job = job
    # Never talk on a socket shared with the parent (closing it would end the parent's
    # session too): forget whatever connection was inherited; the first query opens one.
    for alias in connections:
        wrapper = connections[alias]
        wrapper.connection = None
        wrapper.in_atomic_block = False
        wrapper.savepoint_ids = []
        wrapper.closed_in_transaction = False
        wrapper.needs_rollback = False
    # One connection for all the shares this process takes (a new backend would warm its
    # caches again), closed as the process exits: `_in_processes` lets its workers finish.
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _process_import(sources: list[Source]) -> list[FileOutcome]:
    return _process_job.run(sources)


def _process_index(_worker: int) -> IndexBatch:
    return articles_index_all()


def _import(
    job: _Job, sources: list[Source], jobs: int, *, dry_run: bool, wait: bool, speakers, on_chunk
) -> tuple[list[FileOutcome], IndexBatch]:
    if dry_run or jobs == 1:
        # A dry run never waits on the database: other processes would only add the cost
        # of sending the parsed files back.
        outcomes = job.run(sources, dry_run=dry_run, speakers=speakers, on_chunk=on_chunk)
        done = IndexBatch()
        if wait and not dry_run and any(o.status == IMPORTED for o in outcomes):
            done = articles_index_all()
        return outcomes, done
    return _in_processes(job, sources, jobs, on_chunk, wait=wait)


def _in_processes(
    job: _Job, sources: list[Source], jobs: int, on_chunk, *, wait: bool
) -> tuple[list[FileOutcome], IndexBatch]:
    """Import in `jobs` processes, each with its own database connection, taking shares of
    `batch_size` files in turn; outcomes come back in input order.

    Processes, not threads: parsing and preparing the rows is Python work that one
    interpreter's lock would serialise. Duplicates between processes are caught as between
    any concurrent imports: by the unique content hash and the URL locks. With `wait`, the
    same processes then drain the indexing queue side by side (FOR UPDATE SKIP LOCKED).
    """
    shares = [sources[at : at + job.batch_size] for at in range(0, len(sources), job.batch_size)]
    # Forked children must not share the parent's connection: each opens its own.
    connections.close_all()
    outcomes: list[FileOutcome] = []
    done = IndexBatch()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(jobs, initializer=_process_start, initargs=(job,))
    try:
        for share in pool.imap(_process_import, shares):
            outcomes.extend(share)
            on_chunk(share)
        if wait and any(o.status == IMPORTED for o in outcomes):
            done = sum(pool.map(_process_index, range(jobs)), IndexBatch())
        # Workers that finish (rather than being terminated) close their connections.
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return outcomes, done


# A path to import, and why it cannot be read (None when it is a readable regular file).
Source = tuple[Path, str | None]

_FILE_TYPES = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def _collect(paths: list[str]) -> list[Source]:
    """Files in argument order; folders expand to their files, sorted, hidden ones skipped.

    What cannot be read (a broken link, a pipe, a folder or file we may not open) stays in
    the list with its reason, so it is reported and counted as failed rather than skipped.
    """
    files: list[Source] = []
    for argument in paths:
        path = Path(argument)
        if os.path.isdir(path):
            files.extend(_folder(path))
        elif os.path.lexists(path):
            files.append((path, _unreadable(path)))
        else:
            # A missing parent folder we may not search looks missing too: say which.
            problem = _unreadable(path)
            if problem is None or problem == "no such file":
                raise CommandError(f"no such file or folder: {argument}")
            files.append((path, problem))
    return files


def _folder(folder: Path) -> list[Source]:
    found: list[Source] = []

    def unlistable(error: OSError) -> None:
        found.append((Path(error.filename or folder), _reason(error)))

    # os.walk rather than rglob: rglob skips folders it may not list without a word.
    for root, dirs, names in os.walk(folder, onerror=unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if not name.startswith("."):
                path = Path(root, name)
                found.append((path, _unreadable(path)))
    return sorted(found, key=lambda source: source[0])


def _unreadable(path: Path) -> str | None:
    """Why `path` cannot be imported as a file, found without opening it (a pipe would
    block the import forever), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "broken symbolic link" if path.is_symlink() else "no such file"
    except OSError as exc:
        return _reason(exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder (it could not be listed)"
    return f"not a regular file ({_FILE_TYPES.get(stat.S_IFMT(mode), 'special file')})"


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot read the file ({exc.strerror or exc})"


def _entry_count(source: Source) -> int:
    path, problem = source
    if problem is not None or not is_zip_name(path.name):
        return 1
    try:
        with zipfile.ZipFile(path) as archive:
            return max(1, sum(not m.is_dir() for m in archive.infolist()))
    except (OSError, zipfile.BadZipFile, ValueError):
        return 1


def _read(sources: list[Source], limits) -> Iterator[tuple[str, bytes] | SourceEntry]:
    """Read lazily, one file at a time; never read a file past the size limit."""
    for path, problem in sources:
        name = str(path)
        if problem is not None:
            yield SourceEntry(name, b"", problem)
            continue
        try:
            error = upload_size_error(name, path.stat().st_size, limits)
            yield SourceEntry(name, b"", error) if error else (name, path.read_bytes())
        except OSError as exc:
            yield SourceEntry(name, b"", _reason(exc))


def _plain(text: str) -> str:
    # On a terminal Django paints everything on stderr red; a progress bar is no error.
    return text


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    WIDTH = 30

    def __init__(self, out: OutputWrapper, total: int) -> None:
        self.out = out
        self.total = max(total, 1)
        self.done = 0
        self.started = time.perf_counter()
        self.enabled = out.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        if self.enabled:
            self._draw()

    def finish(self) -> None:
        if self.enabled:
            self.out.write("\r\033[K", style_func=_plain, ending="")
            self.out.flush()

    def _draw(self) -> None:
        share = min(self.done / self.total, 1.0)
        filled = round(share * self.WIDTH)
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.out.write(
            f"\r[{bar}] {share:4.0%} {self.done:,}/{self.total:,} files, {rate:,.0f}/s",
            style_func=_plain,
            ending="",
        )
        self.out.flush()
