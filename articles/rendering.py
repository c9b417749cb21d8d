"""Turn an article body and its annotations into HTML with `<mark>` elements.

Guarantees: the text content of the output equals the body's blocks exactly (nothing lost or
doubled), whatever the annotations: overlapping, nested, adjacent, spanning blocks, or
around astral characters (offsets are code points, i.e. Python string indices). A sweep over
sorted boundaries keeps it O((n + b) log n) for n annotations and b blocks.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    id: int
    start: int
    end: int
    kind: str
    css: str = ""  # extra classes, e.g. "is-suggested"
    label: str = ""  # shown on hover/focus; screen readers get it via the list


def _blocks(body: str, structure: Sequence[dict]) -> list[tuple[str, int, int]]:
    if structure:
        return [(b["kind"], b["start"], b["end"]) for b in structure]
    # Articles without stored structure: one paragraph per blank-line-separated block.
    blocks, pos = [], 0
    for part in body.split("\n\n"):
        blocks.append(("paragraph", pos, pos + len(part)))
        pos += len(part) + 2
    return blocks


def _open_tag(mark: Mark, first: bool) -> str:
    classes = f"ann ann-{mark.kind}{' ' + mark.css if mark.css else ''}"
    attrs = f' class="{classes}" data-annotation="{mark.id}"'
    if first:
        attrs += f' id="annotation-{mark.id}" tabindex="0"'
    if mark.label:
        attrs += f' title="{escape(mark.label)}"'
    return f"<mark{attrs}>"


def render_body(body: str, structure: Sequence[dict], marks: Iterable[Mark]) -> SafeString:
    ordered = sorted(
        (m for m in marks if 0 <= m.start < m.end <= len(body)), key=lambda m: (m.start, -m.end)
    )
    out: list[str] = []
    next_mark = 0  # index into ordered of the first mark not yet opened
    active: list[tuple[int, int, Mark]] = []  # heap of (end, order, mark)
    opened: set[int] = set()
    for kind, block_start, block_end in _blocks(body, structure):
        tag = "h2" if kind == "heading" else "p"
        out.append(f'<{tag} data-start="{block_start}">')
        pos = block_start
        while pos < block_end:
            while active and active[0][0] <= pos:
                heapq.heappop(active)
            while next_mark < len(ordered) and ordered[next_mark].start <= pos:
                mark = ordered[next_mark]
                if mark.end > pos:
                    heapq.heappush(active, (mark.end, next_mark, mark))
                next_mark += 1
            stop = block_end
            if active:
                stop = min(stop, active[0][0])
            if next_mark < len(ordered):
                stop = min(stop, max(ordered[next_mark].start, pos + 1))
            text = escape(body[pos:stop])
            # Outer (earlier, longer) marks wrap inner ones.
            covering = [m for _, _, m in sorted(active, key=lambda item: item[1])]
            for mark in covering:
                out.append(_open_tag(mark, mark.id not in opened))
                opened.add(mark.id)
            out.append(text)
            out.append("</mark>" * len(covering))
            pos = stop
        out.append(f"</{tag}>\n")
    return mark_safe("".join(out))  # noqa: S308 - every text piece is escaped above
