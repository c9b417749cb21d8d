"""Import speed: N generated source files through `import_articles`, 1,000 as a zip upload.

    .venv/bin/python bench/import.py [--files 10000] [--upload 1000] [--batch-size 500] [--repeat 3]

Works on a throwaway database (created and dropped here, like the test suite's), so the
developer's data is never touched. Generated files go to bench/out/ and are removed after.
Target: at least 3,000 files/s through the command. The command stores the articles and
queues them; `index_articles` computes their search vectors and quote suggestions after,
so its drain rate and the time until everything is searchable are printed too.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "import"
TARGET_FILES_PER_SECOND = 3000

# fmt: off
WORDS = [
    "government", "minister", "council", "report", "officials", "said", "week", "plans",
    "security", "talks", "city", "police", "economy", "budget", "election", "parliament",
    "court", "decision", "agreement", "troops", "border", "prices", "energy", "market",
    "workers", "strike", "union", "protest", "health", "hospital", "school", "teachers",
    "students", "water", "roads", "transport", "railway", "airport", "storm", "flood",
    "emergency", "rescue", "aid", "president", "spokesman", "statement", "interview",
    "newspaper", "vote", "opposition", "party", "leader",
]
TURKISH_WORDS = [
    "hükümet", "bakan", "meclis", "rapor", "yetkililer", "açıkladı", "hafta", "güvenlik",
    "görüşme", "şehir", "polis", "ekonomi", "bütçe", "seçim", "mahkeme", "karar", "anlaşma",
    "sınır", "fiyatlar", "enerji", "piyasa", "işçiler", "grev", "sendika", "sağlık", "hastane",
    "okul", "öğretmenler", "öğrenciler", "su", "yollar", "ulaşım", "demiryolu", "havalimanı",
    "fırtına", "sel", "acil", "kurtarma", "yardım", "cumhurbaşkanı", "sözcü", "açıklama",
    "gazete", "oylama", "muhalefet",
]
# fmt: on
OUTLETS = ["Euronews", "Daily Bugle", "Anadolu Ajansı", "Hürriyet", "The Planet", "AP News"]
AGENCIES = ["AP", "Reuters", "AA", "DHA", "AFP", None]


def sentence(rng: random.Random, words: list[str]) -> str:
    picked = rng.choices(words, k=rng.randint(8, 18))
    return " ".join(picked).capitalize() + "."


def source_text(number: int, rng: random.Random, turkish: bool) -> str:
    """One article in the export layout, about 5 KB, unique by its number."""
    words = TURKISH_WORDS if turkish else WORDS
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2024)
    outlet = rng.choice(OUTLETS)
    parts = [
        f"{sentence(rng, words)[:-1].upper()} {number}",
        sentence(rng, words) if rng.random() < 0.3 else "-",
        f"{day}.{month}.{year}" if rng.random() < 0.5 else f"{day:02}.{month:02}.{year}",
        f"{outlet} ({day} {month} {year})",
    ]
    if agency := rng.choice(AGENCIES):
        parts.append(agency)
    size = sum(map(len, parts))
    while size < 4800:
        if rng.random() < 0.1:
            block = " ".join(rng.choices(words, k=4)).capitalize()  # a subheading
        else:
            block = " ".join(sentence(rng, words) for _ in range(rng.randint(2, 5)))
        parts.append(block)
        size += len(block) + 2
    parts.append(f"Story {number} ends here.")
    if rng.random() < 0.9:
        parts.append(f"<https://news.example.org/{year}/{month}/{number}>")
    parts.append("Kaynak/Source: " + (rng.choice(OUTLETS) if rng.random() < 0.2 else ""))
    return "\n\n".join(parts) + "\n"


def generate(count: int, folder: Path, *, offset: int = 0) -> list[Path]:
    rng = random.Random(offset + 2020)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(offset, offset + count):
        turkish = number % 5 == 0  # a fifth in Turkish, half of those in Windows-1254
        encoding = "cp1254" if turkish and number % 10 == 0 else "utf-8"
        text = source_text(number, rng, turkish)
        path = folder / f"{number:06}.txt"
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths


def rate(count: int, seconds: float) -> str:
    return f"{count:,} files in {seconds:.2f} s = {count / seconds:,.0f} files/s"


def database_floor(connection, article_model, count: int) -> None:
    """What PostgreSQL alone needs to store the same article rows, with no Python at all.

    Copies the imported rows into an empty twin of the article table (same indexes, no
    trigger) twice: with the search vector computed as the trigger computes it (what every
    insert cost before the indexing queue), and without it (what an import costs now).
    """
    columns = [f.column for f in article_model._meta.concrete_fields if f.column != "search_vector"]
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    vector = (
        "(setweight(to_tsvector('newsreader', COALESCE(title, '')), 'A')"
        " || setweight(to_tsvector('newsreader', COALESCE(summary, '')), 'B'))"
        " || setweight(to_tsvector('newsreader', COALESCE(body, '')), 'C')"
    )
    with connection.cursor() as cursor:
        for label, computed in [("with the search vector", vector), ("without it", "NULL")]:
            cursor.execute("DROP TABLE IF EXISTS bench_twin")
            cursor.execute("CREATE TABLE bench_twin (LIKE articles_article INCLUDING ALL)")
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO bench_twin ({listed}, search_vector) "
                f"SELECT {listed}, {computed} FROM articles_article ORDER BY id LIMIT %s",
                [count],
            )
            seconds = time.perf_counter() - started
            print(f"  database alone, article rows {label}: {rate(count, seconds)}")
        cursor.execute("DROP TABLE bench_twin")


def worker(database_url: str, *options: str) -> subprocess.Popen:
    """`manage.py index_articles` on the bench database, as `make run` starts it."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE")  # the app's own settings, as deployed
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "index_articles", "--poll=1", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--upload", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="storing runs per setting")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsreader.settings_test"
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory
    import django
    from django.conf import settings

    settings.DATABASES["default"]["TEST"] = {"NAME": "newsreader_bench_import"}
    django.setup()
    import newsreader.settings as app_settings

    # The test settings import on one connection; the bench measures the command's default.
    settings.IMPORT_JOBS = app_settings.IMPORT_JOBS
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from throwaway_db import server_url  # bench/ is the script's folder

    from articles.models import Annotation, Article, SourceFile
    from tests.factories import make_user

    shutil.rmtree(OUT, ignore_errors=True)
    # Other work on the machine skews every figure; say how busy it was.
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    started = time.perf_counter()
    paths = generate(args.files, OUT / "command")
    upload_paths = generate(args.upload, OUT / "upload", offset=args.files)
    total_bytes = sum(p.stat().st_size for p in paths)
    print(
        f"Generated {len(paths) + len(upload_paths):,} files "
        f"(average {total_bytes / len(paths):,.0f} bytes) in {time.perf_counter() - started:.1f} s"
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        quiet = io.StringIO()
        started = time.perf_counter()
        call_command("import_articles", str(OUT / "command"), "--dry-run", stdout=quiet)
        seconds = time.perf_counter() - started
        print(f"import_articles --dry-run (parse only): {rate(args.files, seconds)}")

        def empty() -> None:
            with connection.cursor() as cursor:  # the throwaway database, emptied per run
                cursor.execute(
                    "TRUNCATE articles_article, articles_sourcefile, articles_outlet CASCADE"
                )

        def imported(options: list[str]) -> float:
            started = time.perf_counter()
            call_command(
                "import_articles",
                str(OUT / "command"),
                f"--batch-size={args.batch_size}",
                *options,
                stdout=quiet,
            )
            seconds = time.perf_counter() - started
            stored = Article.objects.count()
            assert stored == args.files, f"expected {args.files} articles, found {stored}"
            return seconds

        # Storing: the command's own time. Articles wait in the indexing queue after it.
        # Three runs each: on a shared machine one run can be off by a factor of two.
        for options in (["--jobs=1"], []):
            runs = []
            for _ in range(args.repeat):
                empty()
                runs.append(imported(options))
            seconds = statistics.median(runs)
            label = " ".join(options) or f"(default, --jobs={settings.IMPORT_JOBS})"
            print(
                f"import_articles {label}, storing and queueing: {rate(args.files, seconds)} "
                f"(median of {len(runs)}; runs {', '.join(f'{r:.2f}' for r in runs)} s)"
            )
            verdict = "meets" if args.files / seconds >= TARGET_FILES_PER_SECOND else "MISSES"
            print(f"  ({verdict} the target of {TARGET_FILES_PER_SECOND:,} files/s)")
        # Indexing what was just stored: one worker, as `make run` starts it.
        started = time.perf_counter()
        call_command("index_articles", "--once", stdout=quiet)
        drain = time.perf_counter() - started
        assert not Article.objects.waiting_for_index().exists()
        suggestions = Annotation.objects.suggested().count()
        print(
            f"index_articles --once (one worker, {suggestions:,} suggestions): "
            f"{args.files:,} articles in {drain:.2f} s = {args.files / drain:,.0f} articles/s"
        )
        print(f"  import then drain: {seconds + drain:.2f} s until every article is searchable")

        # Two workers side by side (docker compose up --scale indexer=2), as subprocesses.
        database_url = server_url(connection.settings_dict["NAME"])
        empty()
        imported([])
        started = time.perf_counter()
        pair = [worker(database_url, "--once") for _ in range(2)]
        assert [p.wait(timeout=600) for p in pair] == [0, 0]
        drain = time.perf_counter() - started
        assert not Article.objects.waiting_for_index().exists()
        print(
            f"index_articles --once, two workers side by side: {args.files:,} articles in "
            f"{drain:.2f} s = {args.files / drain:,.0f} articles/s (start-up included)"
        )

        # End to end as deployed: a worker listening while the command imports.
        empty()
        running = worker(database_url)
        try:
            time.sleep(3)  # its start-up (Django, LISTEN) is not the import's cost
            started = time.perf_counter()
            stored = imported([])
            while Article.objects.waiting_for_index().exists():
                time.sleep(0.05)
            searchable = time.perf_counter() - started
        finally:
            running.terminate()
            running.wait(timeout=30)
        print(
            f"with a worker running: import {stored:.2f} s, everything searchable after "
            f"{searchable:.2f} s = {args.files / searchable:,.0f} articles/s end to end"
        )
        empty()
        seconds = imported(["--wait"])
        print(
            f"import_articles --wait (stores, then its {settings.IMPORT_JOBS} processes index): "
            f"{rate(args.files, seconds)}"
        )

        started = time.perf_counter()
        call_command("import_articles", str(OUT / "command"), "--jobs=2", stdout=quiet)
        seconds = time.perf_counter() - started
        print(f"import_articles --jobs 2 again (all duplicates): {rate(args.files, seconds)}")

        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in upload_paths:
                zf.write(path, path.name)
        client = Client()
        client.force_login(make_user("bench", is_staff=True, is_superuser=True))
        upload = SimpleUploadedFile("batch.zip", archive.getvalue())
        started = time.perf_counter()
        response = client.post("/admin/articles/sourcefile/import/", {"files": [upload]})
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        uploaded = SourceFile.objects.filter(name__startswith="batch.zip/", status="imported")
        assert uploaded.count() == args.upload, uploaded.count()
        print(
            f"admin upload of one zip ({len(archive.getvalue()):,} bytes): "
            f"{rate(args.upload, seconds)}"
        )
        database_floor(connection, Article, args.files)
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(OUT, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
