"""The indexing queues: search vectors first, then quote proposals and copies of stories.

A bulk import stores articles with `index_pending` set, so the database's trigger leaves
their search vector NULL (they are not found by search yet), with `copies_pending`, and with
`quotes_pending` when the quote finder should run over them. The indexer drains two queues,
the first before the second:

1. **Search vectors** (`articles_vectors_index`): one UPDATE takes a batch of `index_pending`
   articles and clears the flag, which makes the trigger compute their vectors; it commits
   alone, so an article is searchable after about 1 ms of work instead of waiting for the
   finder and copy detection (about 3 ms more) to finish with its batch.
2. **Follow-up** (`articles_followup`): the quote finder over those that asked for it and
   copy detection over the rest, then `quotes_pending` and `copies_pending` cleared.

Search needs only the vector (`search_vector IS NOT NULL`, which is what its statements
match on); suggestions and copy links appear on the reading page as the second queue
reaches them. The import sends a NOTIFY on INDEX_CHANNEL as it commits, so a worker
(`manage.py index_articles`) waiting on it starts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from articles.models import Article
from articles.services.copies import story_copies_detect
from articles.services.suggestions import suggestions_propose_bulk

INDEX_CHANNEL = "article_index"
INDEX_BATCH_SIZE = 200

# Rows locked by another worker (or by a follow-up batch) are skipped, never waited for; the
# id order keeps the oldest import first. A single statement: it commits on its own.
# The batch is a MATERIALIZED CTE: as an `IN (subquery)` the planner may rescan the
# subquery (a nested loop), and every rescan takes the next rows, past the LIMIT.
_VECTORS_SQL = """
    WITH batch AS MATERIALIZED (
        SELECT id FROM articles_article WHERE index_pending
        ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
    )
    UPDATE articles_article AS a SET index_pending = false
    FROM batch WHERE a.id = batch.id
"""


@dataclass
class IndexBatch:
    indexed: int = 0  # articles taken out of the vectors' queue, now searchable
    followed_up: int = 0  # articles taken out of the follow-up queue (finder, copies)
    suggestions: int = 0  # quote suggestions stored for them
    copies: int = 0  # links to copies of the same story made for them (both directions)

    def __add__(self, other: IndexBatch) -> IndexBatch:
        return IndexBatch(
            self.indexed + other.indexed,
            self.followed_up + other.followed_up,
            self.suggestions + other.suggestions,
            self.copies + other.copies,
        )

    def __bool__(self) -> bool:
        return bool(self.indexed or self.followed_up)


def articles_vectors_index(*, batch_size: int = INDEX_BATCH_SIZE) -> int:
    """Make one batch of queued articles searchable, oldest first: one UPDATE (the trigger
    computes their vectors in it), committed at once unless the caller holds a transaction.
    Returns how many; 0 when the queue is empty or every waiting row is another worker's."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with connection.cursor() as cursor:
        cursor.execute(_VECTORS_SQL, [batch_size])
        return cursor.rowcount


def articles_followup(
    *, batch_size: int = INDEX_BATCH_SIZE, detect_copies: bool = True
) -> IndexBatch:
    """Run the quote finder and copy detection over one batch of the follow-up queue,
    oldest first, in one transaction.

    A fixed number of queries whatever the batch size: the batch, the finder's four
    (speakers, existing annotations, deleted suggestions, one COPY) when any article asked
    for quotes, copy detection's three (`story_copies_detect`: fingerprints, candidates,
    links) when any waits for it and `detect_copies` is on, and one UPDATE that clears the
    flags. Copy detection runs here rather than in the import, which it would slow down by
    about 2 ms an article (bench/copies.py). Rows are taken FOR UPDATE SKIP LOCKED, so
    workers side by side each get their own batch and never wait for one another.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    with transaction.atomic():
        batch = list(
            Article.objects.waiting_for_followup()
            .order_by("id")
            .select_for_update(skip_locked=True)
            .only("id", "quotes_pending", "copies_pending", "body", "content_hash")[:batch_size]
        )
        if not batch:
            return IndexBatch()
        suggestions = suggestions_propose_bulk(articles=[a for a in batch if a.quotes_pending])
        uncopied = [a for a in batch if a.copies_pending]
        copies = story_copies_detect(articles=uncopied) if detect_copies and uncopied else 0
        Article.objects.filter(id__in=[a.id for a in batch]).update(
            quotes_pending=False, copies_pending=False
        )
    return IndexBatch(followed_up=len(batch), suggestions=suggestions, copies=copies)


QUEUES = ("all", "vectors", "followup")


def articles_index(
    *, batch_size: int = INDEX_BATCH_SIZE, detect_copies: bool = True, queue: str = "all"
) -> IndexBatch:
    """One batch of work: vectors while any article waits for one, else a follow-up batch.
    `queue` "vectors" or "followup" takes from that queue only (workers dedicated to one:
    vectors kept up with during a large load, the finder's backlog drained beside them).
    Returns an empty IndexBatch when the queue is empty (for this worker)."""
    if queue not in QUEUES:
        raise ValueError(f"queue must be one of {', '.join(QUEUES)}")
    if queue != "followup" and (indexed := articles_vectors_index(batch_size=batch_size)):
        return IndexBatch(indexed=indexed)
    if queue == "vectors":
        return IndexBatch()
    return articles_followup(batch_size=batch_size, detect_copies=detect_copies)


def articles_index_all(
    *,
    batch_size: int = INDEX_BATCH_SIZE,
    on_batch=None,
    stop=None,
    detect_copies: bool = True,
    queue: str = "all",
) -> IndexBatch:
    """Drain the queues (`queue` as `articles_index` takes it) until no batch is left for
    this worker.

    `on_batch` is called with each batch's IndexBatch (progress). Articles queued while it
    runs are indexed too, their vectors ahead of any follow-up still waiting. `stop()`,
    when given, is asked before each batch: a worker told to stop finishes the batch in
    hand and takes no other.
    """
    total = IndexBatch()
    while not (stop and stop()) and (
        done := articles_index(batch_size=batch_size, detect_copies=detect_copies, queue=queue)
    ):
        total += done
        if on_batch is not None:
            on_batch(done)
    return total
