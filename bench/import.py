"""Import speed: N generated source files through `import_articles`, 1,000 as a zip upload.

    .venv/bin/python bench/import.py [--files 10000] [--upload 1000] [--batch-size 500]

Works on a throwaway database (created and dropped here, like the test suite's), so the
developer's data is never touched. Generated files go to bench/out/ and are removed after.
Target: at least 3,000 files/s through the command.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
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

    Copies the imported rows into an empty twin of the article table (same generated
    search vector, same indexes), then into one without the search vector.
    """
    columns = [f.column for f in article_model._meta.concrete_fields if not f.generated]
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        for label, drop in [("as stored", False), ("without the search vector", True)]:
            cursor.execute("DROP TABLE IF EXISTS bench_twin")
            cursor.execute("CREATE TABLE bench_twin (LIKE articles_article INCLUDING ALL)")
            if drop:
                cursor.execute("ALTER TABLE bench_twin DROP COLUMN search_vector")
            started = time.perf_counter()
            cursor.execute(
                f"INSERT INTO bench_twin ({listed}) SELECT {listed} FROM articles_article "
                f"ORDER BY id LIMIT %s",
                [count],
            )
            seconds = time.perf_counter() - started
            print(f"  database alone, article rows {label}: {rate(count, seconds)}")
        cursor.execute("DROP TABLE bench_twin")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--upload", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsreader.settings_test"
    os.environ["DEBUG"] = "false"  # DEBUG would keep every query in memory
    import django
    from django.conf import settings

    settings.DATABASES["default"]["TEST"] = {"NAME": "newsreader_bench_import"}
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from articles.models import Article, SourceFile
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

        # The default proposes quotes on import; --no-quotes shows what storing alone costs.
        for options in (["--jobs=1"], ["--jobs=2"], ["--jobs=2", "--no-quotes"]):
            with connection.cursor() as cursor:  # the throwaway database, emptied per run
                cursor.execute(
                    "TRUNCATE articles_article, articles_sourcefile, articles_outlet CASCADE"
                )
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
            print(f"import_articles {' '.join(options)}: {rate(args.files, seconds)}")
            verdict = "meets" if args.files / seconds >= TARGET_FILES_PER_SECOND else "MISSES"
            print(f"  ({verdict} the target of {TARGET_FILES_PER_SECOND:,} files/s)")

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
        imported = SourceFile.objects.filter(name__startswith="batch.zip/", status="imported")
        assert imported.count() == args.upload, imported.count()
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
