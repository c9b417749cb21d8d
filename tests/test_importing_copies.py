"""Copies found at import: the indexer links another outlet's copy of a stored story, while
duplicates by content or URL are still reported as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.importing.indexing import articles_index_all
from articles.importing.storing import source_files_import
from articles.models import Article, SourceFile, StoryCopy

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parent.parent / "samples" / "001_felixstowe-strike.txt"
).read_bytes()
URL = (
    b"<https://www.reuters.com/business/felixstowe-dockworkers-begin-eight-day-strike-2025-03-14/>"
)
# Another outlet's copy: its own headline and address, the last paragraph trimmed.
COPY = (
    SAMPLE.replace(
        b"FELIXSTOWE DOCKERS WALK OUT AS PAY TALKS COLLAPSE", b"DOCKERS STRIKE AT FELIXSTOWE"
    )
    .replace(URL, b"<https://bugle.example.org/felixstowe-strike>")
    .replace(b"Gallagher said the union was ready", b"")
    .replace(b"Reuters (14 March 2025)", b"Daily Bugle (15 March 2025)")
)


def test_the_indexer_links_a_copy_and_duplicates_stay_duplicates():
    first, copy = source_files_import(files=[("reuters.txt", SAMPLE), ("bugle.txt", COPY)])
    assert (first.status, copy.status) == (SourceFile.Status.IMPORTED, SourceFile.Status.IMPORTED)
    assert articles_index_all().copies == 2
    assert StoryCopy.objects.filter(article=first.article, copy=copy.article).exists()
    again = source_files_import(files=[("reuters-again.txt", SAMPLE)])
    assert [r.status for r in again] == [SourceFile.Status.DUPLICATE]
    assert articles_index_all().indexed == 0
    assert Article.objects.count() == 2 and StoryCopy.objects.count() == 2
