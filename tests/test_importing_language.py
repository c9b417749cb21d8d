from __future__ import annotations

import pytest

from articles.importing.parsers.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister said on Friday that the plan was approved by the council.", "en"),
        ("Bakan, planın meclis tarafından onaylandığını ve işlerin başladığını söyledi.", "tr"),
        ("ANKARA'DA KIŞ ERKEN GELDİ\n\nÖğrenciler okula ağır kışlıklarla gitti.", "tr"),
        ("Recep Tayyip Erdoğan met the president of the European Commission in Brussels.", "en"),
        ("Bu sabah İstanbul ve Ankara için yeni bir karar açıklandı.", "tr"),
        ("12345 67890", "en"),
        ("", "en"),
    ],
)
def test_it_tells_turkish_from_english(text, expected):
    assert detect_language(text) == expected
