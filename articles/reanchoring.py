"""Re-anchoring: where each annotation of an old text belongs in a new one, or that a person
must decide. Pure: text in, decisions out (no Django), so it is easy to property-test.

The rules, in order, for every span:

1. **Untouched.** The diff leaves the span's characters inside one unchanged run: its
   offsets are mapped through the diff (`KEPT`). Its words are the same words — unless they
   stand more than once in the new text and their context there disagrees (the diff may pair
   a sentence with its copy), which goes to review.
2. **Touched or moved.** Otherwise its exact text is looked for in the new text. A
   candidate counts only if it lies (at least partly) in text the diff *inserted*: text
   that sits in an unchanged run existed in the old text already, somewhere else, so it is
   another occurrence (the same sentence twice, the same name in two paragraphs), never the
   annotated words. The one such candidate whose stored context (prefix or suffix) mostly
   agrees (within its paragraph) is taken (`MOVED`) — only when it is the only candidate.
3. Anything else is `REVIEW`: the text changed even slightly, two or more candidates, a
   candidate with foreign context, or nothing found. A proposal (the span's boundaries mapped
   through the diff) comes with it for the editor, never applied without them.

The diff is difflib's, in three levels: lines first, then words and punctuation inside the
changed lines only, then characters inside short changed runs of words. One character-level
SequenceMatcher over a 50 KB article with 20 edits took 50 s (its candidate list per
character is thousands long); the three levels take about 30 ms (load average 6 on 2
cores; bench/reanchor.py measures it), so no diff library is added.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

KEPT = "kept"
MOVED = "moved"
REVIEW = "review"

# Share of the stored context (prefix and suffix characters, read outward from the span)
# that must agree for a moved candidate to count as the annotated words.
CONTEXT_AGREEMENT = 0.5

# Replaced runs of words up to this many characters are diffed again by character; the
# character matcher's cost grows with the square of the run, longer runs stay replaced.
_CHARACTER_DIFF_LIMIT = 200
# Unchanged runs of words up to this many characters between two changes are diffed again
# with them (see `_bridged`).
_BRIDGE = 3

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Anchor:
    """An annotation as stored: span into the old text, its text and context."""

    key: int
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Decision:
    """What becomes of one anchor: `outcome` is KEPT, MOVED or REVIEW.

    For KEPT and MOVED, `start`/`end` are the span in the new text, whose text there is
    exactly the anchor's `exact`. For REVIEW they are the proposal (or None: nothing to
    propose) and `reason` says why a person must look.
    """

    key: int
    outcome: str
    start: int | None
    end: int | None
    reason: str = ""
    candidates: int = 0


@dataclass(frozen=True)
class Opcode:
    tag: str  # "equal", "replace", "delete", "insert"
    i1: int
    i2: int
    j1: int
    j2: int


def text_diff(old: str, new: str) -> list[Opcode]:
    """Opcodes in character offsets from `old` to `new`, equal runs merged where adjacent."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_at = _offsets(old_lines)
    new_at = _offsets(new_lines)
    raw: list[Opcode] = []
    # Blank lines (the separators between paragraphs) never anchor a match by themselves:
    # pairing any blank line with any other is how a line diff misaligns paragraphs.
    lines = SequenceMatcher(lambda line: not line.strip(), old_lines, new_lines, autojunk=False)
    runs = [
        Opcode(tag, old_at[a1], old_at[a2], new_at[b1], new_at[b2])
        for tag, a1, a2, b1, b2 in lines.get_opcodes()
    ]
    for op in _bridged(runs, old, blank_only=True):
        if op.tag == "replace":
            raw.extend(_word_diff(old[op.i1 : op.i2], new[op.j1 : op.j2], op.i1, op.j1))
        else:
            raw.append(op)
    return _merged(raw)


def _offsets(lines: list[str]) -> list[int]:
    at = [0]
    for line in lines:
        at.append(at[-1] + len(line))
    return at


def _word_diff(old: str, new: str, base_i: int, base_j: int) -> list[Opcode]:
    old_tokens = _TOKEN.findall(old)
    new_tokens = _TOKEN.findall(new)
    old_at = _offsets(old_tokens)
    new_at = _offsets(new_tokens)
    words = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    runs = [
        Opcode(tag, old_at[a1], old_at[a2], new_at[b1], new_at[b2])
        for tag, a1, a2, b1, b2 in words.get_opcodes()
    ]
    opcodes: list[Opcode] = []
    for op in _bridged(runs, old):
        if op.tag != "equal" and max(op.i2 - op.i1, op.j2 - op.j1) <= _CHARACTER_DIFF_LIMIT:
            # Words edited ("recieve" -> "receive", a quotation mark glued on, two words run
            # together by a deletion): by character, so a span that starts or ends next to
            # the edit is told apart from it.
            opcodes.extend(
                _character_diff(
                    old[op.i1 : op.i2], new[op.j1 : op.j2], base_i + op.i1, base_j + op.j1
                )
            )
        else:
            opcodes.append(
                Opcode(op.tag, base_i + op.i1, base_i + op.i2, base_j + op.j1, base_j + op.j2)
            )
    return opcodes


def _bridged(runs: list[Opcode], old: str, *, blank_only: bool = False) -> list[Opcode]:
    """Word-level opcodes with short unchanged runs between two changes folded into one
    change: a lone space "kept" between two edited words is usually a misalignment (the
    word matcher pairs any space with any space), which the character diff then undoes.
    (SequenceMatcher's opcodes alternate: a change always follows an unchanged run that is
    not the last.) With `blank_only` (lines), only runs of blank lines are folded."""
    bridged: list[Opcode] = []
    for index, op in enumerate(runs):
        after_change = bool(bridged) and bridged[-1].tag != "equal"
        bridge = not old[op.i1 : op.i2].strip() if blank_only else op.i2 - op.i1 <= _BRIDGE
        short_bridge = op.tag == "equal" and bridge and index < len(runs) - 1
        if after_change and (op.tag != "equal" or short_bridge):
            last = bridged[-1]
            bridged[-1] = Opcode("replace", last.i1, op.i2, last.j1, op.j2)
        else:
            bridged.append(op)
    return bridged


def _character_diff(old: str, new: str, base_i: int, base_j: int) -> list[Opcode]:
    characters = SequenceMatcher(None, old, new, autojunk=False)
    return [
        Opcode(tag, base_i + a1, base_i + a2, base_j + b1, base_j + b2)
        for tag, a1, a2, b1, b2 in characters.get_opcodes()
    ]


def _merged(opcodes: list[Opcode]) -> list[Opcode]:
    merged: list[Opcode] = []
    for op in opcodes:
        if op.i1 == op.i2 and op.j1 == op.j2:
            continue
        last = merged[-1] if merged else None
        if last is not None and last.tag == op.tag == "equal":
            merged[-1] = Opcode("equal", last.i1, op.i2, last.j1, op.j2)
        elif last is not None and last.tag != "equal" and op.tag != "equal":
            merged[-1] = Opcode("replace", last.i1, op.i2, last.j1, op.j2)
        else:
            merged.append(op)
    return merged


class TextMap:
    """The diff from `old` to `new`, with look-ups by old and by new offset."""

    def __init__(self, old: str, new: str, opcodes: Sequence[Opcode] | None = None):
        self.old = old
        self.new = new
        self.opcodes = list(opcodes) if opcodes is not None else text_diff(old, new)
        self._equal = [op for op in self.opcodes if op.tag == "equal"]
        self._equal_i1 = [op.i1 for op in self._equal]
        self._equal_j1 = [op.j1 for op in self._equal]
        self._op_i1 = [op.i1 for op in self.opcodes]
        self._changed_new = [
            (op.j1, op.j2) for op in self.opcodes if op.tag != "equal" and op.j2 > op.j1
        ]

    def untouched(self, start: int, end: int) -> tuple[int, int] | None:
        """The span in the new text if the diff left old[start:end] in one unchanged run."""
        index = bisect.bisect_right(self._equal_i1, start) - 1
        if index < 0:
            return None
        op = self._equal[index]
        if op.i1 <= start and end <= op.i2:
            return start - op.i1 + op.j1, end - op.i1 + op.j1
        return None

    def in_unchanged_new_text(self, start: int, end: int) -> bool:
        """Whether new[start:end] lies wholly in an unchanged run (it was in the old text)."""
        index = bisect.bisect_right(self._equal_j1, start) - 1
        if index < 0:
            return False
        op = self._equal[index]
        return op.j1 <= start and end <= op.j2

    def position(self, offset: int) -> int:
        """Where an old boundary lands in the new text (for proposals)."""
        index = max(bisect.bisect_right(self._op_i1, offset) - 1, 0)
        if not self.opcodes:
            return min(offset, len(self.new))
        op = self.opcodes[index]
        if op.tag == "equal":
            return min(op.j1 + (offset - op.i1), op.j2)
        # Inside a change: the same distance into the replacement, clamped to it.
        return min(op.j1 + (offset - op.i1), op.j2)

    def changed_new_ranges(self) -> list[tuple[int, int]]:
        """The stretches of the new text that the diff inserted or replaced."""
        return self._changed_new


def _context_agreement(anchor: Anchor, text: str, start: int, end: int) -> float:
    """Share of the stored context characters that agree, read outward from the span.

    Only the context within the span's own line (paragraph) counts: a moved paragraph has new
    neighbours, and what ends or starts a paragraph says nothing about the words inside it.
    """
    prefix = anchor.prefix.rsplit("\n", 1)[-1]
    suffix = anchor.suffix.split("\n", 1)[0]
    total = len(prefix) + len(suffix)
    if total == 0:
        return 1.0
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    agreed = 0
    for stored, found in zip(reversed(prefix), reversed(before), strict=False):
        if stored != found:
            break
        agreed += 1
    for stored, found in zip(suffix, after, strict=False):
        if stored != found:
            break
        agreed += 1
    return agreed / total


def _inserted_occurrences(text_map: TextMap, exact: str) -> list[int]:
    """Starts of `exact` in the new text that overlap a stretch the diff inserted or
    replaced: searched within those stretches only (a short word occurs hundreds of times
    in a long article; 1,000 touched annotations cost 90 ms searching the whole text)."""
    new, length = text_map.new, len(exact)
    found: set[int] = set()
    for j1, j2 in text_map.changed_new_ranges():
        low, high = max(0, j1 - length + 1), min(len(new), j2 + length - 1)
        at = new.find(exact, low, high)
        while at != -1:
            found.add(at)
            at = new.find(exact, at + 1, high)
    return sorted(found)


def _proposal(text_map: TextMap, anchor: Anchor) -> tuple[int | None, int | None]:
    start = text_map.position(anchor.start)
    end = text_map.position(anchor.end)
    if end <= start:
        return None, None
    return start, end


def _standalone_count(text: str, words: str) -> int:
    """How often `words` stand in `text` as themselves: not inside a longer word ("the1"
    within "the10" is not the same words), where they begin or end with a letter or digit."""
    pattern = re.escape(words)
    if words[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if words[-1:].isalnum():
        pattern += r"(?!\w)"
    return sum(1 for _ in re.finditer(pattern, text))


def reanchor_one(text_map: TextMap, anchor: Anchor) -> Decision:
    """The decision for one anchor (see the module's rules)."""
    kept = text_map.untouched(anchor.start, anchor.end)
    if kept is not None and text_map.old[anchor.start : anchor.end] == anchor.exact:
        # Where the same words stand twice (a sentence copied elsewhere) the diff may pair
        # the annotated copy with the other one: its context then tells them apart.
        if (
            _context_agreement(anchor, text_map.new, *kept) >= CONTEXT_AGREEMENT
            or _standalone_count(text_map.new, anchor.exact) == 1
        ):
            return Decision(anchor.key, KEPT, kept[0], kept[1])
        return Decision(
            anchor.key, REVIEW, kept[0], kept[1], "the same words elsewhere, other context", 2
        )
    proposed_start, proposed_end = _proposal(text_map, anchor)
    if not anchor.exact:
        return Decision(anchor.key, REVIEW, proposed_start, proposed_end, "empty text")
    # Only text the diff inserted can hold these words moved: text in an unchanged run was
    # in the old text already, another occurrence. So the search looks only there.
    candidates = _inserted_occurrences(text_map, anchor.exact)
    if not candidates:
        return Decision(anchor.key, REVIEW, proposed_start, proposed_end, "the text changed", 0)
    if len(candidates) > 1:
        return Decision(
            anchor.key,
            REVIEW,
            proposed_start,
            proposed_end,
            f"{len(candidates)} places hold the same words",
            len(candidates),
        )
    at = candidates[0]
    end = at + len(anchor.exact)
    if _context_agreement(anchor, text_map.new, at, end) < CONTEXT_AGREEMENT:
        return Decision(anchor.key, REVIEW, at, end, "the same words in another context", 1)
    return Decision(anchor.key, MOVED, at, end, "moved with the text", 1)


def reanchor(old: str, new: str, anchors: Sequence[Anchor]) -> tuple[TextMap, list[Decision]]:
    """The diff from `old` to `new` and a decision for every anchor, in order."""
    text_map = TextMap(old, new)
    return text_map, [reanchor_one(text_map, anchor) for anchor in anchors]


def anchor_context(text: str, start: int, end: int, length: int) -> tuple[str, str]:
    """The `length` characters before and after text[start:end]."""
    return text[max(0, start - length) : start], text[end : end + length]
