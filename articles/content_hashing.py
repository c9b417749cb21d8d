"""The content hash of an article's text: equal for two exports of one story.

Its own pure module (no Django), shared by the parsers (a parsed file's hash) and the
versions service (a corrected text's hash), which may not import each other's packages.
"""

from __future__ import annotations

import hashlib
import unicodedata

# Sources damage and vary quotation marks freely; folding them keeps two imports of the
# same article (say, one with curly quotes, one with straight) from looking different.
_QUOTE_FOLD = (
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u201e", '"'),
    ("\u201f", '"'),
    ("\u00ab", '"'),
    ("\u00bb", '"'),
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201a", "'"),
    ("\u201b", "'"),
    ("\u2039", "'"),
    ("\u203a", "'"),
)


def content_hash(title: str, body: str) -> str:
    text = unicodedata.normalize("NFC", f"{title}\n{body}").casefold()
    # Chained replace of the few quotes present beats str.translate (a dict lookup per
    # character) several times over on typical bodies.
    for quote, ascii_quote in _QUOTE_FOLD:
        if quote in text:
            text = text.replace(quote, ascii_quote)
    text = " ".join(text.split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
