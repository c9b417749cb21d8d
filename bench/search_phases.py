"""Where a search request spends its time, phase by phase, in-process (no HTTP).

    .venv/bin/python bench/search_phases.py [--rounds 20] [--fastest | --sql | --explain]

Runs on the database `bench/reading.py --keep` leaves behind (100,000 articles), so build it
once with that first. Requests: the reading bench's 8 searches, plain and narrowed to an
outlet (as its HTMX row does). Nothing is cached between requests.

- default: median and p95 per phase (the ranked matches, the page of results with snippets,
  the facets, the template) over all requests and rounds, with the time spent waiting for
  the database;
- --fastest: the fastest of --rounds runs of each whole request, and their sum: under shared
  load medians swing by 2x between runs, the fastest is what the code costs;
- --sql: each statement of each request, the fastest of 7 runs;
- --explain: EXPLAIN (ANALYZE, BUFFERS) of every statement.

Reads nothing outside the repository.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from reading import BENCH_DB, setup_django  # noqa: E402
from throwaway_db import database_exists, server_url  # noqa: E402

QUERIES = (
    "troops withdrawal",
    "minister",
    '"honest mistake"',
    "ceasefire talks",
    "pentagon or iraq",
    "kabana",
    "election -parliament",
    "refugees border",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--fastest", action="store_true", help="the fastest whole request of --rounds, per request"
    )
    parser.add_argument(
        "--sql", action="store_true", help="the fastest of 7 runs of each statement, per request"
    )
    args = parser.parse_args()
    if not database_exists(BENCH_DB):
        raise SystemExit(f"No {BENCH_DB} database: run bench/reading.py --keep first.")
    setup_django(server_url(BENCH_DB))

    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django_htmx.middleware import HtmxDetails

    from articles.views import search as search_view

    def request_for(path, params):
        request = RequestFactory().get(path, params)
        request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
        return request

    paths = [("/search/", {"q": q}) for q in QUERIES]
    paths += [("/search/", {"q": q, "outlet": "outlet-3"}) for q in QUERIES]

    if args.fastest:
        # Under shared load medians swing by 2x between runs; the fastest of several runs
        # of each request is what the code costs, and comparable between versions.
        best: dict[int, float] = {}
        for _ in range(args.rounds):
            for index, (path, params) in enumerate(paths):
                started = time.perf_counter()
                search_view.search(request_for(path, params))
                took = (time.perf_counter() - started) * 1000
                best[index] = min(best.get(index, took), took)
        for index, (_, params) in enumerate(paths):
            print(f"{' '.join(str(v) for v in params.values()):50} {best[index]:7.2f}")
        print(f"{'sum of the fastest (ms)':50} {sum(best.values()):7.2f}")
        return
    if args.sql:
        print(f"{'request':50} statements (fastest of 7, ms)")
        grand = 0.0
        for path, params in paths:
            with CaptureQueriesContext(connection) as captured:
                search_view.search(request_for(path, params))
            fastest = []
            for query in captured.captured_queries:
                runs = []
                with connection.cursor() as cursor:
                    for _ in range(7):
                        started = time.perf_counter()
                        cursor.execute(query["sql"])
                        cursor.fetchall()
                        runs.append((time.perf_counter() - started) * 1000)
                fastest.append(min(runs))
            grand += sum(fastest)
            label = " ".join(f"{v}" for v in params.values())
            print(f"{label:50} {sum(fastest):6.2f} = " + " + ".join(f"{t:.2f}" for t in fastest))
        print(f"{'total':50} {grand:6.2f}")
        return
    if args.explain:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            print("jit =", cursor.fetchone()[0])
        for path, params in paths:
            with CaptureQueriesContext(connection) as captured:
                search_view.search(request_for(path, params))
            print(f"\n===== {params} : {len(captured.captured_queries)} queries")
            for query in captured.captured_queries:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                print(f"--- {query['sql'][:160]}…\n{plan}")
        return

    phases: dict[str, list[float]] = {}
    real = {}

    current = ["view"]
    in_sql: dict[str, list[float]] = {}

    def timed(name, function):
        def wrapper(*a, **kw):
            current[0] = name
            in_sql.setdefault(name, []).append(0.0)
            started = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                took = (time.perf_counter() - started) * 1000
                phases.setdefault(name, []).append(took)
                current[0] = "view"

        return wrapper

    # Wrap the search's phases so each is timed where `search()` calls it.
    from articles.search import queries

    for name in ("ranked_matches", "hits", "facet_counts", "speakers", "quotes"):
        real[name] = getattr(queries, name)
        setattr(queries, name, timed(name, real[name]))
    real["render"] = search_view.render
    search_view.render = timed("render", real["render"])

    database: list[float] = []

    def in_database(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            database[-1] += took
            if current[0] != "view":
                in_sql[current[0]][-1] += took

    totals = []
    for _ in range(args.rounds):
        for path, params in paths:
            database.append(0.0)
            started = time.perf_counter()
            with connection.execute_wrapper(in_database):
                response = search_view.search(request_for(path, params))
            totals.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    phases["(in the database)"] = database
    phases["whole view"] = totals
    print(
        f"{'phase':20} {'median ms':>10} {'p95 ms':>10} {'of it SQL':>10}"
        f"  ({len(totals)} requests; SQL = median time waiting for the database)"
    )
    for name, values in phases.items():
        sql = f"{statistics.median(in_sql[name]):10.2f}" if name in in_sql else ""
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{name:20} {statistics.median(values):10.2f} {p95:10.2f} {sql}")


if __name__ == "__main__":
    main()
