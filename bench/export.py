"""Export and API benchmark: streamed exports, API list latency, API import vs the command.

    .venv/bin/python bench/export.py [--articles 100000] [--annotations 1000000]
                                     [--requests 300] [--files 1000] [--keep]

Builds a throwaway database on the app's PostgreSQL server (created here, dropped at the
end unless --keep) holding generated articles and annotations (with speakers, tags, notes
and authors), loaded with COPY with the triggers off (search vectors, facets and versions
are not what is measured). Then serves the app with gunicorn (one worker, DEBUG off) and
prints:

- the JSON Lines and CSV export rate of every annotation (goal: 100,000 a second) and the
  worker's peak resident memory against idle (goal: flat, under 100 MB more);
- median and p95 of API list pages (goal: p95 at most 20 ms);
- an API import of N generated source files as one zip against `import_articles` on
  another N of the same kind, zipped the same way (goal: within 1.5x).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import importlib.util
import io
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from reading import setup_django  # noqa: E402 - the same settings as the reading bench
from throwaway_db import create_database, drop_database, free_port, server_url  # noqa: E402

BENCH_DB = "newsreader_bench_export"
SEED = 20261202
GOAL_RATE = 100_000
GOAL_MEMORY_MB = 100
GOAL_P95_MS = 20
GOAL_IMPORT_RATIO = 1.5
# fmt: off
WORDS = [
    "government", "minister", "troops", "border", "talks", "said", "report", "election",
    "court", "city", "police", "water", "drought", "prices", "energy", "strike", "union",
    "health", "school", "storm", "flood", "rescue", "statement", "vote",
]
# fmt: on


def _bench_import_module():
    """bench/import.py's source file generator (its name is a keyword: load it by path)."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(n_articles: int, n_annotations: int) -> dict:
    """Generate the archive with COPY; answer what the measurements need."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Outlet, Speaker, Tag
    from articles.permissions import EDITORS_GROUP
    from articles.services.tokens import api_token_create

    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    staff = User.objects.create_superuser("bench-staff", first_name="Bench", last_name="Staff")
    editors = [
        User.objects.create_user(f"editor{i}", first_name=f"Editor{i}", last_name="Bench")
        for i in range(10)
    ]
    Group.objects.get(name=EDITORS_GROUP).user_set.add(*editors)
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {i}", slug=f"outlet-{i}") for i in range(40)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(name=f"Speaker {i}", slug=f"speaker-{i}", aliases=[f"S{i}"]) for i in range(2000)
    )
    Tag.objects.bulk_create(Tag(name=f"tag {i}", slug=f"tag-{i}") for i in range(200))
    now = datetime.datetime.now(datetime.UTC)
    first = datetime.date(2015, 1, 1)
    per_article = max(1, n_annotations // n_articles)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Triggers off for the load: the search vector, facets and versions they keep are
        # not what this measures, and computing them would take most of the run.
        cursor.execute("SET session_replication_role = replica")
        columns = (
            "title, slug, summary, published_on, outlet_id, agency, original_url, source_note, "
            "language, body, structure, content_hash, created_at, updated_at, index_pending, "
            "quotes_pending"
        )
        bodies = [" ".join(rng.choices(WORDS, k=150)).capitalize() + "." for _ in range(500)]
        with cursor.copy(f"COPY articles_article ({columns}) FROM STDIN") as copy:
            for i in range(n_articles):
                body = bodies[i % len(bodies)]
                copy.write_row(
                    (
                        f"Story {i}: " + " ".join(rng.choices(WORDS, k=6)),
                        f"story-{i}",
                        "",
                        first + datetime.timedelta(days=i * 3650 // n_articles),
                        outlets[i % len(outlets)].id,
                        "",
                        f"https://example.org/story/{i}",
                        "",
                        "tr" if i % 20 == 0 else "en",
                        body,
                        json.dumps([{"kind": "paragraph", "start": 0, "end": len(body)}]),
                        uuid.UUID(int=i).hex * 2,
                        now,
                        now + datetime.timedelta(microseconds=i),
                        False,
                        False,
                    )
                )
        cursor.execute("SELECT min(id) FROM articles_article")
        first_id = cursor.fetchone()[0]
        columns = (
            'article_id, kind, status, start, "end", exact, prefix, suffix, speaker_id, '
            "proposed_speaker, verdict, note, author_id, created_at, updated_at"
        )
        kinds = ("quote", "claim", "highlight")
        verdicts = ("true", "false", "mixed", "")
        count = 0
        with cursor.copy(f"COPY articles_annotation ({columns}) FROM STDIN") as copy:
            for i in range(n_articles):
                body = bodies[i % len(bodies)]
                for k in range(per_article):
                    if count == n_annotations:
                        break
                    start = k * 60
                    end = start + 40
                    kind = kinds[(i + k) % 3]
                    copy.write_row(
                        (
                            first_id + i,
                            kind,
                            "published",
                            start,
                            end,
                            body[start:end],
                            body[max(0, start - 32) : start],
                            body[end : end + 32],
                            speakers[(i + k) % len(speakers)].id if kind == "quote" else None,
                            "",
                            verdicts[(i + k) % 4] if kind == "claim" else "",
                            "A note on this, with a comma" if k % 4 == 0 else "",
                            editors[(i + k) % len(editors)].id,
                            now,
                            now + datetime.timedelta(microseconds=count),
                        )
                    )
                    count += 1
        cursor.execute(
            "INSERT INTO articles_annotation_tags (annotation_id, tag_id) "
            "SELECT a.id, t.id FROM articles_annotation a "
            "JOIN LATERAL (SELECT id FROM articles_tag ORDER BY id OFFSET a.id % 200 LIMIT 1 + "
            "(a.id % 2)) t ON true WHERE a.id % 3 = 0"
        )
        # What the facet triggers keep (articles/sql/article_facets.sql), computed once.
        cursor.execute(
            "INSERT INTO articles_articlefacets (article_id, kinds, speaker_ids, tag_ids) "
            "SELECT an.article_id, array_agg(DISTINCT an.kind), "
            "coalesce(array_agg(DISTINCT an.speaker_id) "
            "FILTER (WHERE an.speaker_id IS NOT NULL), '{}'), "
            "coalesce(array_agg(DISTINCT l.tag_id) FILTER (WHERE l.tag_id IS NOT NULL), '{}') "
            "FROM articles_annotation an "
            "LEFT JOIN articles_annotation_tags l ON l.annotation_id = an.id "
            "WHERE an.status = 'published' GROUP BY an.article_id"
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        # VACUUM too: it sets the visibility map, so counts read the indexes alone
        # (index-only scans), as they do once autovacuum has run in production.
        cursor.execute("VACUUM ANALYZE")
    loaded = time.perf_counter() - started
    _, secret = api_token_create(user=staff, name="bench")
    print(
        f"loaded {n_articles:,} articles and {count:,} annotations in {loaded:.0f} s",
        flush=True,
    )
    return {"token": secret, "annotations": count, "slug": "story-7", "speaker": "speaker-7"}


def serve(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "newsreader.settings",
        # The API import: one request carries every file.
        "IMPORT_JOBS": "2",
    }
    # DEBUG off: pages name their static files through the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "newsreader.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--timeout",
            "600",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def worker_pid(master: int) -> int:
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakSampler:
    """Samples a process's resident memory every 20 ms: its peak over a span."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def get(port: int, path: str, conn=None, headers=None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    if own:
        conn.close()
    return response.status, body


def export(port: int, path: str, pid: int) -> tuple[int, int, float, float]:
    """Rows, bytes, seconds and the worker's peak RSS (MB) for one streamed export."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    with PeakSampler(pid) as sampler:
        started = time.perf_counter()
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        assert response.status == 200, response.status
        lines = size = 0
        while block := response.read(1 << 20):
            lines += block.count(b"\n")
            size += len(block)
        seconds = time.perf_counter() - started
    conn.close()
    return lines, size, seconds, sampler.peak


def latencies(port: int, paths: list[str], n: int) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for path in paths * 3:
        get(port, path, conn)
    timings = []
    for i in range(n):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        status, _ = get(port, path, conn)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    conn.close()
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def zipped(paths: list[Path]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.name)
    return buffer.getvalue()


def api_import(port: int, token: str, data: bytes) -> tuple[float, dict]:
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="bench.zip"\r\nContent-Type: application/zip\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request(
        "POST",
        "/api/imports/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    response = conn.getresponse()
    answer = json.loads(response.read())
    seconds = time.perf_counter() - started
    assert response.status == 200, answer
    return seconds, answer["counts"]


def command_import(url: str, archive: Path) -> float:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_articles", str(archive)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = server_url(BENCH_DB)
    create_database(BENCH_DB)
    out = ROOT / "bench" / "out" / "export"
    server = None
    try:
        setup_django(url)
        data = load(args.articles, args.annotations)
        port = free_port()
        server = serve(url, port)
        pid = worker_pid(server.pid)
        print(f"load: {load_average()}", flush=True)

        # --- exports ---------------------------------------------------------------
        get(port, "/api/exports/annotations/?format=csv&article=story-1")
        idle = rss_mb(pid)
        print(f"\nserver worker idle: {idle:.0f} MB resident", flush=True)
        for fmt in ("jsonl", "csv"):
            lines, size, seconds, peak = export(
                port, f"/api/exports/annotations/?format={fmt}", pid
            )
            rows = lines - (1 if fmt == "csv" else 0)
            rate = rows / seconds
            print(
                f"export annotations {fmt:5}: {rows:,} rows, {size / 1e6:,.0f} MB in "
                f"{seconds:.1f} s = {rate:,.0f}/s (goal >= {GOAL_RATE:,}); worker peak "
                f"{peak:.0f} MB, +{peak - idle:.0f} MB over idle (goal < +{GOAL_MEMORY_MB})",
                flush=True,
            )
        lines, size, seconds, peak = export(port, "/api/exports/articles/?format=csv", pid)
        print(
            f"export articles    csv  : {lines - 1:,} rows in {seconds:.1f} s = "
            f"{(lines - 1) / seconds:,.0f}/s; worker peak {peak:.0f} MB, +{peak - idle:.0f} MB",
            flush=True,
        )
        print(f"load: {load_average()}", flush=True)

        # --- list latency -----------------------------------------------------------
        print("\nAPI lists, 50 a page (median / p95, ms):", flush=True)
        _, page = get(port, "/api/articles/?limit=50")
        deep = json.loads(page)["next_cursor"]
        lists = {
            "articles, newest": ["/api/articles/?limit=50"],
            "articles, next page": [f"/api/articles/?limit=50&cursor={deep}"],
            "articles of a tag": ["/api/articles/?limit=50&tag=tag-3"],
            "articles, language tr": ["/api/articles/?limit=50&language=tr"],
            "annotations, newest": ["/api/annotations/?limit=50"],
            "annotations of an article": [f"/api/annotations/?article={data['slug']}"],
            "annotations of a speaker": [f"/api/annotations/?limit=50&speaker={data['speaker']}"],
            "claims, verdict false": ["/api/annotations/?limit=50&kind=claim&verdict=false"],
            "speakers": ["/api/speakers/?limit=50"],
            "tags": ["/api/tags/?limit=50"],
            "tags with counts": ["/api/tags/?limit=50&counts=true"],
        }
        worst = 0.0
        for name, paths in lists.items():
            median, p95 = latencies(port, paths, args.requests)
            worst = max(worst, p95)
            print(f"  {name:28} {median:6.1f} / {p95:6.1f}", flush=True)
        print(f"  worst p95 {worst:.1f} ms (goal <= {GOAL_P95_MS})", flush=True)
        print(f"load: {load_average()}", flush=True)

        # --- import -----------------------------------------------------------------
        generator = _bench_import_module()
        api_files = generator.generate(args.files, out / "api", offset=5_000_000)
        command_files = generator.generate(args.files, out / "command", offset=6_000_000)
        seconds_api, counts = api_import(port, data["token"], zipped(api_files))
        archive = out / "command.zip"
        archive.write_bytes(zipped(command_files))
        seconds_command = command_import(url, archive)
        print(
            f"\nimport {args.files:,} files as one zip: API {seconds_api:.2f} s "
            f"({counts}), import_articles {seconds_command:.2f} s (its default --jobs, "
            f"process start included): {seconds_api / seconds_command:.2f}x "
            f"(goal <= {GOAL_IMPORT_RATIO}x)",
            flush=True,
        )
        print(f"load: {load_average()}", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        import shutil

        shutil.rmtree(out, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(BENCH_DB)


if __name__ == "__main__":
    main()
