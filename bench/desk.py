"""The editors' desk benchmark: the desk with 10,000 pending suggestions, served by gunicorn.

    .venv/bin/python bench/desk.py [--articles 500] [--suggestions 10000] [--requests 300] [--keep]

Builds a throwaway database on the same PostgreSQL server (the embedded cluster, or the one
DATABASE_URL points at) with generated articles of about 4 KB (bench/annotate.py's), all
imported within the last days, two outlets, and `--suggestions` pending quote suggestions
spread evenly over the articles; a tenth of the articles carry a published, tagged quote.
Serves the app with gunicorn (2 workers, DEBUG off), logs an editor in through the login
form (who lands on the desk), then loads the desk `--requests` times each way: the whole
page, the sections as htmx swaps them, narrowed by an outlet, by a tag, and a later page;
then times bulk rejects of a page of suggestions and their undos.

Prints median and p95 milliseconds per request next to a trivial view (/healthz) as the
floor, and the load average, since a busy machine slows every figure. The database is dropped
at the end unless --keep. Reads nothing outside the repository.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from annotate import (  # noqa: E402 - bench/ is the script's folder
    PASSWORD,
    Browser,
    article_text,
    percentile,
    serve,
)
from throwaway_db import (  # noqa: E402
    create_database,
    drop_database,
    free_port,
    server_url,
)

BENCH_DB = "newsreader_bench_desk"
SEED = 13


def build(url: str, n_articles: int, n_suggestions: int) -> None:
    """Migrate, create an editor, outlets, a tag, articles and their pending suggestions."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsreader.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    from articles.db import copy_rows
    from articles.models import Annotation, Article, Outlet, Speaker, Tag
    from articles.permissions import EDITORS_GROUP

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", password=PASSWORD)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    speaker = Speaker.objects.create(name="Ana Kaya", slug="ana-kaya", aliases=["Kaya"])
    tag = Tag.objects.create(name="economy", slug="economy")
    outlets = [
        Outlet.objects.create(name="Bench Times", slug="bench-times"),
        Outlet.objects.create(name="Bench Post", slug="bench-post"),
    ]
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
                outlet=outlets[i % 2],
                published_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i),
                content_hash=hashlib.sha256(f"{i}{body}".encode()).hexdigest(),
            )
        )
    Article.objects.bulk_create(articles)
    suggestions: list[Annotation] = []
    per_article = -(-n_suggestions // n_articles)
    for article in articles:
        words = [m.span() for m in re.finditer(r"\S+", article.body)]
        for k in range(min(per_article, n_suggestions - len(suggestions))):
            start, end = words[k * 3][0], words[k * 3 + 2][1]
            suggestions.append(
                Annotation(
                    article=article,
                    kind=Annotation.Kind.QUOTE,
                    status=Annotation.Status.SUGGESTED,
                    start=start,
                    end=end,
                    **Annotation.anchor(article.body, start, end),
                    speaker=speaker if k % 2 else None,
                    proposed_speaker="" if k % 2 else "Mina Rossi",
                )
            )
    copy_rows(suggestions)
    for article in articles[::10]:
        words = [m.span() for m in re.finditer(r"\S+", article.body)]
        quote = Annotation.objects.create(
            article=article,
            kind=Annotation.Kind.QUOTE,
            start=words[-3][0],
            end=words[-1][1],
            **Annotation.anchor(article.body, words[-3][0], words[-1][1]),
            speaker=speaker,
        )
        quote.tags.add(tag)
    # Fresh statistics, as autovacuum would have them on a database in use.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(browser: Browser, path: str, n: int, headers=None) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        status, content = browser.request("GET", path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status, content[:300])
    return times


def run(port: int, n: int) -> dict[str, list[float]]:
    browser = Browser(port)
    browser.log_in()
    status, page = browser.request("GET", "/desk/")
    assert status == 200 and b"Pending suggestions: <strong>" in page, page[:500]
    htmx = {"HX-Request": "true"}
    results = {
        "desk, whole page (GET)": timed(browser, "/desk/", n),
        "desk, sections (htmx GET)": timed(browser, "/desk/", n, htmx),
        "desk, one outlet (htmx GET)": timed(browser, "/desk/?outlet=bench-post", n, htmx),
        "desk, one tag (htmx GET)": timed(browser, "/desk/?tag=economy", n, htmx),
        "desk, page 40 of suggestions": timed(browser, "/desk/?suggestions=40", n, htmx),
    }
    rejects, undos = [], []
    headers = {"HX-Request": "true", "X-CSRFToken": browser.cookies["csrftoken"]}
    for _ in range(max(5, n // 10)):
        status, page = browser.request("GET", "/desk/", headers=htmx)
        ids = re.findall(rb'name="ids" value="(\d+)"', page)[:25]
        data = [("action", "reject"), *(("ids", i.decode()) for i in ids)]
        started = time.perf_counter()
        # A list of pairs: urlencode sends every id (a dict would keep one).
        status, content = browser.post("/desk/suggestions/", data, headers)  # type: ignore[arg-type]
        rejects.append((time.perf_counter() - started) * 1000)
        assert status == 200 and b"25 suggestions rejected." in content, (status, content[:300])
        started = time.perf_counter()
        status, content = browser.post("/desk/suggestions/undo/", {}, headers)
        undos.append((time.perf_counter() - started) * 1000)
        assert status == 200 and b"back to pending" in content, (status, content[:300])
    results["bulk reject of 25 (htmx POST)"] = rejects
    results["undo of it (htmx POST)"] = undos
    floor = []
    for _ in range(200):
        started = time.perf_counter()
        browser.request("GET", "/healthz")
        floor.append((time.perf_counter() - started) * 1000)
    results["floor: GET /healthz"] = floor
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--suggestions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = server_url(BENCH_DB)
    create_database(BENCH_DB)
    server = None
    try:
        build(url, args.articles, args.suggestions)
        server = serve(url, free_port())
        server_args = cast(list[str], server.args)
        port = int(server_args[server_args.index("-b") + 1].rsplit(":", 1)[1])
        run(port, 20)  # warm both workers (imports, templates, connections)
        results = run(port, args.requests)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if not args.keep:
            drop_database(BENCH_DB)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Desk: {args.articles} articles, {args.suggestions} pending suggestions, gunicorn 2 "
        f"workers, DEBUG off, one client\n  load average {load} on {os.cpu_count()} cores"
    )
    for label, values in results.items():
        print(
            f"  {label:36} n={len(values):5}  median {statistics.median(values):6.2f} ms"
            f"  p95 {percentile(values, 0.95):6.2f} ms"
        )


if __name__ == "__main__":
    main()
