"""Running an import in several processes, each with its own database connection.

This is the one module that touches Django's connection internals: a forked process
inherits its parent's connection objects, socket and all, and must forget them without
closing them (see `_process_start`). It also keeps what is loaded before the import out of
the garbage collector's sight (`gc.freeze`) while the import runs.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.util
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections

from articles.importing.discovery import Source, read
from articles.importing.indexing import IndexBatch, articles_index_all
from articles.importing.parsers.archives import ImportLimits
from articles.importing.storing import ImportResult, source_files_import
from articles.models import SourceFile


@dataclass
class FileOutcome:
    """What an import reports of one file. The ImportResult it comes from holds the file's
    bytes and its article's body: kept for 10,000 files they cost memory and, worse, make
    each of Python's garbage collections walk them all."""

    name: str
    status: str  # as ImportResult.status
    error: str | None
    existing: tuple[str, str] | None  # a duplicate's or updated article: (title, URL)
    record: dict | None  # what `ImportJob.record` made of the file (the --json record)
    version: int | None = None  # an updated article's new version number


@dataclass
class ImportJob:
    """One import's settings, as each process running a share of it needs them."""

    limits: ImportLimits
    batch_size: int
    propose_quotes: bool
    # Each file's record (FileOutcome.record), made where the ImportResult still exists.
    record: Callable[[ImportResult], dict] | None = None
    # None: the IMPORT_UPDATES setting (see `source_files_import`).
    update_existing: bool | None = None

    def run(self, sources: list[Source], *, dry_run=False, on_chunk=None) -> list[FileOutcome]:
        outcomes: list[FileOutcome] = []

        def reported(chunk: list[ImportResult]) -> None:
            done = [self.outcome(r) for r in chunk]
            outcomes.extend(done)
            if on_chunk is not None:
                on_chunk(done)

        source_files_import(
            files=read(sources, self.limits),
            dry_run=dry_run,
            batch_size=self.batch_size,
            limits=self.limits,
            on_chunk=reported,
            propose_quotes=self.propose_quotes,
            update_existing=self.update_existing,
        )
        return outcomes

    def outcome(self, result: ImportResult) -> FileOutcome:
        existing = None
        shows_article = (SourceFile.Status.DUPLICATE, SourceFile.Status.UPDATED)
        if result.status in shows_article and result.article is not None:
            existing = (result.article.title, result.article.get_absolute_url())
        return FileOutcome(
            name=result.name,
            status=result.status,
            error=result.error,
            existing=existing,
            record=self.record(result) if self.record is not None else None,
            version=result.version,
        )


def sources_import(
    job: ImportJob,
    sources: list[Source],
    *,
    jobs: int,
    dry_run: bool,
    wait: bool,
    on_chunk: Callable[[list[FileOutcome]], None],
) -> tuple[list[FileOutcome], IndexBatch]:
    """Import `sources` in `jobs` processes (in this one for a dry run or one job), calling
    `on_chunk` with each share's outcomes; with `wait`, index what was imported too.

    Returns every file's outcome, in input order, and what the indexing did.
    """
    # What is loaded by now (Django, the app) outlives the import: kept out of the
    # garbage collector's sight, its collections cost the import about a tenth less.
    gc.freeze()
    try:
        if dry_run or jobs == 1:
            # A dry run never waits on the database: other processes would only add the
            # cost of sending the parsed files back.
            outcomes = job.run(sources, dry_run=dry_run, on_chunk=on_chunk)
            done = IndexBatch()
            if wait and not dry_run and _any_imported(outcomes):
                done = articles_index_all()
            return outcomes, done
        return _in_processes(job, sources, jobs, on_chunk, wait=wait)
    finally:
        gc.unfreeze()


def _any_imported(outcomes: list[FileOutcome]) -> bool:
    return any(o.status == SourceFile.Status.IMPORTED for o in outcomes)


# The job of this worker process (set by _process_start when the pool forks it).
_process_job: ImportJob | None = None


def _process_start(job: ImportJob) -> None:
    """Set up a forked worker process: its job, and a database connection of its own.

    The fork copies the parent's connection wrappers, including any open socket and the
    transaction state that goes with it. Talking on that socket would interleave with the
    parent's session, and closing it would end the parent's session too, so the wrappers
    forget it instead (`connection = None` and a clean transaction state, the attributes
    Django's own `close()` would reset); the first query then opens a new connection.
    """
    global _process_job
    _process_job = job
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
    assert _process_job is not None  # the pool runs _process_start in each worker first
    return _process_job.run(sources)


def _process_index(_worker: int) -> IndexBatch:
    return articles_index_all()


def _in_processes(
    job: ImportJob, sources: list[Source], jobs: int, on_chunk, *, wait: bool
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
        if wait and _any_imported(outcomes):
            done = sum(pool.map(_process_index, range(jobs)), IndexBatch())
        # Workers that finish (rather than being terminated) close their connections.
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return outcomes, done
