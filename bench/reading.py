"""Reading benchmark: articles, search, the hubs, page weight; gunicorn with DEBUG off.

    .venv/bin/python bench/reading.py [--articles 100000] [--requests 200] [--keep]
        [--search-only | --hubs-only]

Builds a throwaway database on the same PostgreSQL server (the embedded cluster, or the one
DATABASE_URL points at): 100,000 generated articles of 2-5 KB for search, with annotations
carrying tags and speakers on every tenth, and three articles to read: ~50 KB with 0, 20 and
1,000 annotations (overlapping and nested ones included). Then serves the app with gunicorn
and prints median and p95 per page, next to a trivial view (/healthz) as the floor, and the
compressed weight of the reading page on a first visit (HTML, CSS, JS).

The database is dropped at the end unless --keep (then it is reused by the next run).
Reads nothing outside the repository.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from throwaway_db import (  # noqa: E402 - bench/ is the script's folder
    create_database,
    database_exists,
    drop_database,
    free_port,
    server_url,
)

BENCH_DB = "newsreader_bench"
SEED = 20200107

REAL_WORDS = """
the of and to in a is that for it as was with be by on not he this are or his from at which
but have an they you were her she there been one all we their has would when if so no will
can more other its who what about up out them into some could only time than then now
government minister president troops military security officials said statement report
election parliament police court border refugees economy inflation energy climate health
hospital vaccine schools students workers strike union prices market bank oil gas war
ceasefire talks sanctions embassy diplomats protest protesters capital city village region
country people children women families water food drought flood storm earthquake rescue
investigation prosecutors judge trial verdict law rights freedom press journalists media
mistake letter draft withdrawal defense pentagon iraq iran baghdad washington ankara europe
""".split()  # noqa: SIM905 - reads better as prose


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Real words first (most frequent), then pronounceable made-up ones for the long tail."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = list(dict.fromkeys(REAL_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(
            rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class TextMaker:
    """Zipf-distributed words, sentences and paragraphs; deterministic from the seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.words = vocabulary(rng)
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.cum = list(_accumulate(weights))
        self.sentences = [self.sentence() for _ in range(4000)]

    def sentence(self) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=self.rng.randint(8, 24))
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(3, 6)))

    def body(self, target: int) -> tuple[str, list[dict]]:
        parts, size = [], 0
        while size < target:
            part = self.paragraph()
            # A unique-ish word per paragraph keeps rare terms rare across the corpus.
            part += " " + self.rng.choice(self.words[1000:]).capitalize() + "."
            parts.append(part)
            size += len(part) + 2
        blocks, pos = [], 0
        for index, part in enumerate(parts):
            heading = index % 6 == 3
            if heading:
                part = parts[index] = part.split(".")[0][:60]
            blocks.append(
                {
                    "kind": "heading" if heading else "paragraph",
                    "start": pos,
                    "end": pos + len(part),
                }
            )
            pos += len(part) + 2
        return "\n\n".join(parts), blocks


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


# --- database -------------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    import django

    django.setup()


# --- data -----------------------------------------------------------------------------


def load_corpus(n_articles: int) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Annotation, Outlet, Speaker, Tag

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    text = TextMaker(rng)
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {i}", slug=f"outlet-{i}") for i in range(40)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(
            name=f"{rng.choice(['Mark', 'Ana', 'Ali', 'Jo'])} {w.capitalize()}", slug=f"speaker-{i}"
        )
        for i, w in enumerate(text.words[2000:2400])
    )
    tags = Tag.objects.bulk_create(
        Tag(name=w, slug=f"{w}-{i}") for i, w in enumerate(text.words[60:140])
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Building the GIN index once after loading beats maintaining it row by row.
        cursor.execute("DROP INDEX IF EXISTS article_search_gin")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        first = datetime.date(2015, 1, 1)
        columns = (
            "title, slug, summary, published_on, outlet_id, agency, original_url, source_note, "
            "language, body, structure, content_hash, created_at, updated_at, index_pending, "
            "quotes_pending"
        )
        now = datetime.datetime.now(datetime.UTC)
        with cursor.copy(f"COPY articles_article ({columns}) FROM STDIN") as copy:
            for i in range(n_articles):
                body, structure = text.body(rng.randint(2000, 5000))
                title = text.sentence()[:-1][:120]
                copy.write_row(
                    (
                        title,
                        f"bench-{i}",
                        text.sentence() if i % 3 == 0 else "",
                        first + datetime.timedelta(days=i * 3650 // n_articles),
                        outlets[i % len(outlets)].id,
                        "AP" if i % 4 == 0 else "",
                        f"https://example.org/story/{i}",
                        "",
                        "en",
                        body,
                        json.dumps(structure),
                        hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
                        now,
                        now,
                        False,  # indexed now, by the trigger: searchable at once
                        False,
                    )
                )
        loaded = time.perf_counter() - started
        cursor.execute(
            "CREATE INDEX article_search_gin ON articles_article USING gin (search_vector)"
        )
        # Every tenth article gets a quote (with speaker), a claim and a highlight, tagged.
        cursor.execute("SELECT id, length(body) FROM articles_article ORDER BY id")
        rows = cursor.fetchall()
        annotation_columns = (
            'article_id, kind, status, start, "end", exact, prefix, suffix, speaker_id, '
            "proposed_speaker, verdict, note, created_at, updated_at"
        )
        verdicts = [v for v, _ in Annotation.Verdict.choices]
        with cursor.copy(f"COPY articles_annotation ({annotation_columns}) FROM STDIN") as copy:
            for article_id, length in rows[::10]:
                for kind in ("quote", "claim", "highlight"):
                    start = rng.randint(0, length - 200)
                    copy.write_row(
                        (
                            article_id,
                            kind,
                            "published",
                            start,
                            start + rng.randint(20, 150),
                            "x",
                            "",
                            "",
                            rng.choice(speakers).id if kind == "quote" else None,
                            "",
                            rng.choice(verdicts) if kind == "claim" else "",
                            text.sentence() if rng.random() < 0.5 else "",
                            now,
                            now,
                        )
                    )
        cursor.execute("SELECT id FROM articles_annotation")
        annotation_ids = cursor.fetchall()
        with cursor.copy(
            "COPY articles_annotation_tags (annotation_id, tag_id) FROM STDIN"
        ) as copy:
            for (annotation_id,) in annotation_ids:
                for tag in rng.sample(tags, 2):
                    copy.write_row((annotation_id, tag.id))
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Loaded {n_articles:,} articles in {loaded:.0f}s "
        f"(+ index and annotations: {time.perf_counter() - started:.0f}s)"
    )
    return reading_articles(rng, text, outlets[0], speakers, tags)


def reading_articles(rng, text, outlet, speakers, tags) -> dict:
    """Three ~50 KB articles to read, with 0, 20 and 1,000 annotations."""
    from articles.models import Annotation, Article

    body, structure = text.body(50_000)
    # Astral characters shift nothing: a few emoji in the text.
    body = body.replace(". ", ". 😀 ", 5)
    structure = []
    pos = 0
    for index, part in enumerate(body.split("\n\n")):
        kind = "heading" if index % 6 == 3 else "paragraph"
        structure.append({"kind": kind, "start": pos, "end": pos + len(part)})
        pos += len(part) + 2
    slugs = {}
    for count in (0, 20, 1000):
        article = Article.objects.create(
            title=f"Reading bench article with {count} annotations",
            slug=f"reading-{count}",
            summary="A long generated article to measure the reading page.",
            published_on=datetime.date(2026, 1, 1),
            outlet=outlet,
            agency="AP",
            original_url="https://example.org/original",
            body=body,
            structure=structure,
            content_hash=hashlib.sha256(f"reading-{count}".encode()).hexdigest(),
        )
        annotations: list[Annotation] = []
        for i in range(count):
            kind = ("quote", "claim", "highlight")[i % 3]
            if i % 10 == 9 and annotations:
                # Nested or overlapping the previous one.
                prev = annotations[-1]
                start = rng.randint(prev.start, max(prev.start, prev.end - 1))
            else:
                start = rng.randint(0, len(body) - 400)
            end = min(len(body), start + rng.randint(10, 300))
            annotations.append(
                Annotation(
                    article=article,
                    kind=kind,
                    start=start,
                    end=end,
                    exact=body[start:end],
                    speaker=rng.choice(speakers) if kind == "quote" else None,
                    verdict=rng.choice(["true", "false", "mixed"]) if kind == "claim" else "",
                    note=text.sentence() if i % 2 else "",
                )
            )
        created = Annotation.objects.bulk_create(annotations)
        Annotation.tags.through.objects.bulk_create(
            Annotation.tags.through(annotation_id=a.id, tag_id=rng.choice(tags).id) for a in created
        )
        slugs[count] = article.get_absolute_url()
    return slugs


# --- serving and measuring ------------------------------------------------------------


def serve(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "newsreader.settings",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "newsreader.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            get(port, "/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str, conn=None) -> tuple[int, bytes, dict]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip", "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    if own:
        conn.close()
    return response.status, body, headers


def measure(port: int, paths: list[str], n: int) -> tuple[float, float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(min(20, n)):
        get(port, paths[i % len(paths)], conn)
    timings = []
    for i in range(n):
        started = time.perf_counter()
        status, _, _ = get(port, paths[i % len(paths)], conn)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (paths[i % len(paths)], status)
    conn.close()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], timings[0]


def page_weight(port: int, path: str) -> dict[str, int]:
    """Bytes on the wire (gzip) for the page and every script and stylesheet it loads."""
    _, html, headers = get(port, path)
    sizes = {"html": len(html)}
    text = gzip.decompress(html).decode() if headers.get("content-encoding") == "gzip" else html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+\.(?:css|js))"', str(text)):
        _, body, _ = get(port, asset)
        sizes[asset.rsplit("/", 1)[-1]] = len(body)
    return sizes


def uncached_render(path: str, n: int = 20) -> tuple[float, float]:
    """The page built from scratch (caches emptied before each request), in this process:
    what the first reader after a change waits for. Median and worst, ms."""
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    timings = []
    for _ in range(n):
        cache.clear()
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def hub_paths() -> dict[str, list[str]]:
    """The hub pages to measure: the indexes, a tag's, a speaker's and an outlet's page
    (a busy one each), the claims, and their feeds."""
    from articles.models import Speaker, Tag

    tag = Tag.objects.index().first()  # most used first
    speaker = Speaker.objects.directory().first()  # most quoted first
    assert tag is not None and speaker is not None
    return {
        "hub: topics index": ["/tags/", "/tags/?sort=name"],
        "hub: speakers directory": ["/speakers/", "/speakers/?sort=name", "/speakers/?q=mark"],
        "hub: outlets index": ["/outlets/"],
        "hub: claims": ["/claims/", "/claims/?verdict=false", "/claims/?verdict=none"],
        "hub: a tag's page": [f"/tags/{tag.slug}/", f"/tags/{tag.slug}/?kind=quote"],
        "hub: a speaker's page": [f"/speakers/{speaker.slug}/"],
        "hub: an outlet's page": ["/outlets/outlet-3/"],
        "hub: feeds (tag, speaker, outlet)": [
            f"/tags/{tag.slug}/feed/",
            f"/speakers/{speaker.slug}/feed/",
            "/outlets/outlet-3/feed/",
        ],
    }


def uncached_p95(paths: list[str], n: int = 40) -> tuple[float, float]:
    """Like `uncached_render`, over several paths in turn: median and p95, ms."""
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_ENCODING="gzip")
    timings = []
    for i in range(n):
        cache.clear()
        started = time.perf_counter()
        assert client.get(paths[i % len(paths)]).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def marks_scaling() -> None:
    """render_body alone, for growing numbers of overlapping marks on a 500 KB text."""
    from articles.rendering import Mark, render_body

    rng = random.Random(SEED)
    text = TextMaker(rng)
    body, structure = text.body(500_000)
    print("\nrender_body alone on a 500 KB body (random spans of 5-300 characters):")
    for n in (1_000, 10_000, 100_000):
        marks = []
        for i in range(n):
            start = rng.randint(0, len(body) - 400)
            marks.append(Mark(i + 1, start, start + rng.randint(5, 300), "quote"))
        started = time.perf_counter()
        html = render_body(body, structure, marks)
        took = (time.perf_counter() - started) * 1000
        print(
            f"  {n:>7,} marks: {took:8.1f} ms  ({took / n * 1000:.1f} µs per mark, "
            f"{len(html) / 1e6:.1f} MB of HTML)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="measure only the floor and the searches (quicker while working on search)",
    )
    parser.add_argument(
        "--hubs-only",
        action="store_true",
        help="measure only the floor and the hub pages (quicker while working on the hubs)",
    )
    args = parser.parse_args()

    if not args.search_only:
        marks_scaling()
    url = server_url(BENCH_DB)
    reuse = args.keep and database_exists(BENCH_DB)
    if not reuse:
        create_database(BENCH_DB)
    setup_django(url)
    from django.db import connections

    server = None
    loaded = reuse  # a load that failed half-way must not be reused by the next run
    try:
        if reuse:
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            pages = {n: f"/articles/reading-{n}/" for n in (0, 20, 1000)}
            print(f"Reusing the database {BENCH_DB}")
        else:
            pages = load_corpus(args.articles)
            loaded = True
        connections.close_all()
        port = free_port()
        server = serve(url, port)
        searches = [
            "/search/?q=" + quote(q)
            for q in (
                "troops withdrawal",
                "minister",
                '"honest mistake"',
                "ceasefire talks",
                "pentagon or iraq",
                "kabana",
                "election -parliament",
                "refugees border",
            )
        ]
        rows = [
            ("trivial view (floor)", ["/healthz"]),
            ("home page", ["/"]),
            ("article, 0 annotations", [pages[0]]),
            ("article, 20 annotations", [pages[20]]),
            ("article, 1,000 annotations", [pages[1000]]),
            ("search (8 queries)", searches),
            ("search, HX-Request fragment", [s + "&outlet=outlet-3" for s in searches]),
        ]
        hubs = hub_paths()
        rows += list(hubs.items())
        if args.search_only:
            rows = [row for row in rows if row[0].startswith(("trivial", "search"))]
        if args.hubs_only:
            rows = [row for row in rows if row[0].startswith(("trivial", "hub"))]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nLoad average before measuring: {load} on {os.cpu_count()} CPUs")
        print(
            f"\n{'page':34} {'median ms':>10} {'p95 ms':>10} {'min ms':>8}"
            f"   ({args.requests} requests each; min shows the cost without contention)"
        )
        results = {}
        for label, paths in rows:
            median, p95, fastest = measure(port, paths, args.requests)
            results[label] = (median, p95, fastest)
            print(f"{label:34} {median:10.1f} {p95:10.1f} {fastest:8.1f}")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Load average after measuring: {load}")
        if not args.hubs_only:
            search_p95 = results["search (8 queries)"][1]
            print(f"\nsearch p95: {search_p95:.1f} ms (target: 30 ms, issue #14)")
        if args.search_only:
            return
        worst_hub = max(p95 for label, (_, p95, _) in results.items() if label.startswith("hub"))
        print(f"\nworst hub page p95, repeat views: {worst_hub:.1f} ms (target: 20 ms, issue #14)")
        print("hub pages built from scratch (caches emptied, in process): median / p95 ms")
        for label, paths in hubs.items():
            median, p95 = uncached_p95(paths)
            print(f"  {label:34} {median:8.1f} {p95:8.1f}")
        if args.hubs_only:
            return
        floor = results["trivial view (floor)"][0]
        heavy = results["article, 1,000 annotations"][0]
        print(f"1,000-annotation page: {heavy / floor:.1f}x the floor (target: within 5x)")
        for count in (20, 1000):
            median, worst = uncached_render(pages[count])
            print(
                f"article, {count} annotations, built from scratch (caches emptied, in "
                f"process): median {median:.1f} ms, worst {worst:.1f} ms"
            )
        for count in (20, 1000):
            sizes = page_weight(port, pages[count])
            total = sum(sizes.values())
            parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sizes.items())
            print(
                f"page weight, {count} annotations (gzip): {total / 1024:.1f} KB ({parts})"
                + ("  target: <= 60 KB" if count == 20 else "")
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        connections.close_all()
        if not args.keep or not loaded:
            drop_database(BENCH_DB)
            print(f"Dropped the database {BENCH_DB}")


if __name__ == "__main__":
    main()
