"""Headlines for display: one written in capitals, as some sources send them ("PENTAGON SAYS
LETTER WAS AN 'HONEST MISTAKE'"), reads as shouting at headline size, so pages show it in
sentence case ("Pentagon says letter was an 'honest mistake'"). Only the display changes:
the title stays exactly as written in the data, the JSON-LD, the feeds and the source
metadata.

Pure (text in, text out). Turkish and Azerbaijani have two i's: dotted İ/i and dotless I/ı,
so "KURAKLIK" is "kuraklık" there and "İSTANBUL" is "İstanbul", never Python's "i̇" (i with
a combining dot, what str.lower() makes of İ).
"""

from __future__ import annotations

import re

# Fewer cased letters than this is an acronym or a label ("NATO", "UPDATE"), not shouting.
MIN_CASED_LETTERS = 8
# Written with dots between capitals ("U.S.", "U.N."): kept as written.
DOTTED_ABBREVIATION = re.compile(r"^\W*(?:\w\.){2,}\W*$")
SENTENCE_END = ".!?"
DOTTED_LANGUAGES = {"tr", "az"}


def is_shouting(title: str) -> bool:
    """Written in capitals: at least MIN_CASED_LETTERS letters that have a case, and none of
    them lower case."""
    cased = [ch for ch in title if ch.lower() != ch.upper()]
    return len(cased) >= MIN_CASED_LETTERS and not any(ch.islower() for ch in cased)


def _lower(ch: str, dotted: bool) -> str:
    if dotted and ch == "I":
        return "ı"
    if ch == "İ":
        return "i"
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


def sentence_case(title: str, language: str = "") -> str:
    """`title` in sentence case when it is written in capitals (see `is_shouting`), else
    unchanged: lower case but for the first letter of each sentence, abbreviations written
    with dots kept. Every character keeps its place (the same number of code points), so
    the result only ever differs from `title` in case."""
    if not is_shouting(title):
        return title
    dotted = language.split("-")[0].lower() in DOTTED_LANGUAGES
    words = re.split(r"(\s+)", title)
    capital_next = True
    out = []
    for word in words:
        if not word or word.isspace():
            out.append(word)
            continue
        if DOTTED_ABBREVIATION.match(word):
            out.append(word)
            capital_next = False
            continue
        chars = []
        for ch in word:
            if ch.lower() != ch.upper():
                # A sentence's first letter is already a capital: kept as written (İ stays İ).
                chars.append(ch if capital_next else _lower(ch, dotted))
                capital_next = False
            else:
                chars.append(ch)
        out.append("".join(chars))
        if word[-1] in SENTENCE_END:
            capital_next = True
    return "".join(out)
