"""Names in the newsroom: how outlet, speaker and tag names compare and become slugs.

Python's and PostgreSQL's ideas of lower case differ for a few letters that Turkish and Greek
news use every day ("İ".lower() is "i̇" in Python but "i" in the database; a final "Σ"
becomes "ς" in Python but "σ" in the database). The unique indexes on names use the
database's lower(), so Python-side keys must agree with it, or one tag becomes two and a
lookup misses what the index then refuses as a duplicate.
"""

from __future__ import annotations

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


def fold_name(name: str) -> str:
    """The case-insensitive key of a name, equal to what PostgreSQL's lower() makes of it."""
    return name.lower().replace("i\u0307", "i").replace("ς", "σ")


def name_slug(text: str, *, max_length: int = 200, fallback: str = "item") -> str:
    """A readable ASCII slug: "Hatice Yıldız" → "hatice-yildiz", "Straße" → "strasse"."""
    return slugify(text.translate(_TRANSLITERATION))[:max_length].strip("-") or fallback


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`… whichever is not in `taken`."""
    taken = set(taken)
    base = base or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
