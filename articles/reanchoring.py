"""Re-anchoring: where each annotation of an old text belongs in a new one, or that a person
must decide. Pure: text in, decisions out (no Django), so it is easy to property-test.

The rules, in order, for every span:

1. **Untouched.** The diff leaves the span's characters inside one unchanged run: its
   offsets are mapped through the diff (`KEPT`). Its words are the same words — unless they
   stand more than once in the new text and their context there disagrees (the diff may pair
   a sentence with its copy), which goes to review.
   A line (paragraph) that stands once in each text, unchanged, at another place in the
   order moved: the diff shows it deleted and inserted and never pairs it with the text
   that took its place (a copy of one of its sentences), and its spans follow it
   (`MOVED`). A line that also stands edited elsewhere in the new text is not taken as
   moved: it was edited where it stood and the verbatim one is a copy. A line that moved
   *and* was edited (a typo fixed in a paragraph moved up) is paired with its edited self
   when that is the only new line its words agree with: what the word diff of the two
   keeps moved with it. A line the diff pairs on its own with an identical line while the
   new text also holds it elsewhere, verbatim or edited (copied, then corrected or moved)
   goes to review: the diff may have paired the copy (`_twinned_lines`).
2. **Touched or moved.** Otherwise its exact text is looked for in the new text. A
   candidate counts only if it lies (at least partly) in text the diff *inserted*: text
   that sits in an unchanged run existed in the old text already, somewhere else, so it is
   another occurrence (the same sentence twice, the same name in two paragraphs), never the
   annotated words. The one such candidate whose stored context (prefix or suffix) mostly
   agrees (within its paragraph) is taken (`MOVED`) — only when it is the only candidate,
   and only if it agrees with the diff wherever the diff has a say: a candidate made of
   some of the span's own words, kept in place, and some inserted ones is not the span;
   nor is one whose paragraph ends (or starts) closer to it than the annotated one did
   (a sentence copied out, its paragraph then deleted).
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
from collections.abc import Callable, Sequence
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
    """Opcodes in character offsets from `old` to `new`, equal runs merged where adjacent.
    A paragraph moved elsewhere shows as deleted and inserted (see `text_moves`)."""
    return _diff(old, new)[0]


def _diff(old: str, new: str) -> tuple[list[Opcode], list[Opcode], list[tuple[int, int]]]:
    """The opcodes; the lines that moved: `Opcode("move", ...)`, old content to new; and the
    old lines the diff keeps that also stand edited elsewhere (see `_twinned_lines`), as
    character ranges of the old text."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    old_at = _offsets(old_lines)
    new_at = _offsets(new_lines)
    moved = _moved_lines(old_lines, new_lines)
    line_runs = _line_runs(old_lines, new_lines, moved)
    edited = _edited_moves(line_runs, old_lines, new_lines, moved)
    if edited:
        moved = {**moved, **edited}
        line_runs = _line_runs(old_lines, new_lines, moved)
    new_targets = {b: a for a, b in moved.items()}
    raw: list[Opcode] = []
    for run in _bridged(line_runs, lambda op: not "".join(old_lines[op.i1 : op.i2]).strip()):
        if run.tag == "replace" and (
            any(a in moved for a in range(run.i1, run.i2))
            or any(b in new_targets for b in range(run.j1, run.j2))
        ):
            # Only the lines that did not move are diffed against each other.
            parts = _around_moves(
                run,
                moved,
                new_targets,
                lambda a: not old_lines[a].strip(),
                lambda b: not new_lines[b].strip(),
            )
        else:
            parts = [run]
        for part in parts:
            op = Opcode(
                part.tag, old_at[part.i1], old_at[part.i2], new_at[part.j1], new_at[part.j2]
            )
            if op.tag == "replace":
                raw.extend(_word_diff(old[op.i1 : op.i2], new[op.j1 : op.j2], op.i1, op.j1))
            else:
                raw.append(op)
    moves: list[Opcode] = []
    for a, b in sorted(moved.items()):
        if a in edited:
            # Moved and edited: what the word diff of the two lines keeps moved.
            old_line, new_line = old_lines[a].rstrip("\r\n"), new_lines[b].rstrip("\r\n")
            moves.extend(
                Opcode("move", op.i1, op.i2, op.j1, op.j2)
                for op in _merged(_word_diff(old_line, new_line, old_at[a], new_at[b]))
                if op.tag == "equal"
            )
            continue
        length = len(old_lines[a].rstrip("\r\n"))
        moves.append(Opcode("move", old_at[a], old_at[a] + length, new_at[b], new_at[b] + length))
    twinned = [
        (old_at[a], old_at[a + 1]) for a in _twinned_lines(line_runs, old, old_lines, new_lines)
    ]
    return _merged(raw), moves, twinned


# Characters taken from the start, the middle and the end of a changed line to find the old
# lines it may be an edited copy of (an edit leaves at least one of the three alone).
_PROBE = 24


def _twinned_lines(
    line_runs: list[Opcode], old: str, old_lines: list[str], new_lines: list[str]
) -> list[int]:
    """Old line indices the line diff pairs with an identical new line while the new text
    also holds the line, verbatim or edited (words agreeing at least `_EDITED_LINE`), in a
    changed stretch. A paragraph copied and its original then corrected reads exactly like
    a paragraph moved with an edited copy left in its place, and a paragraph moved with a
    copy left behind like one copied elsewhere: which holds the annotated words no text
    can tell, and the diff pairs whichever comes first, often the copy. Its annotations
    go to review.

    Only a line the diff pairs alone counts: a line paired together with a blank line
    beside it kept a neighbour paragraph (the blank lines are keyed by their neighbours),
    so it is in its place, and a shorter copy of it (a sentence of it copied out) is new
    text.

    Each changed new line is looked up by three probes of `_PROBE` characters, so only
    lines sharing a probe are compared (a search in C, not a matcher per pair of lines)."""
    kept_old: set[int] = set()
    changed_new: list[int] = []
    for run in line_runs:
        if run.tag == "equal":
            # A line paired with the blank lines beside it kept its neighbours too: it is
            # in its place. Paired alone, it may be a copy the diff took for it.
            if run.i2 - run.i1 == 1:
                kept_old.add(run.i1)
        else:
            changed_new.extend(
                b for b in range(run.j1, run.j2) if len(new_lines[b].strip()) >= _MOVED_LINE_MINIMUM
            )
    if not changed_new or not kept_old:
        return []
    old_at = _offsets(old_lines)
    twinned: set[int] = set()
    for b in changed_new:
        line = new_lines[b].rstrip("\r\n")
        middle = (len(line) - _PROBE) // 2
        looked_at: set[int] = set()
        for probe in {line[:_PROBE], line[middle : middle + _PROBE], line[-_PROBE:]}:
            at = old.find(probe)
            while at != -1:
                a = bisect.bisect_right(old_at, at) - 1
                at = old.find(probe, at + 1)
                if a in looked_at or a in twinned or a not in kept_old:
                    continue
                looked_at.add(a)
                other = old_lines[a].rstrip("\r\n")
                if 2 * min(len(other), len(line)) < _EDITED_LINE * (len(other) + len(line)):
                    continue
                matcher = SequenceMatcher(
                    None, _TOKEN.findall(other), _TOKEN.findall(line), autojunk=False
                )
                if matcher.quick_ratio() >= _EDITED_LINE and matcher.ratio() >= _EDITED_LINE:
                    twinned.add(a)
    return sorted(twinned)


# Share of a line's pairs of neighbouring words another line must hold to be compared at all.
_SHARED_PAIRS = 0.3


def _word_pairs(tokens: list[str]) -> set[tuple[str, str]]:
    words = [token for token in tokens if not token.isspace()]
    return set(zip(words, words[1:], strict=False))


def _line_runs(old_lines: list[str], new_lines: list[str], moved: dict[int, int]) -> list[Opcode]:
    """The line diff (opcodes in line indices), moved lines kept out of it."""
    # A moved line is compared as a token of its own: paired with nothing, it is never
    # word-diffed against the line that took its place (a copy of one of its sentences,
    # whose words the annotations would then wrongly follow).
    new_targets = {b: a for a, b in moved.items()}
    old_keys = _line_keys(
        [("moved", a) if a in moved else line for a, line in enumerate(old_lines)]
    )
    new_keys = _line_keys(
        [("moved-to", b) if b in new_targets else line for b, line in enumerate(new_lines)]
    )
    lines = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    return [Opcode(*op) for op in lines.get_opcodes()]


def _line_keys(lines: list[object]) -> list[object]:
    """The lines as the line diff compares them: a blank line (the separator between
    paragraphs) with the paragraphs on either side of it. Any blank line equal to any other
    lets the diff pair paragraphs far apart; blank lines as junk cut every run of unchanged
    paragraphs into one-paragraph blocks, and the first block the matcher takes may then
    be a copy of a paragraph elsewhere (its edited original left unpaired, its annotations
    following the copy). Keyed by their neighbours, unchanged paragraphs and the blank
    lines between them make one long run, which the matcher takes first."""
    blank = [isinstance(line, str) and not line.strip() for line in lines]
    before: list[object] = []
    last: object = None
    for line, is_blank in zip(lines, blank, strict=True):
        before.append(last)
        if not is_blank:
            last = line
    keys: list[object] = list(lines)
    following: object = None
    for index in range(len(lines) - 1, -1, -1):
        if blank[index]:
            keys[index] = ("blank", lines[index], before[index], following)
        else:
            following = lines[index]
    return keys


def _edited_moves(
    line_runs: list[Opcode], old_lines: list[str], new_lines: list[str], moved: dict[int, int]
) -> dict[int, int]:
    """Old line index -> new line index for each paragraph that moved *and* was edited (a
    typo fixed, a quotation mark repaired): a line the line diff left out of every
    unchanged run, whose words agree (difflib's ratio at least `_EDITED_LINE`) with exactly
    one new line the diff also left out, in another changed stretch, and that new line with
    no other old one. Without this the line would be word-diffed against whatever took its
    place, and its unchanged words would go to review.

    A line whose edited self lies in the same changed stretch is an edit in place: the word
    diff of the stretch pairs them already."""
    old_run: dict[int, int] = {}
    new_run: dict[int, int] = {}
    for index, run in enumerate(line_runs):
        if run.tag == "equal":
            continue
        for a in range(run.i1, run.i2):
            if a not in moved and len(old_lines[a].strip()) >= _MOVED_LINE_MINIMUM:
                old_run[a] = index
        for b in range(run.j1, run.j2):
            if len(new_lines[b].strip()) >= _MOVED_LINE_MINIMUM:
                new_run[b] = index
    for b in moved.values():
        new_run.pop(b, None)
    if not old_run or not new_run:
        return {}
    new_tokens = {b: _TOKEN.findall(new_lines[b]) for b in new_run}
    new_pairs = {b: _word_pairs(tokens) for b, tokens in new_tokens.items()}
    matches: dict[int, list[int]] = {}
    matched_by: dict[int, list[int]] = {}
    for a in old_run:
        line = old_lines[a]
        tokens_a = _TOKEN.findall(line)
        pairs_a = _word_pairs(tokens_a)
        matcher = SequenceMatcher(None, b=tokens_a, autojunk=False)
        for b, tokens in new_tokens.items():
            other = new_lines[b]
            if 2 * min(len(other), len(line)) < _EDITED_LINE * (len(other) + len(line)):
                continue
            # Two lines one edit apart share most pairs of neighbouring words; two others
            # hardly any. A set intersection is far cheaper than difflib's counts.
            if len(pairs_a & new_pairs[b]) < _SHARED_PAIRS * min(len(pairs_a), len(new_pairs[b])):
                continue
            matcher.set_seq1(tokens)
            if matcher.quick_ratio() >= _EDITED_LINE and matcher.ratio() >= _EDITED_LINE:
                matches.setdefault(a, []).append(b)
                matched_by.setdefault(b, []).append(a)
    return {
        a: bs[0]
        for a, bs in matches.items()
        if len(bs) == 1 and len(matched_by[bs[0]]) == 1 and new_run[bs[0]] != old_run[a]
    }


# A line shorter than this (a word, a dateline) is not taken as moved: it says too little.
_MOVED_LINE_MINIMUM = 20
# Lines whose words agree this much (difflib's ratio) are one line edited.
_EDITED_LINE = 0.8


def _moved_lines(old_lines: list[str], new_lines: list[str]) -> dict[int, int]:
    """Old line index -> new line index for each line that stands once in the old text and
    once in the new, identical (line breaks aside), at another place in the order: a
    paragraph moved. Lines the order keeps are the line diff's business."""
    old_index = _unique_lines(old_lines)
    new_index = _unique_lines(new_lines)
    pairs = sorted((a, new_index[key]) for key, a in old_index.items() if key in new_index)
    if not pairs:
        return {}
    # The longest run of pairs in order (both indices increasing) stays in place; the
    # others moved. Patience-style: a longest increasing subsequence of the new indices.
    kept = _increasing(pairs)
    moved = {a: b for a, b in pairs if (a, b) not in kept}
    # A line that also stands, slightly edited, elsewhere in the new text (a typo fixed in
    # the paragraph, whose single sentence was copied further down) was edited where it
    # stands, not moved: the verbatim line is the copy. Which is which no text can tell;
    # the diff then pairs the line with its edited self and the copy is new text.
    tokens: dict[int, list[str]] = {}
    for a, b in list(moved.items()):
        line = _TOKEN.findall(old_lines[a])
        # The moved line is the matcher's second sequence: indexed once, compared with all.
        matcher = SequenceMatcher(None, b=line, autojunk=False)
        for c, other in enumerate(new_lines):
            # Lengths alone bound the ratio (2 * shorter / both), so most lines cost nothing.
            if c == b or 2 * min(len(other), len(old_lines[a])) < _EDITED_LINE * (
                len(other) + len(old_lines[a])
            ):
                continue
            if c not in tokens:
                tokens[c] = _TOKEN.findall(other)
            matcher.set_seq1(tokens[c])
            if matcher.quick_ratio() >= _EDITED_LINE and matcher.ratio() >= _EDITED_LINE:
                del moved[a]
                break
    return moved


def _unique_lines(lines: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    twice: set[str] = set()
    for index, line in enumerate(lines):
        key = line.rstrip("\r\n")
        if len(key.strip()) < _MOVED_LINE_MINIMUM:
            continue
        if key in seen:
            twice.add(key)
        seen[key] = index
    return {key: index for key, index in seen.items() if key not in twice}


def _increasing(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs of a longest subsequence whose second items increase (pairs sorted by the
    first)."""
    tails: list[int] = []  # tails[k]: index into pairs of the end of a run of length k + 1
    previous: list[int] = [-1] * len(pairs)
    for index, (_, b) in enumerate(pairs):
        at = bisect.bisect_left([pairs[t][1] for t in tails], b)
        previous[index] = tails[at - 1] if at else -1
        if at == len(tails):
            tails.append(index)
        else:
            tails[at] = index
    kept: set[tuple[int, int]] = set()
    index = tails[-1] if tails else -1
    while index != -1:
        kept.add(pairs[index])
        index = previous[index]
    return kept


def _around_moves(
    run: Opcode,
    moved: dict[int, int],
    new_targets: dict[int, int],
    old_blank: Callable[[int], bool],
    new_blank: Callable[[int], bool],
) -> list[Opcode]:
    """A replaced stretch of lines (in line indices) holding moved lines: the moved ones
    deleted (old side) or inserted (new side) as wholes, the stretches between them paired
    in order, the rest deleted or inserted. A stretch of blank lines alone (the separator
    beside a moved paragraph) is never paired: paired with the paragraph an edit left
    beside it, it would leave that paragraph's words nothing to follow."""
    old_parts = _stretches(run.i1, run.i2, moved)
    new_parts = _stretches(run.j1, run.j2, new_targets)
    old_rest = [
        k
        for k, (is_moved, x1, x2) in enumerate(old_parts)
        if not is_moved and not all(old_blank(x) for x in range(x1, x2))
    ]
    new_rest = [
        k
        for k, (is_moved, y1, y2) in enumerate(new_parts)
        if not is_moved and not all(new_blank(y) for y in range(y1, y2))
    ]
    ops: list[Opcode] = []
    o = n = 0  # the next old and new part to place
    i, j = run.i1, run.j1  # where they start

    def drain(old_until: int, new_until: int) -> None:
        nonlocal o, n, i, j
        for _, x1, x2 in old_parts[o:old_until]:
            ops.append(Opcode("delete", x1, x2, j, j))
            i = x2
        for _, y1, y2 in new_parts[n:new_until]:
            ops.append(Opcode("insert", i, i, y1, y2))
            j = y2
        o, n = max(o, old_until), max(n, new_until)

    for k_old, k_new in zip(old_rest, new_rest, strict=False):
        drain(k_old, k_new)
        _, x1, x2 = old_parts[k_old]
        _, y1, y2 = new_parts[k_new]
        ops.append(Opcode("replace", x1, x2, y1, y2))
        i, j, o, n = x2, y2, k_old + 1, k_new + 1
    drain(len(old_parts), len(new_parts))
    return ops


def _stretches(first: int, last: int, moved: dict[int, int]) -> list[tuple[bool, int, int]]:
    """Lines first..last as (moved?, start, end): each moved line alone, the others joined."""
    out: list[tuple[bool, int, int]] = []
    for index in range(first, last):
        flag = index in moved
        if out and not flag and not out[-1][0]:
            out[-1] = (False, out[-1][1], index + 1)
        else:
            out.append((flag, index, index + 1))
    return out


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
    for op in _bridged(runs, lambda op: op.i2 - op.i1 <= _BRIDGE):
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


def _bridged(runs: list[Opcode], is_bridge: Callable[[Opcode], bool]) -> list[Opcode]:
    """Opcodes with short unchanged runs between two changes folded into one change: a lone
    space "kept" between two edited words is usually a misalignment (the word matcher pairs
    any space with any space), which the character diff then undoes; so is a blank line
    kept between two changed paragraphs. `is_bridge` says which unchanged runs are short.
    (SequenceMatcher's opcodes alternate: a change always follows an unchanged run that is
    not the last.)"""
    bridged: list[Opcode] = []
    for index, op in enumerate(runs):
        after_change = bool(bridged) and bridged[-1].tag != "equal"
        short_bridge = op.tag == "equal" and index < len(runs) - 1 and is_bridge(op)
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
    """The diff from `old` to `new`, with look-ups by old and by new offset.

    `opcodes` is the diff in order; `moves` the lines it shows as deleted and inserted that
    are in fact one line, unchanged, at another place (a paragraph moved)."""

    def __init__(self, old: str, new: str, opcodes: Sequence[Opcode] | None = None):
        self.old = old
        self.new = new
        if opcodes is None:
            self.opcodes, self.moves, self._twinned = _diff(old, new)
        else:
            self.opcodes, self.moves, self._twinned = list(opcodes), [], []
        self._equal = [op for op in self.opcodes if op.tag == "equal"]
        self._equal_i1 = [op.i1 for op in self._equal]
        self._equal_j1 = [op.j1 for op in self._equal]
        self._op_i1 = [op.i1 for op in self.opcodes]
        # Everything that maps an old character to a new one, by old and by new offset.
        self._kept_by_i = sorted(self._equal + self.moves, key=lambda op: op.i1)
        self._kept_by_j = sorted(self._kept_by_i, key=lambda op: op.j1)
        self._kept_i1 = [op.i1 for op in self._kept_by_i]
        self._kept_j1 = [op.j1 for op in self._kept_by_j]
        self._changed_new = _without(
            [(op.j1, op.j2) for op in self.opcodes if op.tag != "equal" and op.j2 > op.j1],
            sorted((op.j1, op.j2) for op in self.moves),
        )

    def untouched(self, start: int, end: int) -> tuple[int, int] | None:
        """The span in the new text if the diff left old[start:end] in one unchanged run
        (in place, or in a line that moved)."""
        index = bisect.bisect_right(self._kept_i1, start) - 1
        if index < 0:
            return None
        op = self._kept_by_i[index]
        if op.i1 <= start and end <= op.i2:
            return start - op.i1 + op.j1, end - op.i1 + op.j1
        return None

    def twinned(self, start: int, end: int) -> bool:
        """Whether old[start:end] touches a line the diff keeps that also stands edited
        elsewhere in the new text (see `_twinned_lines`)."""
        # The ranges are sorted and apart: only the last one starting before `end` can
        # reach past `start`.
        index = bisect.bisect_left(self._twinned, (end,)) - 1
        return index >= 0 and self._twinned[index][1] > start

    def moved(self, start: int, end: int) -> bool:
        """Whether old[start:end] lies in a line that moved."""
        return any(op.i1 <= start and end <= op.i2 for op in self.moves)

    def in_unchanged_new_text(self, start: int, end: int) -> bool:
        """Whether new[start:end] lies wholly in an unchanged run (it was in the old text)."""
        index = bisect.bisect_right(self._kept_j1, start) - 1
        if index < 0:
            return False
        op = self._kept_by_j[index]
        return op.j1 <= start and end <= op.j2

    def agrees(self, start: int, end: int, at: int) -> bool:
        """Whether taking old[start:end] to new[at:at + end - start] agrees with the diff
        everywhere it has a say: each character of the span the diff keeps is kept at the
        candidate's matching place, and each character of the candidate that the diff
        calls old text is the span's matching character. A candidate made of some of the
        span's own words and some new ones (a paragraph inserted inside the span, whose
        last words repeat the span's first) is not the span."""
        shift = at - start
        index = max(bisect.bisect_right(self._kept_i1, start) - 1, 0)
        for op in self._kept_by_i[index:]:
            if op.i1 >= end:
                break
            if op.i2 > start and op.j1 - op.i1 != shift:
                return False
        stop = at + end - start
        index = max(bisect.bisect_right(self._kept_j1, at) - 1, 0)
        for op in self._kept_by_j[index:]:
            if op.j1 >= stop:
                break
            if op.j2 > at and op.j1 - op.i1 != shift:
                return False
        return True

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
        """The stretches of the new text that the diff inserted or replaced (moved lines
        aside: they held old text)."""
        return self._changed_new


def _without(ranges: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` less `holes` (both sorted, neither overlapping itself)."""
    if not holes:
        return ranges
    out: list[tuple[int, int]] = []
    for low, high in ranges:
        for hole_low, hole_high in holes:
            if hole_high <= low or hole_low >= high:
                continue
            if hole_low > low:
                out.append((low, hole_low))
            low = max(low, hole_high)
        if low < high:
            out.append((low, high))
    return out


def _context_agreement(anchor: Anchor, text: str, start: int, end: int) -> float:
    """Share of the stored context characters that agree, read outward from the span: those
    up to the first difference, or those at their place (a typo fixed next to the span
    leaves the rest of its context where it was), whichever is more.

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
    leading = at_place = 0
    for pairs in (
        zip(reversed(prefix), reversed(before), strict=False),
        zip(suffix, after, strict=False),
    ):
        unbroken = True
        for stored, found in pairs:
            same = stored == found
            unbroken = unbroken and same
            leading += unbroken
            at_place += same
    return max(leading, at_place) / total


def _fits_line(anchor: Anchor, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] has as much of its paragraph around it as the annotated words
    had: a sentence copied out as a paragraph of its own (its original then deleted) agrees
    with the context up to its edges, and ends where the annotated paragraph went on."""
    before = len(anchor.prefix.rsplit("\n", 1)[-1])
    after = len(anchor.suffix.split("\n", 1)[0])
    line_end = text.find("\n", end)
    room_after = (len(text) if line_end == -1 else line_end) - end
    return start - (text.rfind("\n", 0, start) + 1) >= before and room_after >= after


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
    in_place = text_map.old[anchor.start : anchor.end] == anchor.exact
    if kept is not None and in_place and text_map.moved(anchor.start, anchor.end):
        # Its line stands once in each text, unchanged: the words went with it.
        return Decision(anchor.key, MOVED, kept[0], kept[1], "moved with its paragraph", 1)
    if kept is not None and in_place and text_map.twinned(anchor.start, anchor.end):
        return Decision(
            anchor.key,
            REVIEW,
            kept[0],
            kept[1],
            "the paragraph stands twice, once edited",
            2,
        )
    if kept is not None and in_place:
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
    candidates = [
        at
        for at in _inserted_occurrences(text_map, anchor.exact)
        if not in_place or text_map.agrees(anchor.start, anchor.end, at)
    ]
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
    if _context_agreement(anchor, text_map.new, at, end) < CONTEXT_AGREEMENT or not _fits_line(
        anchor, text_map.new, at, end
    ):
        return Decision(anchor.key, REVIEW, at, end, "the same words in another context", 1)
    return Decision(anchor.key, MOVED, at, end, "moved with the text", 1)


def reanchor(old: str, new: str, anchors: Sequence[Anchor]) -> tuple[TextMap, list[Decision]]:
    """The diff from `old` to `new` and a decision for every anchor, in order."""
    text_map = TextMap(old, new)
    return text_map, [reanchor_one(text_map, anchor) for anchor in anchors]


def anchor_context(text: str, start: int, end: int, length: int) -> tuple[str, str]:
    """The `length` characters before and after text[start:end]."""
    return text[max(0, start - length) : start], text[end : end + length]
