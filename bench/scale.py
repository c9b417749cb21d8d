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

bench_import = importlib.import_module("import")  # bench/import.py: a keyword name

DB = "newsreader_bench_scale"
OUT = ROOT / "bench" / "out" / "scale"
SEARCH_GOAL_MS, PAGE_GOAL_MS = 50, 30
# bench/import.py's generator draws every word (about 3 ms a file on the shared machine: an
# hour for a million); these draw whole sentences from a pool drawn the same way once.
POOL_SENTENCES = 20_000


class Generator:
    """bench/import.py's layout (title, summary, date line, outlet, agency, 5 KB of
    paragraphs, end line, URL, source line) from pooled sentences; unique by number."""

    def __init__(self) -> None:
        import random

        rng = random.Random(2020)
        self.pools = {
            turkish: [
                bench_import.sentence(
                    rng, bench_import.TURKISH_WORDS if turkish else bench_import.WORDS
                )
                for _ in range(POOL_SENTENCES)
            ]
            for turkish in (False, True)
        }

    def text(self, number: int, rng) -> str:
        turkish = number % 5 == 0
        pool = self.pools[turkish]
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2024)
        outlet = rng.choice(bench_import.OUTLETS)
        parts = [
            f"{rng.choice(pool)[:-1].upper()} {number}",
            rng.choice(pool) if rng.random() < 0.3 else "-",
            f"{day}.{month}.{year}",
            f"{outlet} ({day} {month} {year})",
        ]
        if agency := rng.choice(bench_import.AGENCIES):
            parts.append(agency)
        size = sum(map(len, parts))
        while size < 4800:
            block = " ".join(rng.choices(pool, k=rng.randint(2, 5)))
            parts.append(block)
            size += len(block) + 2
        parts.append(f"Story {number} ends here.")
        parts.append(f"<https://news.example.org/{year}/{month}/{number}>")
        parts.append("Kaynak/Source: ")
        return "\n\n".join(parts) + "\n"

    def files(self, count: int, folder: Path, *, offset: int) -> None:
        import random

        rng = random.Random(offset)
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(offset, offset + count):
            encoding = "cp1254" if number % 10 == 0 else "utf-8"
            (folder / f"{number:07}.txt").write_bytes(self.text(number, rng).encode(encoding))


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


def waiting(conn) -> int:
    return conn.execute("SELECT count(*) FROM articles_article WHERE index_pending").fetchone()[0]


def load(url: str, start: int, count: int, chunk: int) -> None:
    """Import articles `start` to `count` (generated, the next chunk while the last imports)
    with two vector workers alongside (`index_articles --queue vectors`: searchability is
    what is timed; the finder's and copy detection's queue is left for later and its
    length printed). Prints progress after each chunk, so a run cut short still says how
    far it got."""
    from concurrent.futures import ThreadPoolExecutor

    import psycopg

    generator = Generator()
    workers = [manage(url, "index_articles", "--poll=1", "--queue=vectors") for _ in range(2)]
    folders = [OUT / "a", OUT / "b"]
    offsets = list(range(start, count, chunk))
    try:
        time.sleep(3)  # the workers' start-up (Django, LISTEN) is not the import's cost
        started, importing = time.perf_counter(), 0.0
        with ThreadPoolExecutor(1) as pool, psycopg.connect(url, autocommit=True) as conn:
            ahead = pool.submit(
                generator.files, min(chunk, count - start), folders[0], offset=start
            )
            for number, offset in enumerate(offsets):
                ahead.result()
                folder = folders[number % 2]
                if number + 1 < len(offsets):
                    following = offsets[number + 1]
                    ahead = pool.submit(
                        generator.files,
                        min(chunk, count - following),
                        folders[(number + 1) % 2],
                        offset=following,
                    )
                chunk_started = time.perf_counter()
                assert manage(url, "import_articles", str(folder)).wait() == 0, "import failed"
                importing += time.perf_counter() - chunk_started
                shutil.rmtree(folder)
                done = offset + min(chunk, count - offset)
                print(
                    f"    {time.perf_counter() - started:6.0f} s: {done:,} imported, "
                    f"{waiting(conn):,} waiting for a vector "
                    f"(load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
            while waiting(conn):
                time.sleep(0.2)
            searchable = time.perf_counter() - started
            followup = conn.execute(
                "SELECT count(*) FROM articles_article WHERE quotes_pending OR copies_pending"
            ).fetchone()[0]  # type: ignore[index]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    added = count - start
    print(
        f"  import: {added:,} files in {importing:.1f} s = {added / importing:,.0f} files/s "
        f"(the command's own time; generating the files overlapped it)"
    )
    print(
        f"  every article searchable {searchable:.1f} s after the first import began "
        f"({added / searchable:,.0f} articles/s end to end); {followup:,} left in the "
        "finder's and copy detection's queue"
    )


def annotate(url: str, after: int) -> tuple[str, str]:
    """A published, tagged quote on every hundredth article past id `after`; the tag's and
    an outlet's slug."""
    import psycopg

    now = datetime.datetime.now(datetime.UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        tag_id = conn.execute(
            "INSERT INTO articles_tag (name, slug) VALUES ('Scale', 'scale') "
            "ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name RETURNING id"
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            'INSERT INTO articles_annotation (article_id, kind, status, start, "end", exact, '
            "prefix, suffix, proposed_speaker, verdict, note, created_at, updated_at) "
            "SELECT id, 'highlight', 'published', 0, 20, substr(body, 1, 20), '', '', '', '', "
            "'', %s, %s FROM articles_article WHERE id %% 100 = 0 AND id > %s",
            [now, now, after],
        )
        conn.execute(
            "INSERT INTO articles_annotation_tags (annotation_id, tag_id) "
            "SELECT an.id, %s FROM articles_annotation an WHERE an.article_id > %s",
            [tag_id, after],
        )
        vacuumed = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - vacuumed:.0f} s")
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


def run(start: int, count: int, args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """Grow the database from `start` to `count` articles, then measure."""
    import psycopg

    print(f"\n{count:,} articles (load average {os.getloadavg()[0]:.1f})", flush=True)
    url = server_url(DB)
    server = None
    try:
        with psycopg.connect(url) as conn:
            last = conn.execute("SELECT coalesce(max(id), 0) FROM articles_article").fetchone()[0]  # type: ignore[index]
        load(url, start, count, args.chunk)
        tag, outlet = annotate(url, last)
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
            print(f"  {label:28} {p50:8.1f} {p95:8.1f}   {verdict}", flush=True)
        print(f"  load average after measuring: {os.getloadavg()[0]:.1f}")
        return results
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(OUT, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="article counts, comma-separated")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=50_000, help="files generated at a time")
    parser.add_argument("--keep", action="store_true", help="keep the database after the run")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.perf_counter()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    if sorted(sizes) != sizes or len(set(sizes)) != len(sizes):
        parser.error("--sizes must grow: each size adds articles to the one before")
    create_database(DB)
    try:
        assert manage(server_url(DB), "migrate", "--noinput", "-v", "0").wait() == 0
        measured = {}
        for start, size in zip([0, *sizes], sizes, strict=False):
            measured[size] = run(start, size, args)
            print(f"  ({(time.perf_counter() - started) / 60:.1f} min into the run)", flush=True)
    finally:
        if not args.keep:
            drop_database(DB)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print(f"\np95 growth from {small:,} to {large:,} articles ({large / small:g}x the data)")
        for label, (_, p95) in measured[large].items():
            print(f"  {label:28} {p95 / measured[small][label][1]:6.2f}x")
    print(f"\nWhole run: {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
