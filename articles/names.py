"""Names in the newsroom: how outlet, speaker and tag names compare and become slugs.

The unique indexes on names (`outlet_name_ci_unique`, `speaker_name_ci_unique`,
`tag_name_ci_unique`, migration 0001) compare `lower(name)`, and the services look names up
with the same `lower()`: that is what "the same name" means. Python keys that deduplicate
input or match looked-up rows back to it must therefore agree with the database's lower()
exactly, character by character, or one tag becomes two, or a tag just created is not found
(a KeyError, a 500).

PostgreSQL's lower() (libc provider, the embedded cluster's C.UTF-8 and any other libc locale
in UTF-8) maps each character on its own, with the simple one-to-one case mapping. Python's
str.lower() uses the full mapping instead, which differs in exactly two ways: "İ" becomes two
characters ("i" + U+0307) where the database makes "i", and a capital sigma at the end of a
word becomes "ς" where the database makes "σ" (and keeps a typed "ς" as it is).
`tests/test_names.py` checks the agreement against the database for every code point and for
random text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.utils.text import slugify

# Letters that Unicode decomposition does not reduce to ASCII, spelled as newsrooms do.
_TRANSLITERATION = str.maketrans(
    {
        "ı": "i", "İ": "I", "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
        "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th",
        "ð": "d", "Ð": "D",
    }
)  # fmt: skip

# The two characters whose simple lower case (the database's) differs from what str.lower()
# makes of them: replaced by it first, str.lower() then maps every other character as the
# database does (a lone "σ" has no final-sigma context to change it).
_SIMPLE_LOWER = str.maketrans({"İ": "i", "Σ": "σ"})


def fold_name(name: str) -> str:
    """The case-insensitive key of a name, equal to what PostgreSQL's lower() makes of it."""
    return name.translate(_SIMPLE_LOWER).lower()


def name_slug(text: str, *, max_length: int = 200, fallback: str = "item") -> str:
    """A readable slug: ASCII where the name's letters have an ASCII spelling ("Hatice
    Yıldız" → "hatice-yildiz", "Straße" → "strasse"), Unicode where they have none
    ("Κυριάκος" → "κυριάκος", "covid19 Ελλάς" → "covid19-ελλάς", "東京" → "東京") rather than
    a slug that drops them ("covid19") or none at all.

    Names that were ASCII-sluggable before keep exactly the slug they had.
    """
    text = text.translate(_TRANSLITERATION)
    slug = slugify(text, allow_unicode=not _spelled_in_ascii(text))
    return slug[:max_length].strip("-") or fallback


def _spelled_in_ascii(text: str) -> bool:
    """Whether every letter and digit of `text` survives ASCII slugify (which decomposes
    accented letters and drops their marks)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return all(ch.isascii() or not ch.isalnum() for ch in decomposed)


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not in `taken`."""
    taken = set(taken)
    base = base or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
