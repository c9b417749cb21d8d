"""Measure the quote finder against gold annotations.

Usage: python bench/quotes.py [samples/NNN_x.txt ...]
(default: every samples/*.txt that has a matching .expected.json)

Prints, per file and overall: proposals, precision (a proposal matching a required or
optional gold quote is correct), recall of required quotes and speaker accuracy over the
matched required quotes.  A proposal matches a gold quote when their longest common
substring covers at least 70% of the longer of the two, after trimming quotation marks,
spaces and punctuation at both ends.
"""

from __future__ import annotations

import json
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.importing.parsers import parse_source  # noqa: E402
from articles.quotefinder import QuoteProposal, find_quotes  # noqa: E402

TRIM = " \t\n\"'“”‘’«»‹›„‚.,;:!?…-–—()"
MATCH_SHARE = 0.7


def sample_body(path: Path) -> str:
    """The article body exactly as the importer stores it (annotations point into it)."""
    return parse_source(path.read_bytes(), path.name).body


def _norm(s: str) -> str:
    return s.strip(TRIM)


def matches(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= MATCH_SHARE * max(len(a), len(b))


def score(proposals: list[QuoteProposal], gold: dict) -> dict:
    required = gold.get("required", [])
    optional = gold.get("optional", [])
    correct = sum(
        1 for p in proposals if any(matches(p.text, g["text"]) for g in required + optional)
    )
    found = spk_ok = 0
    misses, wrong = [], []
    for g in required:
        hit = next((p for p in proposals if matches(p.text, g["text"])), None)
        if hit is None:
            misses.append(g["text"])
            continue
        found += 1
        if hit.speaker == g["speaker"]:
            spk_ok += 1
        else:
            wrong.append((g["text"], g["speaker"], hit.speaker))
    false = [
        p.text
        for p in proposals
        if not any(matches(p.text, g["text"]) for g in required + optional)
    ]
    return {
        "proposals": len(proposals),
        "correct": correct,
        "required": len(required),
        "found": found,
        "speaker_ok": spk_ok,
        "misses": misses,
        "wrong": wrong,
        "false": false,
    }


def ratios(s: dict) -> tuple[float, float, float]:
    precision = s["correct"] / s["proposals"] if s["proposals"] else 1.0
    recall = s["found"] / s["required"] if s["required"] else 1.0
    speaker = s["speaker_ok"] / s["found"] if s["found"] else 1.0
    return precision, recall, speaker


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
    total = {"proposals": 0, "correct": 0, "required": 0, "found": 0, "speaker_ok": 0}
    per_file = {}
    for path in paths:
        gold = json.loads(path.with_name(path.name[:-4] + ".expected.json").read_text("utf-8"))
        body = sample_body(path)
        props = find_quotes(body)
        # Best of a few warm runs: the first call also pays for imports and regex caches.
        ms = min(_elapsed(body) for _ in range(5)) * 1000
        s = score(props, gold["quotes"])
        per_file[path.name] = s
        for k in total:
            total[k] += s[k]
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
    p, r, sp = ratios(total)
    if verbose:
        print(
            f"{'OVERALL':40} proposals={total['proposals']:3}  precision={p:.2f}  "
            f"recall={r:.2f}  speaker={sp:.2f}"
        )
    return {"total": total, "files": per_file, "precision": p, "recall": r, "speaker": sp}


def main(argv: list[str]) -> int:
    run(gold_files(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
