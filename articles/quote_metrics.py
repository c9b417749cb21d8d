"""Score quote proposals against gold annotations: the metric of ``bench/quotes.py`` and of
the quote finder's tests, in one place.

A proposal matches a gold quote when their longest common substring covers at least 70% of
the longer of the two, after trimming quotation marks, spaces and punctuation at both ends.
Precision counts a proposal matching a required or optional gold quote as correct; recall is
over the required quotes; speaker accuracy is over the matched required quotes.

Pure: imports nothing from Django or the app (an import-linter contract checks it).
"""

from __future__ import annotations

import re
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


# --- corpus scoring (the PolNeAR conversions' rules) --------------------------------------

_CORPUS_TRIM = " \t\n\"'“”‘’«»,.;:!?—-"
_CORPUS_MARKS = str.maketrans("", "", '"“”‘’«»„')
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _corpus_norm(text: str) -> str:
    """Quotation marks dropped, whitespace collapsed: a multi-paragraph quote reopens them."""
    return " ".join(text.translate(_CORPUS_MARKS).split()).strip(_CORPUS_TRIM).casefold()


def corpus_matches(a: str, b: str) -> bool:
    a, b = _corpus_norm(a), _corpus_norm(b)
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= MATCH_SHARE * max(len(a), len(b))


def _name_words(name: str | None) -> list[str]:
    out = []
    for w in re.split(r"[\s,]+", (name or "").casefold()):
        w = re.sub(r"(['’]s)$", "", w).strip(".'’\"“”()")
        if w:
            out.append(w)
    return out


def same_speaker(got: str | None, gold_name: str) -> bool:
    """The proposal names a speaker holding the gold name's last word (suffixes dropped)."""
    ws = _name_words(gold_name)
    while len(ws) > 1 and ws[-1] in _NAME_SUFFIXES:
        ws.pop()
    return bool(ws) and ws[-1] in _name_words(got)


def _length_bucket(n: int) -> str:
    return "1 word" if n == 1 else "2-3 words" if n <= 3 else "4-9 words" if n <= 9 else "10+ words"


def corpus_score(
    gold: Mapping[str, Any], results: Mapping[str, Sequence[Proposal]]
) -> dict[str, Any]:
    """Figures of a corpus gold (``gold.json``'s ``files``) against proposals per file.

    A proposal matching none of a file's ``quotes`` is a false positive (whether or not it
    matches a ``not_quotes`` segment); speaker accuracy counts the found quotes whose gold
    ``speaker_name`` is known, broken down by ``speaker_via`` (coref: the gold source is a
    pronoun or a noun resolved through coreference).
    """
    c = dict.fromkeys(("proposals", "correct", "gold", "found", "speakers_known", "right"), 0)
    by: dict[str, list[int]] = {}
    via: dict[str, list[int]] = {}
    examples: dict[str, list[tuple[str, str, str | None]]] = {
        "miss": [],
        "false": [],
        "speaker": [],
    }
    for name, f in sorted(gold.items()):
        props = list(results.get(name, ()))
        c["proposals"] += len(props)
        for p in props:
            if any(corpus_matches(p.text, g["text"]) for g in f["quotes"]):
                c["correct"] += 1
            else:
                examples["false"].append((name, p.text, p.speaker))
        for g in f["quotes"]:
            c["gold"] += 1
            hit = next((p for p in props if corpus_matches(p.text, g["text"])), None)
            keys = [
                "partial" if g.get("partial") else "whole quotation",
                _length_bucket(g.get("words", len(g["text"].split()))),
            ]
            for k in keys:
                slot = by.setdefault(k, [0, 0])
                slot[1] += 1
                slot[0] += hit is not None
            if hit is None:
                examples["miss"].append((name, g["text"], g.get("source")))
                continue
            c["found"] += 1
            if g.get("speaker_name"):
                ok = same_speaker(hit.speaker, g["speaker_name"])
                how = "coref" if g.get("speaker_via") == "coref" else "name"
                slot = via.setdefault(how, [0, 0])
                slot[1] += 1
                slot[0] += ok
                c["speakers_known"] += 1
                c["right"] += ok
                if not ok:
                    examples["speaker"].append(
                        (name, g["text"], f"{hit.speaker!r} for {g['speaker_name']!r}")
                    )
    precision = c["correct"] / c["proposals"] if c["proposals"] else 0.0
    recall = c["found"] / c["gold"] if c["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    speaker = c["right"] / c["speakers_known"] if c["speakers_known"] else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker": speaker,
        "counts": c,
        "by": by,
        "via": via,
        "examples": examples,
    }
