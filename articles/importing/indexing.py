"""The indexing queue: search vectors and quote proposals for bulk-imported articles.

A bulk import stores articles with `index_pending` set, so the database's trigger leaves
their search vector NULL (they are not found by search yet), and with `quotes_pending`
when the quote finder should run over them. `articles_index` takes a batch of them, runs the
finder over those that asked for it, and clears the flags; clearing `index_pending` makes
the trigger compute the vector. The import sends a NOTIFY on INDEX_CHANNEL as it commits,
so a worker (`manage.py index_articles`) waiting on it starts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from articles.models import Article
from articles.services.copies import story_copies_detect
from articles.services.suggestions import suggestions_propose_bulk

INDEX_CHANNEL = "article_index"
INDEX_BATCH_SIZE = 200


@dataclass
class IndexBatch:
    indexed: int = 0  # articles taken out of the queue, now searchable
    suggestions: int = 0  # quote suggestions stored for them
    copies: int = 0  # links to copies of the same story made for them (both directions)

    def __add__(self, other: IndexBatch) -> IndexBatch:
        return IndexBatch(
            self.indexed + other.indexed,
            self.suggestions + other.suggestions,
            self.copies + other.copies,
        )


def articles_index(*, batch_size: int = INDEX_BATCH_SIZE, detect_copies: bool = True) -> IndexBatch:
    """Index one batch of queued articles, oldest first, in one transaction.

    A fixed number of queries whatever the batch size: the batch, the finder's four (speakers,
    existing annotations, deleted suggestions, one COPY) when any article asked for quotes,
    copy detection's three (`story_copies_detect`: fingerprints, candidates, links) unless
    `detect_copies` is off, and one UPDATE that clears the flags (the trigger computes the
    vectors in it). Copy detection runs here rather than in the import, which it would
    slow down by about 2 ms an article (bench/copies.py). Rows are
    taken FOR UPDATE SKIP LOCKED, so workers running side by side each get their own batch
    and never wait for one another. Returns an empty IndexBatch when the queue is empty.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with transaction.atomic():
        batch = list(
            Article.objects.waiting_for_index()
            .order_by("id")
            .select_for_update(skip_locked=True)
            .only("id", "quotes_pending", "body", "content_hash")[:batch_size]
        )
        if not batch:
            return IndexBatch()
        suggestions = suggestions_propose_bulk(articles=[a for a in batch if a.quotes_pending])
        copies = story_copies_detect(articles=batch) if detect_copies else 0
        Article.objects.filter(id__in=[a.id for a in batch]).update(
            index_pending=False, quotes_pending=False
        )
    return IndexBatch(len(batch), suggestions, copies)


def articles_index_all(
    *, batch_size: int = INDEX_BATCH_SIZE, on_batch=None, stop=None, detect_copies: bool = True
) -> IndexBatch:
    """Drain the queue: `articles_index` until no batch is left for this worker.

    `on_batch` is called with each batch's IndexBatch (progress). Articles queued while it
    runs are indexed too. `stop()`, when given, is asked before each batch: a worker told
    to stop finishes the batch in hand and takes no other.
    """
    total = IndexBatch()
    while (
        not (stop and stop())
        and (done := articles_index(batch_size=batch_size, detect_copies=detect_copies)).indexed
    ):
        total += done
        if on_batch is not None:
            on_batch(done)
    return total
