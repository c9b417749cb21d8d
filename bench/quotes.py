"""Measure the quote finder against gold annotations.

Usage: python bench/quotes.py [samples/NNN_x.txt ...]
(default: every samples/*.txt that has a matching .expected.json)

Prints, per file and overall: proposals, precision (a proposal matching a required or
optional gold quote is correct), recall of required quotes and speaker accuracy over the
matched required quotes, as scored by articles/quote_metrics.py (which the quote finder's
tests use too).
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
from articles.quote_metrics import ratios, score, total  # noqa: E402
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


def main(argv: list[str]) -> int:
    run(gold_files(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
