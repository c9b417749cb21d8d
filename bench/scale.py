"""Scale: generated articles imported and indexed by two workers, then pages measured.

    .venv/bin/python bench/scale.py [--sizes 100000,1000000] [--requests 200] [--chunk 50000]

For each size, on a throwaway database of the embedded cluster (or DATABASE_URL's server):
generates about 5 KB source files (a fifth Turkish, bench/import.py's generator) in chunks,
imports them with `import_articles` while two `index_articles` workers run, and prints the
import rate, the time until every article is searchable and the database's size. Then every
hundredth article gets a published quote and a tag, and gunicorn (2 workers, DEBUG off)
serves: p50/p95 of the home page, an article cold (each request a different article) and
warm (the same one), a tag page, search (common word, rare word, phrase, outlet-narrowed,
tag-narrowed with its facet counts), against /healthz as the floor. The last lines give
each page's growth between the smallest and the largest size. Goals at 1,000,000 articles:
search p95 <= 50 ms, every page p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reading import get, measure, serve  # noqa: E402 - bench/ is the script's folder
from throwaway_db import create_database, drop_database, free_port, server_url  # noqa: E402

generate = importlib.import_module("import").generate  # bench/import.py: a keyword name

DB = "newsreader_bench_scale"
OUT = ROOT / "bench" / "out" / "scale"
SEARCH_GOAL_MS, PAGE_GOAL_MS = 50, 30


def environment(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "newsreader.settings",
    }
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    return env


def manage(url: str, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment(url),
        stdout=subprocess.DEVNULL,
    )


def load(url: str, count: int, chunk: int) -> None:
    """Import `count` generated files with two workers indexing alongside; print the rates."""
    import psycopg

    workers = [manage(url, "index_articles", "--poll=1") for _ in range(2)]
    try:
        time.sleep(3)  # the workers' start-up (Django, LISTEN) is not the import's cost
        started, importing = time.perf_counter(), 0.0
        for offset in range(0, count, chunk):
            generate(min(chunk, count - offset), OUT, offset=offset)
            chunk_started = time.perf_counter()
            assert manage(url, "import_articles", str(OUT)).wait() == 0, "import failed"
            importing += time.perf_counter() - chunk_started
            shutil.rmtree(OUT)
        with psycopg.connect(url) as conn:
            waiting = "SELECT EXISTS (SELECT 1 FROM articles_article WHERE index_pending)"
            while conn.execute(waiting).fetchone()[0]:  # type: ignore[index]
                time.sleep(0.2)
        searchable = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    print(
        f"  import: {count:,} files in {importing:.1f} s = {count / importing:,.0f} files/s "
        f"(the command's own time; generating the files took the rest)"
    )
    print(f"  every article searchable {searchable:.1f} s after the first import began")


def annotate(url: str) -> tuple[str, str]:
    """A published, tagged quote on every hundredth article; the tag's and an outlet's slug."""
    import psycopg

    now = datetime.datetime.now(datetime.UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        tag_id = conn.execute(
            "INSERT INTO articles_tag (name, slug) VALUES ('Scale', 'scale') RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            'INSERT INTO articles_annotation (article_id, kind, status, start, "end", exact, '
            "prefix, suffix, proposed_speaker, verdict, note, created_at, updated_at) "
            "SELECT id, 'highlight', 'published', 0, 20, substr(body, 1, 20), '', '', '', '', "
            "'', %s, %s FROM articles_article WHERE id %% 100 = 0",
            [now, now],
        )
        conn.execute(
            "INSERT INTO articles_annotation_tags (annotation_id, tag_id) "
            "SELECT id, %s FROM articles_annotation",
            [tag_id],
        )
        conn.execute("VACUUM ANALYZE")
        outlet = conn.execute("SELECT slug FROM articles_outlet ORDER BY id LIMIT 1").fetchone()
    return "scale", outlet[0]  # type: ignore[index]


def cold(port: int, paths: list[str]) -> tuple[float, float]:
    """Each path once: pages no cache has seen."""
    timings = []
    for path in paths:
        started = time.perf_counter()
        status, _, _ = get(port, path)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.95) - 1]


def run(count: int, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    import psycopg

    print(f"\n{count:,} articles (load average {os.getloadavg()[0]:.1f})")
    create_database(DB)
    url = server_url(DB)
    server = None
    try:
        assert manage(url, "migrate", "--noinput", "-v", "0").wait() == 0, "migrate failed"
        load(url, count, args.chunk)
        tag, outlet = annotate(url)
        with psycopg.connect(url) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]  # type: ignore[index]
            slugs = [
                row[0]
                for row in conn.execute(
                    "SELECT slug FROM articles_article ORDER BY random() LIMIT %s",
                    [args.requests + 1],
                )
            ]
        print(f"  database size: {size / 2**30:.2f} GiB ({size / count:,.0f} bytes an article)")
        port = free_port()
        server = serve(url, port)
        search = "/search/?q="
        rows: list[tuple[str, list[str]]] = [
            ("trivial view (floor)", ["/healthz"]),
            ("home page", ["/"]),
            ("article, warm", [f"/articles/{quote(slugs[0])}/"]),
            ("tag page", [f"/tags/{tag}/"]),
            ("search, common word", [search + "government"]),
            ("search, rare word", [search + quote("fırtına 4711")]),
            ("search, phrase", [search + quote('"minister said"')]),
            ("search, outlet-narrowed", [search + f"minister&outlet={outlet}"]),
            ("search, tag facets", [search + f"minister&tag={tag}"]),
        ]
        print(f"  load average before measuring: {os.getloadavg()[0]:.1f}")
        print(f"  {'page':28} {'p50 ms':>8} {'p95 ms':>8}   ({args.requests} requests each)")
        results = {}
        cold_p50, cold_p95 = cold(port, [f"/articles/{quote(s)}/" for s in slugs[1:]])
        results["article, cold"] = (cold_p50, cold_p95)
        for label, paths in rows:
            p50, p95, _ = measure(port, paths, args.requests)
            results[label] = (p50, p95)
        for label, (p50, p95) in results.items():
            goal = SEARCH_GOAL_MS if label.startswith("search") else PAGE_GOAL_MS
            verdict = "" if label.startswith("trivial") else ("ok" if p95 <= goal else "MISSES")
            print(f"  {label:28} {p50:8.1f} {p95:8.1f}   {verdict}")
        print(f"  load average after measuring: {os.getloadavg()[0]:.1f}")
        return results
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(OUT, ignore_errors=True)
        if not args.keep:
            drop_database(DB)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="article counts, comma-separated")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=50_000, help="files generated at a time")
    parser.add_argument("--keep", action="store_true", help="keep the last size's database")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.perf_counter()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    measured = {size: run(size, args) for size in sizes}
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\np95 growth from {small:,} to {large:,} articles ({large / small:g}x the data)")
        for label, (_, p95) in measured[large].items():
            print(f"  {label:28} {p95 / measured[small][label][1]:6.2f}x")
    print(f"\nWhole run: {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
