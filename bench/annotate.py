"""Annotating benchmark: creating annotations the way the browser does, served by gunicorn.

    .venv/bin/python bench/annotate.py [--articles 100] [--spans 20] [--keep]

Builds a throwaway database on the same PostgreSQL server (the embedded cluster, or the one
DATABASE_URL points at) with generated articles of about 4 KB (emoji included, so offsets are
code points), a few speakers and tags. Serves the app with gunicorn (2 workers, DEBUG off),
logs an editor in through the login form, then for each article loads the page (which sets
the CSRF cookie) and creates the annotations one request at a time: an HTMX POST with
X-CSRFToken, exactly what annotate.js sends, answered by what changed on the page (the
blocks with the new mark, its list entry, the counts). Quotes name an existing speaker,
claims carry a verdict, highlights tags (sometimes a new one). After an article's spans, its
page is loaded again: the re-render, cache missed.

Prints median and p95 milliseconds per create (the returned fragments included) and per
article re-render, next to a trivial view (/healthz) as the floor, and the load average, since
a busy machine slows every figure. The database is dropped at the end unless --keep. Reads
nothing outside the repository.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import cast
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from throwaway_db import (  # noqa: E402 - bench/ is the script's folder
    create_database,
    drop_database,
    free_port,
    server_url,
)

BENCH_DB = "newsreader_bench_annotate"
SEED = 5
WORDS = """
the minister said officials government police court market prices energy water storm
protest union workers strike election parliament budget hospital schools children report
investigation border security talks ceasefire refugees inflation bank drought flood
rescue village city capital statement claimed denied promised warned announced rose fell
""".split()  # noqa: SIM905 - reads better as prose
SPEAKERS = ["Ana Kaya", "Mark Osei", "Ali Demir", "Jo Brennan", "Mina Rossi"]
TAGS = ["economy", "politics", "climate", "health", "security"]
PASSWORD = secrets.token_urlsafe(16)


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    if rng.random() < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(["🌉", "🍩", "📈", "café", "İzmir"]))
    return " ".join(words).capitalize() + "."


def article_text(rng: random.Random, target: int = 4000) -> tuple[str, list[dict]]:
    blocks: list[dict] = []
    parts: list[str] = []
    pos = 0
    while pos < target:
        if blocks and rng.random() < 0.15:
            kind, text = "heading", " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
        else:
            kind, text = "paragraph", " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        if parts:
            pos += 2
        blocks.append({"kind": kind, "start": pos, "end": pos + len(text)})
        parts.append(text)
        pos += len(text)
    return "\n\n".join(parts), blocks


# --- the throwaway database ---------------------------------------------------------------


def build(url: str, n_articles: int) -> list[tuple[str, str]]:
    """Migrate, create an editor, speakers, tags and articles; (slug, body) per article."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsreader.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from articles.models import Article, Outlet, Speaker, Tag
    from articles.permissions import EDITORS_GROUP

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", password=PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    Speaker.objects.bulk_create(
        Speaker(name=name, slug=name.lower().replace(" ", "-"), aliases=[name.split()[1]])
        for name in SPEAKERS
    )
    Tag.objects.bulk_create(Tag(name=name, slug=name) for name in TAGS)
    outlet = Outlet.objects.create(name="Bench Times", slug="bench-times")
    rng = random.Random(SEED)
    articles = []
    for i in range(n_articles):
        body, structure = article_text(rng)
        articles.append(
            Article(
                title=f"Bench article {i}",
                slug=f"bench-article-{i}",
                body=body,
                structure=structure,
                outlet=outlet,
                published_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
                content_hash=hashlib.sha256(f"{i}{body}".encode()).hexdigest(),
            )
        )
    Article.objects.bulk_create(articles)
    return [(a.slug, a.body) for a in articles]


def spans(rng: random.Random, body: str, n: int) -> list[tuple[int, int]]:
    """Distinct word-aligned spans of 1-12 words anywhere (overlaps and paragraph crossings
    happen)."""
    words = [m.span() for m in re.finditer(r"\S+", body)]
    chosen: list[tuple[int, int]] = []
    # Distinct spans: the same span annotated twice with one kind is refused (422).
    while len(chosen) < n:
        first = rng.randrange(len(words) - 12)
        span = (words[first][0], words[first + rng.randint(0, 11)][1])
        if span not in chosen:
            chosen.append(span)
    return chosen


# --- serving and measuring ----------------------------------------------------------------


def serve(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain storage: the pages only name static files, nothing here fetches them.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "newsreader.settings",
    }
    command = [sys.executable, "-m", "gunicorn", "newsreader.wsgi", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "-w", "2", "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Browser:
    """One client connection with a cookie jar: what a browser tab does, minus rendering."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()  # sync workers close after each answer; the next request reopens
        return response.status, content

    def post(self, path: str, data: dict, headers=None):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, urlencode(data).encode(), headers)

    def log_in(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token on the login page"
        token = found.group(1)
        form = {"username": "bench-editor", "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _ = self.post("/accounts/login/", form)
        assert status == 302 and "sessionid" in self.cookies, "login failed"


def fields(rng: random.Random, i: int) -> dict:
    kind = ("quote", "claim", "highlight")[i % 3]
    if kind == "quote":
        return {"kind": kind, "speaker": rng.choice(SPEAKERS + ["osei", "KAYA"])}
    if kind == "claim":
        # A verdict needs its rationale (it is saved as a draft for a second editor).
        verdict = rng.choice(["true", "mostly-false", "unverifiable"])
        return {"kind": kind, "verdict": verdict, "note": "bench rationale"}
    tags = rng.sample(TAGS, 2) + ([f"new {rng.randrange(10**6)}"] if rng.random() < 0.2 else [])
    return {"kind": kind, "tags": ", ".join(tags), "note": "bench"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(port: int, articles: list[tuple[str, str]], n_spans: int) -> dict[str, list[float]]:
    rng = random.Random(SEED)
    browser = Browser(port)
    browser.log_in()
    creates, renders = [], []
    for slug, body in articles:
        page_url = f"/articles/{slug}/"
        status, _ = browser.request("GET", page_url)
        assert status == 200, (page_url, status)
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"http://127.0.0.1{page_url}",
            "X-CSRFToken": browser.cookies["csrftoken"],
        }
        for i, (start, end) in enumerate(spans(rng, body, n_spans)):
            data = {"start": start, "end": end, "exact": body[start:end], **fields(rng, i)}
            started = time.perf_counter()
            status, content = browser.post(f"/articles/{slug}/annotations/", data, headers)
            creates.append((time.perf_counter() - started) * 1000)
            # The answer redraws at least the block with the new mark (what changed, or all).
            assert status == 200 and b"hx-swap-oob" in content, (status, content[:300])
            assert b'<mark class="ann ann-' in content, content[:300]
        started = time.perf_counter()
        status, content = browser.request("GET", page_url)
        renders.append((time.perf_counter() - started) * 1000)
        assert status == 200 and content.count(b'class="annotation-item') >= n_spans
    floor = []
    for _ in range(200):
        started = time.perf_counter()
        status, _ = browser.request("GET", "/healthz")
        floor.append((time.perf_counter() - started) * 1000)
    return {
        "create (POST, fragments returned)": creates,
        "article re-render (GET)": renders,
        "floor: GET /healthz": floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = server_url(BENCH_DB)
    create_database(BENCH_DB)
    server = None
    try:
        articles = build(url, args.articles + 1)  # the first one only warms up
        server = serve(url, free_port())
        server_args = cast(list[str], server.args)
        port = int(server_args[server_args.index("-b") + 1].rsplit(":", 1)[1])
        # Warm both workers (imports, templates, connections) on a throwaway article.
        run(port, articles[:1], 3)
        results = run(port, articles[1:], args.spans)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if not args.keep:
            drop_database(BENCH_DB)
    total = sum(len(v) for v in results.values())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Annotating: {args.articles} articles × {args.spans} spans, gunicorn 2 workers, "
        f"DEBUG off, one client ({total} timed requests)\n"
        f"  load average {load} on {os.cpu_count()} cores"
    )
    for label, values in results.items():
        print(
            f"  {label:36} n={len(values):5}  median {statistics.median(values):6.2f} ms"
            f"  p95 {percentile(values, 0.95):6.2f} ms"
        )


if __name__ == "__main__":
    main()
