"""Copy detection benchmark: are copies of one story across outlets found, and only they?

    .venv/bin/python bench/copies.py [--stories 300] [--seed 11] [--articles 2000] [--keep]

Generates stories on a few topics (each topic with its own names, places and stock phrases,
so two stories on one topic share many words and some phrases) and, for each story, copies
as other outlets run them: a new headline and dateline, the last paragraphs trimmed or only
the first half kept, a paragraph of the outlet's own added, words swapped ("said" -> "told"),
quotation marks retyped, paragraphs merged, a boilerplate line. The samples (samples/*.txt)
get the same treatment. The negatives are pairs of different stories on the same topic,
and follow-ups that quote one or two paragraphs of the story they follow.

Prints, for the fingerprint and the threshold of `articles.copy_detection`:
- precision and recall of copy detection over all pairs (goal >= 0.95 each), through the LSH
  bands (a copy whose bands share nothing with the story is missed, as in the database);
- the score distribution of copies and of different stories (where the threshold sits);
- the fingerprint's cost per article (median of 5 over the generated texts);
- the indexer's cost per article with copy detection, in a throwaway database: `--articles`
  generated articles (a tenth of them copies) bulk-imported, then `articles_index_all`, with
  and without detection, and the copies it found; with the load average.

The database (newsreader_bench_copies, on the app's server) is dropped at the end unless
--keep.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from throwaway_db import create_database, drop_database, server_url  # noqa: E402

from articles.copy_detection import (  # noqa: E402
    COPY_THRESHOLD,
    copy_similarity,
    fingerprint,
)

BENCH_DB = "newsreader_bench_copies"

# fmt: off
COMMON_WORDS = (
    "the a of in to and for on with at by from as that this it its was were is are be has "
    "have had not but after before over under about more than most some new old first last "
    "year week day month time people country city government officials police minister "
    "company workers report plan talks deal vote court law money prices market support "
    "pressure crisis public local national state service power water road rail port school "
    "hospital health energy budget tax pay strike union protest election party leader "
)
COMMON = COMMON_WORDS.split()
STOCK = [
    "said in a statement", "told reporters on Monday", "according to the ministry",
    "the government said", "officials said on Tuesday", "declined to comment",
    "did not respond to a request for comment", "speaking to broadcasters",
    "in a post on social media", "the spokesperson said", "it was not immediately clear",
]
SWAPS = {
    "said": "told", "on Monday": "on Monday evening", "government": "administration",
    "officials": "authorities", "plan": "proposal", "company": "firm", "workers": "staff",
    "about": "around", "more than": "over", "after": "following",
}
OUTLETS = ["Reuters", "AP", "AFP", "Anadolu", "Daily Bugle", "The Planet", "Euronews"]
# fmt: on


def topic(rng: random.Random, number: int) -> dict:
    def name() -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    return {
        "people": [f"{name().capitalize()} {name().capitalize()}" for _ in range(6)],
        "places": [name().capitalize() for _ in range(4)],
        "words": [name() for _ in range(60)],
        "number": number,
    }


def sentence(rng: random.Random, subject: dict) -> str:
    words = rng.choices(COMMON, k=rng.randint(6, 12)) + rng.choices(
        subject["words"], k=rng.randint(3, 6)
    )
    rng.shuffle(words)
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(subject["people"]))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(subject["places"]))
    if rng.random() < 0.5:
        words.append(rng.choice(STOCK))
    text = " ".join(words)
    if rng.random() < 0.3:
        text = f"“{text},” {rng.choice(subject['people'])} said"
    return text[0].upper() + text[1:] + "."


def story(rng: random.Random, subject: dict) -> list[str]:
    return [
        " ".join(sentence(rng, subject) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(6, 14))
    ]


def copy_of(paragraphs: list[str], rng: random.Random, subject: dict | None) -> list[str]:
    """Another outlet's run of the story: 2-5 of the edits outlets make."""
    result = list(paragraphs)
    edits = rng.sample(
        ["dateline", "trim", "half", "add", "swap", "quotes", "merge", "boilerplate", "typo"],
        k=rng.randint(2, 5),
    )
    for kind in edits:
        if kind == "dateline":
            result[0] = (
                f"{rng.choice(['ANKARA', 'LONDON', 'PARIS'])} ({rng.choice(OUTLETS)}) - "
                + result[0]
            )
        elif kind == "trim" and len(result) > 4:
            result = result[: len(result) - rng.randint(1, 3)]
        elif kind == "half" and len(result) > 6:
            result = result[: (len(result) + 1) // 2]
        elif kind == "add":
            extra = (
                " ".join(sentence(rng, subject) for _ in range(3))
                if subject
                else "Our correspondent adds that the story is developing and more is expected."
            )
            result.insert(rng.randint(1, len(result)), extra)
        elif kind == "swap":
            for _ in range(rng.randint(3, 10)):
                i = rng.randrange(len(result))
                old, new = rng.choice(list(SWAPS.items()))
                result[i] = result[i].replace(old, new, 1)
        elif kind == "quotes":
            result = [p.replace("“", '"').replace("”", '"').replace("’", "'") for p in result]
        elif kind == "merge" and len(result) > 3:
            i = rng.randrange(len(result) - 1)
            result[i : i + 2] = [result[i] + " " + result[i + 1]]
        elif kind == "boilerplate":
            result.append(f"Reporting by {rng.choice(OUTLETS)} staff; editing by the desk.")
        elif kind == "typo":
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(result))
                p = result[i]
                at = rng.randrange(len(p))
                result[i] = p[:at] + p[at + 1 :]
    return result


def follow_up(paragraphs: list[str], rng: random.Random, subject: dict) -> list[str]:
    """A later story on the same events that quotes one or two paragraphs of the first."""
    own = story(rng, subject)
    for quoted in rng.sample(paragraphs, k=min(2, len(paragraphs))):
        own.insert(rng.randint(0, len(own)), quoted)
    return own


def sample_bodies() -> list[list[str]]:
    from articles.importing.parsers import ParseError, parse_source

    bodies = []
    for path in sorted((ROOT / "samples").glob("*.txt")):
        try:
            body = parse_source(path.read_bytes(), filename=path.name).body
        except ParseError:
            continue
        bodies.append([p for p in body.split("\n\n") if p.strip()])
    return bodies


def corpus(stories: int, seed: int) -> tuple[list[str], list[int]]:
    """Texts and, for each, the number of the story it is (copies share it)."""
    rng = random.Random(seed)
    subjects = [topic(rng, n) for n in range(max(3, stories // 30))]
    texts: list[str] = []
    story_of: list[int] = []
    number = 0
    originals: list[tuple[list[str], dict | None]] = [
        (story(rng, subject), subject) for subject in rng.choices(subjects, k=stories)
    ] + [(body, None) for body in sample_bodies()]
    for paragraphs, subject in originals:
        texts.append("\n\n".join(paragraphs))
        story_of.append(number)
        for _ in range(rng.randint(1, 3)):
            texts.append("\n\n".join(copy_of(paragraphs, rng, subject)))
            story_of.append(number)
        number += 1
        if subject is not None and rng.random() < 0.3:
            texts.append("\n\n".join(follow_up(paragraphs, rng, subject)))
            story_of.append(number)
            number += 1
    return texts, story_of


def measure_quality(args) -> None:
    texts, story_of = corpus(args.stories, args.seed)
    prints = [fingerprint(text) for text in texts]
    found = sum(1 for p in prints if p is not None)
    print(f"{len(texts)} texts ({found} long enough to fingerprint), {max(story_of) + 1} stories")
    by_band: dict[int, set[int]] = {}
    for index, p in enumerate(prints):
        if p is not None:
            for band in p.bands:
                by_band.setdefault(band, set()).add(index)
    candidates: set[tuple[int, int]] = set()
    for members in by_band.values():
        candidates.update(combinations(sorted(members), 2))
    true_pairs = {
        (i, j)
        for i, j in combinations(range(len(texts)), 2)
        if story_of[i] == story_of[j] and prints[i] is not None and prints[j] is not None
    }
    copies_scores: list[float] = []
    others_scores: list[float] = []
    detected: set[tuple[int, int]] = set()
    for i, j in candidates:
        a, b = prints[i], prints[j]
        assert a is not None and b is not None
        score = copy_similarity(a, b)
        (copies_scores if (i, j) in true_pairs else others_scores).append(score)
        if score >= COPY_THRESHOLD:
            detected.add((i, j))
    hits = len(detected & true_pairs)
    precision = hits / len(detected) if detected else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    total_pairs = len(texts) * (len(texts) - 1) // 2
    print(
        f"candidates through the bands: {len(candidates)} of {total_pairs} pairs "
        f"({len(candidates) / total_pairs:.2%}); true copy pairs: {len(true_pairs)}"
    )
    print(f"precision {precision:.4f}, recall {recall:.4f} (goal >= 0.95 each) at {COPY_THRESHOLD}")
    if copies_scores:
        q = statistics.quantiles(copies_scores, n=100)
        print(
            f"copies' scores: min {min(copies_scores):.3f}, 1st percentile {q[0]:.3f}, "
            f"median {statistics.median(copies_scores):.3f}"
        )
    if others_scores:
        print(
            f"different stories sharing a band: {len(others_scores)}, "
            f"max score {max(others_scores):.3f}"
        )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for text in texts:
            fingerprint(text)
        timings.append((time.perf_counter() - started) / len(texts))
    average = sum(map(len, texts)) / len(texts)
    print(
        f"fingerprint: {statistics.median(timings) * 1000:.2f} ms per article "
        f"(average {average / 1000:.1f} KB; load {os.getloadavg()[0]:.2f})"
    )


@contextlib.contextmanager
def timed_phases(phases: dict[str, float]):
    """Add up the time copy detection spends in each of its parts, while in the block:
    the fingerprints (Python), the candidates query, and the whole (the rest is writing the
    fingerprints and the links)."""
    from articles.models import StoryFingerprintQuerySet
    from articles.services import copies

    def timing(name: str, function):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - began

        return timed

    saved = {
        (copies, "fingerprint"): copies.fingerprint,
        (copies, "story_copies_detect"): copies.story_copies_detect,
        (StoryFingerprintQuerySet, "copies_found"): StoryFingerprintQuerySet.copies_found,
    }
    names = {"copies_found": "candidates"}
    for (owner, attribute), function in saved.items():
        setattr(owner, attribute, timing(names.get(attribute, attribute), function))
    from articles.importing import indexing

    # The worker calls it by the name it imported.
    setattr(indexing, "story_copies_detect", copies.story_copies_detect)  # noqa: B010
    try:
        yield
    finally:
        for (owner, attribute), function in saved.items():
            setattr(owner, attribute, function)
        setattr(indexing, "story_copies_detect", saved[(copies, "story_copies_detect")])  # noqa: B010


def measure_indexer(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
    url = server_url(BENCH_DB)
    create_database(BENCH_DB)
    os.environ["DATABASE_URL"] = url
    try:
        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from articles.importing import indexing
        from articles.models import Article, Outlet, StoryCopy

        rng = random.Random(args.seed + 1)
        subjects = [topic(rng, n) for n in range(20)]
        outlet = Outlet.objects.create(name="Bench", slug="bench")

        def load(count: int, prefix: str) -> None:
            articles: list = []
            bodies: list[list[str]] = []
            for number in range(count):
                if bodies and number % 10 == 9:
                    body = "\n\n".join(copy_of(rng.choice(bodies), rng, None))
                else:
                    paragraphs = story(rng, rng.choice(subjects))
                    bodies.append(paragraphs)
                    body = "\n\n".join(paragraphs)
                articles.append(
                    Article(
                        title=f"{prefix} {number}",
                        slug=f"{prefix}-{number}",
                        published_on="2026-01-01",
                        outlet=outlet,
                        body=body,
                        content_hash=f"{prefix}-{number}",
                        index_pending=True,
                    )
                )
            Article.objects.bulk_create(articles, batch_size=500)

        figures = {}
        phases: dict[str, float] = {}
        for detect in (False, True):
            prefix = "with" if detect else "without"
            load(args.articles, prefix)
            started = time.perf_counter()
            with timed_phases(phases) if detect else contextlib.nullcontext():
                indexing.articles_index_all(detect_copies=detect)
            figures[detect] = (time.perf_counter() - started) / args.articles
        pairs = StoryCopy.objects.count() // 2
        print(
            f"indexer, {args.articles} articles: {figures[False] * 1000:.2f} ms per article "
            f"without copy detection, {figures[True] * 1000:.2f} ms with it "
            f"({pairs} copy pairs linked; load {os.getloadavg()[0]:.2f})"
        )
        detection = phases.pop("story_copies_detect")
        shown = ", ".join(
            f"{name} {seconds * 1000 / args.articles:.2f}" for name, seconds in phases.items()
        )
        rest = detection - sum(phases.values())
        print(
            f"copy detection, ms per article: {detection * 1000 / args.articles:.2f} in all: "
            f"{shown}, writing fingerprints and links {rest * 1000 / args.articles:.2f}"
        )
        connection.close()
    finally:
        if not args.keep:
            drop_database(BENCH_DB)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-db", action="store_true", help="only the pure measurements")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    measure_quality(args)
    if not args.no_db:
        measure_indexer(args)


if __name__ == "__main__":
    main()
