"""Measure the quote finder against gold annotations.

Usage: python bench/quotes.py [samples/NNN_x.txt ...]
       python bench/quotes.py --corpus DIR [--examples N]
(default: every samples/*.txt that has a matching .expected.json)

Prints, per file and overall: proposals, precision (a proposal matching a required or
optional gold quote is correct), recall of required quotes and speaker accuracy over the
matched required quotes, as scored by articles/quote_metrics.py (which the quote finder's
tests use too).

With --corpus, DIR is a folder laid out like the PolNeAR conversions (``sources/*.txt`` and
a ``gold.json`` of ``quotes`` / ``not_quotes`` per file); the figures are those of the
corpus' own scorer (quote_metrics.corpus_score follows its rules): precision, recall, F1,
speaker accuracy overall, for pronoun-resolved speakers and for named ones, recall by
quote length, plus the finder's time per article. The corpus stays where it is: nothing in
the repository reads it except this command, when asked to.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.importing.parsers import parse_source  # noqa: E402
from articles.quote_metrics import corpus_score, ratios, score, total  # noqa: E402
from articles.quotefinder import find_quotes  # noqa: E402


def sample_body(path: Path) -> str:
    """The article body exactly as the importer stores it (annotations point into it)."""
    return parse_source(path.read_bytes(), path.name).body


def _elapsed(body: str) -> float:
    t0 = time.perf_counter()
    find_quotes(body)
    return time.perf_counter() - t0


def gold_files(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return sorted(
        p
        for p in (ROOT / "samples").glob("*.txt")
        if p.with_name(p.name[:-4] + ".expected.json").exists()
    )


def run(paths: list[Path], verbose: bool = True) -> dict:
    per_file = {}
    for path in paths:
        gold = json.loads(path.with_name(path.name[:-4] + ".expected.json").read_text("utf-8"))
        body = sample_body(path)
        props = find_quotes(body)
        # Best of a few warm runs: the first call also pays for imports and regex caches.
        ms = min(_elapsed(body) for _ in range(5)) * 1000
        s = score(props, gold["quotes"])
        per_file[path.name] = s
        if verbose:
            p, r, sp = ratios(s)
            print(
                f"{path.name:40} proposals={s['proposals']:3}  precision={p:.2f}  "
                f"recall={r:.2f}  speaker={sp:.2f}  ({ms:.1f} ms)"
            )
            for m in s["misses"]:
                print(f"    MISSED  {m[:90]!r}")
            for f in s["false"]:
                print(f"    FALSE   {f[:90]!r}")
            for t, want, got in s["wrong"]:
                print(f"    SPEAKER {t[:50]!r}: want {want!r}, got {got!r}")
    overall = total(per_file.values())
    p, r, sp = ratios(overall)
    if verbose:
        print(
            f"{'OVERALL':40} proposals={overall['proposals']:3}  precision={p:.2f}  "
            f"recall={r:.2f}  speaker={sp:.2f}"
        )
    return {"total": overall, "files": per_file, "precision": p, "recall": r, "speaker": sp}


def run_corpus(folder: Path, examples: int = 0) -> dict:
    gold = json.loads((folder / "gold.json").read_text("utf-8"))["files"]
    results: dict[str, list] = {}
    seconds = 0.0
    for name in sorted(gold):
        body = sample_body(folder / "sources" / name)
        t0 = time.perf_counter()
        results[name] = find_quotes(body)
        seconds += time.perf_counter() - t0
    figures = corpus_score(gold, results)
    c = figures["counts"]
    for kind in ("miss", "false", "speaker"):
        for name, quote, extra in figures["examples"][kind][:examples]:
            print(f"{kind}: {name}: {quote[:90]!r}" + (f"  [{extra}]" if extra else ""))
    print(
        "  recall by kind: "
        + "; ".join(f"{k} {a / b:.2f} ({a}/{b})" for k, (a, b) in sorted(figures["by"].items()))
    )
    print(
        "  speaker accuracy by how the gold name was found: "
        + "; ".join(f"{k} {a / b:.2f} ({a}/{b})" for k, (a, b) in sorted(figures["via"].items()))
    )
    print(
        f"{folder.name}: precision {figures['precision']:.2f}, recall {figures['recall']:.2f} "
        f"({c['found']}/{c['gold']}), F1 {figures['f1']:.2f}, speaker accuracy "
        f"{figures['speaker']:.2f} ({c['speakers_known']}); "
        f"{1000 * seconds / max(len(gold), 1):.2f} ms per article"
    )
    return figures


def main(argv: list[str]) -> int:
    if argv[:1] == ["--corpus"] and len(argv) >= 2:
        rest = argv[2:]
        examples = int(rest[1]) if rest[:1] == ["--examples"] and len(rest) > 1 else 0
        run_corpus(Path(argv[1]), examples)
        return 0
    run(gold_files(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
