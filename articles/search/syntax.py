"""The search box's syntax: PostgreSQL's web-search syntax, plus a prefix on the last word.

Pure Python, no database. `parse` reads what a reader types the way `websearch_to_tsquery`
does ("exact phrase", `or` between alternatives, `-word` to leave out) and returns a
`SearchQuery`, which writes it as `to_tsquery` input, the one form that also takes a
prefix (`soleiman:*`): search as you type finds Soleimani from "Soleiman". Each word is
passed quoted, so the database's configuration still stems, folds and drops stop words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The last word is matched as a prefix once it has this many characters: a shorter
# prefix reads a large part of the index ("a:*") for results nobody wanted yet.
PREFIX_MIN_CHARS = 3
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w")
_PLAIN_WORD = re.compile(r"\w+")
_EDGES = re.compile(r"^\W+|\W+$")


def _quoted(text: str) -> str:
    """`text` as one quoted to_tsquery operand: inside quotes, only \\ and ' are special."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class Term:
    """A word or a "quoted phrase", as typed (a phrase's words joined by single spaces)."""

    text: str
    negated: bool = False
    phrase: bool = False
    prefix: bool = False

    def tsquery(self) -> str:
        # A quoted operand of several words is a phrase to to_tsquery ('a' <-> 'b').
        return ("!" if self.negated else "") + _quoted(self.text) + (":*" if self.prefix else "")


@dataclass(frozen=True)
class SearchQuery:
    """Alternatives (`or`), each a tuple of terms that must all hold, as websearch_to_tsquery
    groups them (`a b or c` is a & b, or c). Alternatives with nothing but left-out terms
    are dropped: alone, "-trump" would match every story without the word."""

    alternatives: tuple[tuple[Term, ...], ...]

    @property
    def is_empty(self) -> bool:
        """Nothing to look for (only left-out words, or no word at all)."""
        return not self.alternatives

    def tsquery_alternatives(self) -> list[str]:
        """Each alternative as to_tsquery input (all its terms)."""
        return [" & ".join(term.tsquery() for term in group) for group in self.alternatives]

    def tsquery(self) -> str:
        """The whole query as to_tsquery input: & binds tighter than |, as in web search."""
        return " | ".join(f"({group})" for group in self.tsquery_alternatives())

    def guarded_alternatives(self) -> list[str]:
        """The terms to find of each alternative that also leaves words out. If they are all
        stop words, the database drops them and the alternative would be its left-out
        words alone, matching nearly everything: the statements then find nothing
        (`numnode(...) > 0`, see `queries.conditions`)."""
        return [
            " & ".join(term.tsquery() for term in group if not term.negated)
            for group in self.alternatives
            if any(term.negated for term in group)
        ]

    def excluded_tsquery(self) -> str:
        """Every left-out term, as one to_tsquery alternative ("" when there is none): a
        story with any of them is not found through its notes or speakers either."""
        return " | ".join(
            _quoted(term.text) for group in self.alternatives for term in group if term.negated
        )

    def words(self) -> str:
        """The words to find, space-separated: what snippets look for in the body."""
        return " ".join(
            term.text for group in self.alternatives for term in group if not term.negated
        )


def parse(text: str) -> SearchQuery:
    """`text` in web-search syntax. Never fails: stray quotes, dashes and `or`s are read the
    way websearch_to_tsquery reads them (an unclosed quote runs to the end; a lone `-` or an
    `or` with nothing on one side is ignored)."""
    # PostgreSQL takes no NUL in text; the form refuses one, the API may pass it on.
    text = text.replace("\x00", " ")
    alternatives: list[tuple[Term, ...]] = []
    group: list[Term] = []
    last: Term | None = None
    for match in _TOKEN.finditer(text):
        negated, phrase, word = bool(match[1]), match[2], match[3]
        if word is not None and not negated and word.lower() == "or":
            if group:
                alternatives.append(tuple(group))
            group, last = [], None
            continue
        # A word's edge punctuation ("iraq,", "(milley") is no part of it, as for websearch.
        content = " ".join(phrase.split()) if phrase is not None else _EDGES.sub("", word)
        if not _WORD.search(content):
            continue
        last = Term(content, negated=negated, phrase=phrase is not None)
        group.append(last)
    if group:
        alternatives.append(tuple(group))
    # The last word typed, if plain, is matched as a prefix: search as you type.
    if (
        last is not None
        and alternatives
        and alternatives[-1][-1] is last
        and not last.negated
        and not last.phrase
        and len(last.text) >= PREFIX_MIN_CHARS
        and _PLAIN_WORD.fullmatch(last.text)
    ):
        prefixed = Term(last.text, prefix=True)
        alternatives[-1] = (*alternatives[-1][:-1], prefixed)
    return SearchQuery(
        alternatives=tuple(group for group in alternatives if any(not t.negated for t in group))
    )
