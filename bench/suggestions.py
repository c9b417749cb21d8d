"""Quote suggestions on import: what proposing quotes costs import plus indexing, in files/s.

    .venv/bin/python bench/suggestions.py [--files 3000] [--batch-size 500] [--runs 3]

Builds `--files` distinct source files from the sample articles in samples/ (each sample's
title and URL varied, so none is a duplicate; the bodies, quotes and all, are the real
ones), then imports them with `source_files_import` and drains the indexing queue
(`articles_index_all`, what `manage.py index_articles` runs) twice per run: as shipped (the
indexer proposes suggestions for the new articles) and with `propose_quotes=False`
(`import_articles --no-quotes`). It works on a throwaway database (created and dropped
here, like the test suite's), and each import runs in a transaction that is rolled back so
every run starts empty. Prints the best run of each, the suggestions stored, the finder's
own share and the load average (other work on the machine skews every figure). Reads
nothing outside the repository.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "newsreader.settings_test"
os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.DATABASES["default"]["TEST"] = {"NAME": "newsreader_bench_suggestions"}
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles.importing import storing  # noqa: E402
from articles.importing.indexing import articles_index_all  # noqa: E402
from articles.models import Annotation, SourceFile  # noqa: E402
from articles.quotefinder import find_quotes  # noqa: E402

URL_LINE = re.compile(r"^<https?://[^>]*>$", re.MULTILINE)


class Rollback(Exception):
    pass


def source_files(count: int) -> list[tuple[str, bytes]]:
    samples = sorted((ROOT / "samples").glob("*.txt"))
    files = []
    for n in range(count):
        path = samples[n % len(samples)]
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        title, rest = text.split("\n", 1)
        rest = URL_LINE.sub(f"<https://bench.example.org/{n}>", rest, count=1)
        files.append((f"{n:05d}_{path.name}", f"{title} (copy {n})\n{rest}".encode()))
    return files


def timed_import(files, batch_size: int, *, suggestions: bool) -> tuple[float, int, int]:
    """Seconds, files imported and suggestions stored; everything rolled back."""
    try:
        with transaction.atomic():
            started = time.perf_counter()
            results = storing.source_files_import(
                files=files, batch_size=batch_size, propose_quotes=suggestions
            )
            articles_index_all()
            elapsed = time.perf_counter() - started
            imported = sum(r.status == SourceFile.Status.IMPORTED for r in results)
            stored = Annotation.objects.suggested().filter(
                article__in=[r.article for r in results if r.status == SourceFile.Status.IMPORTED]
            )
            count = stored.count()
            raise Rollback
    except Rollback:
        pass
    return elapsed, imported, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = source_files(args.files)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    print(
        f"{len(files):,} source files from {len({n[6:] for n, _ in files})} samples, "
        f"batch size {args.batch_size}, best of {args.runs} runs"
    )
    bodies = [
        r.parsed.body
        for r in storing.source_files_import(files=files, dry_run=True)
        if r.parsed is not None  # a dry run parses every file
    ]
    started = time.perf_counter()
    proposals = sum(len(find_quotes(body)) for body in bodies)
    finder = time.perf_counter() - started
    print(
        f"quote finder alone:             {len(bodies) / finder:8,.0f} bodies/s "
        f"({proposals:,} proposals, {finder:.2f} s)"
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for label, suggestions in (
            ("import+index, no suggestions:", False),
            ("import+index with suggestions:", True),
        ):
            best = None
            for _ in range(args.runs):
                run = timed_import(files, args.batch_size, suggestions=suggestions)
                best = run if best is None or run[0] < best[0] else best
            assert best is not None
            elapsed, imported, stored = best
            print(
                f"{label:31} {imported / elapsed:8,.0f} files/s "
                f"({imported:,} imported in {elapsed:.2f} s, {stored:,} suggestions stored)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
