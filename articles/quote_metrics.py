"""Score quote proposals against gold annotations: the metric of ``bench/quotes.py`` and of
the quote finder's tests, in one place.

A proposal matches a gold quote when their longest common substring covers at least 70% of
the longer of the two, after trimming quotation marks, spaces and punctuation at both ends.
Precision counts a proposal matching a required or optional gold quote as correct; recall is
over the required quotes; speaker accuracy is over the matched required quotes.

Pure: imports nothing from Django or the app (an import-linter contract checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any, Protocol

TRIM = " \t\n\"'“”‘’«»‹›„‚.,;:!?…-–—()"
MATCH_SHARE = 0.7
# The counts of a score that add up over files.
COUNTS = ("proposals", "correct", "required", "found", "speaker_ok")


class Proposal(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def speaker(self) -> str | None: ...


def _norm(s: str) -> str:
    return s.strip(TRIM)


def matches(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= MATCH_SHARE * max(len(a), len(b))


def score(proposals: Sequence[Proposal], gold: Mapping[str, Any]) -> dict[str, Any]:
    """Counts and the misses, false proposals and wrong speakers of one file.

    ``gold`` is the ``quotes`` object of an ``.expected.json`` file: ``required`` and
    ``optional`` lists of ``{"text": ..., "speaker": ...}``.
    """
    required = gold.get("required", [])
    optional = gold.get("optional", [])
    correct = sum(
        1 for p in proposals if any(matches(p.text, g["text"]) for g in required + optional)
    )
    found = spk_ok = 0
    misses: list[str] = []
    wrong: list[tuple[str, str | None, str | None]] = []
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


def total(scores: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """The counts of several files' scores added up (``ratios`` takes the result)."""
    out = dict.fromkeys(COUNTS, 0)
    for s in scores:
        for k in COUNTS:
            out[k] += s[k]
    return out


def ratios(s: Mapping[str, Any]) -> tuple[float, float, float]:
    """(precision, recall, speaker accuracy) of a score or a total; 1.0 where nothing counts."""
    precision = s["correct"] / s["proposals"] if s["proposals"] else 1.0
    recall = s["found"] / s["required"] if s["required"] else 1.0
    speaker = s["speaker_ok"] / s["found"] if s["found"] else 1.0
    return precision, recall, speaker
