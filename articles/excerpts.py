"""Cutting a text short for a list, at a word: pure Python, no Django."""

from __future__ import annotations

import re

ELLIPSIS = "…"
# Left dangling before the ellipsis, these read as part of a cut sentence.
_TRAILING = " \t\n\r,;:–—-"
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


def clipped(text: str, limit: int) -> str:
    """`text` whole if it has at most `limit` characters; else its longest run of whole
    words that fits in `limit` with an ellipsis, never a word cut in two (a single word
    longer than `limit` is the one exception: it is cut, there being no boundary before).

    Characters are code points, as everywhere offsets are; trailing spaces and commas
    before the ellipsis are dropped.
    """
    if len(text) <= limit:
        return text
    room = max(limit - len(ELLIPSIS), 1)
    # One character past the room: when it is a space, the cut already falls between words.
    head = text[: room + 1]
    space = _LAST_SPACE.search(head)
    kept = head[: space.start()] if space else head[:room]
    kept = kept.rstrip(_TRAILING) or text[:room]
    return kept + ELLIPSIS
