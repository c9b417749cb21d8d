"""`manage.py import_articles PATH…`: import source files, folders and .zip archives."""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import connection

from articles.importers.archives import SourceEntry, is_zip_name, upload_size_error
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
            help=f"database connections importing side by side (default {settings.IMPORT_JOBS}: "
            "one per CPU core, or IMPORT_JOBS); with more than one, --json records come in "
            "the order files finish",
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
        output_lock = threading.Lock()

        def on_chunk(chunk: list[ImportResult]) -> None:
            with output_lock:
                if as_json:
                    for result in chunk:
                        record = import_result_json(result, speakers=speakers)
                        self.stdout.write(json.dumps(record, ensure_ascii=False))
                progress.advance(len(chunk))

        # The command is not an upload: it takes any number of files.
        limits = replace(import_limits(), max_files=None)
        files = _read(sources, limits)

        def run(files) -> list[ImportResult]:
            return source_files_import(
                files=files,
                dry_run=dry_run,
                batch_size=batch_size,
                limits=limits,
                on_chunk=on_chunk,
                propose_quotes=not options["no_quotes"],
            )

        # A dry run never waits on the database, so parallel parsing would only share one GIL.
        results = run(files) if jobs == 1 or dry_run else _in_parallel(run, files, jobs)
        progress.finish()
        out = self.stderr if as_json else self.stdout
        self._summarise(results, dry_run=dry_run, out=out)
        imported = sum(r.status == IMPORTED for r in results)
        if imported and options["wait"]:
            # The indexer's workers take their batches FOR UPDATE SKIP LOCKED, side by side.
            batches = [articles_index_all()] if jobs == 1 else _on_threads(articles_index_all, jobs)
            done = sum(batches, IndexBatch())
            out.write(
                f"{done.indexed:,} articles indexed for search, "
                f"{done.suggestions:,} quote suggestions stored."
            )
        elif imported:
            work = "search indexing" + ("" if options["no_quotes"] else " and quote suggestions")
            out.write(
                f"{imported:,} articles queued for {work}: searchable once "
                "`manage.py index_articles` (the worker `make run` starts) has indexed them; "
                "pass --wait to index them here."
            )
        failed = sum(r.status == FAILED for r in results)
        if failed:
            raise CommandError(f"{failed:,} of {len(results):,} files failed", returncode=1)

    def _summarise(self, results: list[ImportResult], *, dry_run: bool, out) -> None:
        counts = Counter(r.status for r in results)
        for result in results:
            if result.status == FAILED:
                out.write(f"failed: {result.name}: {result.error}")
            elif result.status == DUPLICATE and result.article is not None:
                out.write(
                    f"duplicate: {result.name}: already stored as {result.article.title!r} "
                    f"({result.article.get_absolute_url()})"
                )
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


def _on_threads(work, jobs: int) -> list:
    """`work()` on `jobs` threads at once, each with its own database connection."""

    def run():
        try:
            return work()
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="import") as pool:
        futures = [pool.submit(run) for _ in range(jobs)]
        return [future.result() for future in futures]


def _in_parallel(run, files: Iterator, jobs: int) -> list[ImportResult]:
    """Run the import on `jobs` threads, all drawing chunks from one stream of files.

    The threads overlap where it counts: each mostly waits for PostgreSQL (which releases
    the GIL) while the database works on another's chunk. Duplicates between threads are
    caught as between any concurrent imports: by the unique content hash and the URL locks.
    """
    shared = _SharedIterator(files)
    return [result for part in _on_threads(lambda: run(shared), jobs) for result in part]


class _SharedIterator:
    """Hands out items of one iterator to several threads, one at a time."""

    def __init__(self, items: Iterator) -> None:
        self._items = items
        self._lock = threading.Lock()

    def __iter__(self) -> _SharedIterator:
        return self

    def __next__(self):
        with self._lock:
            return next(self._items)


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
