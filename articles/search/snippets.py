"""Search snippets: what ts_headline is asked for, and putting Turkish dotless ı back into it.

Pure Python, no database: the snippet's HTML (escaping, <mark>) is made at render time by
`articles.rendering.marked_text`.
"""

from __future__ import annotations

import re

# ts_headline re-parses what it is given, in time linear in its length (about 0.2 ms per
# 1,000 characters), so it gets an excerpt this long from just before the first match.
SNIPPET_SOURCE_CHARS = 400
SNIPPET_LEAD_CHARS = 80
# Control characters mark the matched words until the snippet is escaped.
SNIPPET_START, SNIPPET_STOP = "\x02", "\x03"
SNIPPET_DELIMITER = " … "
# ts_headline's options as the page statement passes them.
HEADLINE_OPTIONS = (
    f"StartSel={SNIPPET_START}, StopSel={SNIPPET_STOP}, MaxWords=30, MinWords=15,"
    f' MaxFragments=2, FragmentDelimiter="{SNIPPET_DELIMITER}"'
)


def with_dotless_i(snippet: str, excerpt: str) -> str | None:
    """The snippet ts_headline made of `excerpt` with ı read as i, with each ı back.

    Folding maps character to character, so every character of the snippet is read off the
    excerpt at its place. A fragment starts where its first word next appears; an HTML tag
    ts_headline showed as a space is skipped. None if the two ever disagree.
    """
    folded = excerpt.replace("ı", "i")
    markers = (SNIPPET_START, SNIPPET_STOP)
    out: list[str] = []
    at = 0  # in the excerpt
    i = 0  # in the snippet
    fragment_start = True
    while i < len(snippet):
        if snippet[i] in markers:
            out.append(snippet[i])
            i += 1
            continue
        if snippet.startswith(SNIPPET_DELIMITER, i) and not folded.startswith(
            SNIPPET_DELIMITER, at
        ):
            out.append(SNIPPET_DELIMITER)
            i += len(SNIPPET_DELIMITER)
            fragment_start = True
            continue
        if fragment_start:
            word = re.match(r"[^\s\x02\x03]+", snippet[i:])
            found = folded.find(word.group(), at) if word else -1
            if found < 0:
                return None
            at, fragment_start = found, False
        if at < len(folded) and folded[at] == snippet[i]:
            out.append(excerpt[at])
        elif snippet[i] == " " and folded.startswith("<", at) and ">" in folded[at:]:
            out.append(" ")
            at = folded.index(">", at)
        else:
            return None
        at += 1
        i += 1
    return "".join(out)
