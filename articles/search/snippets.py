"""Search snippets: what ts_headline is asked for, and the first sentence of a story.

Pure Python, no database: the snippet's HTML (escaping, <mark>) is made at render time by
`articles.rendering.marked_text`. ts_headline runs in the `newsreader` configuration on the
text as written, so it marks "Ağaoğlu" for "agaoglu" with every letter as the text has it.
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
# Titles and quotes are short: every matching word marked, nothing cut.
WHOLE_TEXT_OPTIONS = f"StartSel={SNIPPET_START}, StopSel={SNIPPET_STOP}, HighlightAll=true"
# A quote in the results is cut after this many characters, at a word.
QUOTE_CHARS = 280

# A sentence ends at . ! ? (or an ellipsis), maybe followed by closing quotes or brackets,
# then the end or a space and no lower-case letter: "U.S. officials said" goes on.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?=\s*$|\s+[^a-z\s])")
# One sentence of a title-only match is enough; a longer one is cut at a word.
FIRST_SENTENCE_CHARS = 240


def shortened(text: str, limit: int) -> str:
    """`text` cut at the last space within `limit` characters, with an ellipsis; whole when
    it fits. Marks (SNIPPET_START/STOP) opened before the cut are closed."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    kept = text[: cut if cut > 0 else limit].rstrip(" ,;:")
    if kept.count(SNIPPET_START) > kept.count(SNIPPET_STOP):
        kept += SNIPPET_STOP
    return kept + "…"


def first_sentence(text: str) -> str:
    """The first sentence of `text` (a story's opening), at most FIRST_SENTENCE_CHARS long,
    never cut inside a word. Line breaks end a sentence too (a heading, a dateline)."""
    text = text.strip()
    line = text.split("\n", 1)[0].strip()
    end = _SENTENCE_END.search(line)
    sentence = line[: end.end()] if end else line
    return shortened(sentence, FIRST_SENTENCE_CHARS)
