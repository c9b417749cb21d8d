"""The indexing queues: the search-vector trigger, `articles_index`, and search around it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connections, transaction

from articles.importing.indexing import (
    IndexBatch,
    articles_followup,
    articles_index,
    articles_index_all,
    articles_vectors_index,
)
from articles.importing.storing import source_files_import
from articles.models import ARTICLE_SEARCH_VECTOR, Annotation, Article
from articles.services.suggestions import suggestions_propose_bulk
from tests.factories import make_annotation, make_article, make_speaker
from tests.test_importing_storing import article_of
from tests.test_services_suggestions import SOURCE
from tests.test_views_search import titles

pytestmark = pytest.mark.django_db

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples").glob("*.txt"))


def vector(article: Article) -> str | None:
    return Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)


def expected_vector(article: Article) -> str:
    """ARTICLE_SEARCH_VECTOR computed by the ORM, which the trigger in
    articles/sql/article_search_vector.sql must agree with."""
    return (
        Article.objects.annotate(expected=ARTICLE_SEARCH_VECTOR)
        .values_list("expected", flat=True)
        .get(pk=article.pk)
    )


def sources(count: int) -> list[tuple[str, bytes]]:
    return [
        (f"{n}.txt", SOURCE.replace("collapse", f"collapse {n}").encode()) for n in range(count)
    ]


def test_an_ordinary_create_gets_its_vector_at_once():
    article = make_article(title="Pentagon denies withdrawal", summary="Iraq ılık")
    searched = vector(article)
    assert searched == expected_vector(article)
    assert searched is not None
    assert "'pentagon':1A" in searched and "'ilik'" in searched
    assert Article.objects.filter(search_vector="pentagon").exists()


def test_editing_the_text_recomputes_the_vector():
    article = make_article(title="Pentagon denies withdrawal")
    article.title = "Baghdad talks"
    article.body = "Sanctions were threatened."
    article.save()
    assert vector(article) == expected_vector(article)
    assert Article.objects.filter(search_vector="sanction").exists()
    assert not Article.objects.filter(search_vector="pentagon").exists()
    Article.objects.filter(pk=article.pk).update(summary="Ankara responds")
    assert Article.objects.filter(search_vector="ankara").exists()


def test_a_save_that_changes_no_text_keeps_the_vector():
    article = make_article(title="Pentagon denies withdrawal")
    before = vector(article)
    article.refresh_from_db()
    article.agency = "AP"
    article.save()
    assert vector(article) == before


def test_a_pending_article_has_no_vector_until_the_queue_flag_is_cleared():
    article = make_article(title="Pentagon denies withdrawal", index_pending=True)
    assert vector(article) is None
    # Text edits while it waits leave it waiting.
    Article.objects.filter(pk=article.pk).update(title="Pentagon confirms withdrawal")
    assert vector(article) is None
    Article.objects.filter(pk=article.pk).update(index_pending=False)
    searched = vector(article)
    assert searched == expected_vector(article)
    assert searched is not None
    assert "'confirm'" in searched


def test_an_import_leaves_articles_waiting_without_suggestions():
    results = source_files_import(files=sources(3))
    ids = [article_of(r).pk for r in results]
    assert Article.objects.waiting_for_index().filter(pk__in=ids).count() == 3
    assert set(Article.objects.filter(pk__in=ids).values_list("search_vector", flat=True)) == {None}
    assert not Annotation.objects.exists()


def test_search_finds_an_imported_article_only_once_indexed(client):
    source_files_import(files=[("a.txt", SOURCE.encode())])
    assert titles(client.get("/search/?q=union").content.decode()) == []
    articles_index_all()
    assert titles(client.get("/search/?q=union").content.decode()) == ["Port strike talks collapse"]


def test_the_indexer_computes_the_vectors_and_proposes_quotes():
    make_speaker("Janet Yellen", aliases=["Yellen"])
    results = source_files_import(files=[(p.name, p.read_bytes()) for p in SAMPLES])
    done = articles_index_all(batch_size=3)
    assert done.indexed == len(SAMPLES)
    assert not Article.objects.waiting_for_index().exists()
    for result in results:
        assert vector(article_of(result)) == expected_vector(article_of(result))
    assert done.suggestions == Annotation.objects.suggested().count() > len(SAMPLES)


def test_the_indexer_proposes_exactly_what_the_import_proposed_inline():
    make_speaker("Janet Yellen", aliases=["Yellen"])
    results = source_files_import(files=[(p.name, p.read_bytes()) for p in SAMPLES])
    articles_index_all()
    fields = ("article_id", "start", "end", "exact", "speaker_id", "proposed_speaker")
    queued = set(Annotation.objects.suggested().values_list(*fields))
    Annotation.objects.all().delete()
    # The call the import made for each chunk's new articles before the queue existed.
    suggestions_propose_bulk(articles=[article_of(r) for r in results])
    assert set(Annotation.objects.suggested().values_list(*fields)) == queued


def test_articles_imported_without_quotes_are_indexed_without_suggestions():
    source_files_import(files=sources(2), propose_quotes=False)
    source_files_import(files=[("a.txt", SOURCE.encode())])
    done = articles_index_all()
    assert (done.indexed, done.suggestions) == (3, 1)
    assert Annotation.objects.get().article.title == "Port strike talks collapse"


def test_an_editors_annotation_made_while_waiting_is_not_proposed_again():
    [result] = source_files_import(files=[("a.txt", SOURCE.encode())])
    article = article_of(result)
    start = article.body.index("We are not")
    make_annotation(article, start, start + 26, Annotation.Kind.QUOTE)
    assert articles_index_all().suggestions == 0


STORY = (
    "expires on Friday. The union said its members at the port would meet on Saturday to "
    "decide whether to extend the strike into a second week, and the managers said they "
    "were ready to return to talks at any time."
)


@pytest.mark.parametrize("count", [5, 50])
def test_a_batch_costs_the_same_queries_whatever_its_size(count, django_assert_num_queries):
    # Long enough to fingerprint, and copies of one story: every one links to every other.
    files = [
        (name, data.replace(b"expires on Friday.", STORY.encode())) for name, data in sources(count)
    ]
    source_files_import(files=files)
    # The vectors' queue first: one UPDATE (the trigger computes the vectors in it).
    with django_assert_num_queries(1):
        assert articles_index(batch_size=100) == IndexBatch(indexed=count)
    # Then the follow-up: the vectors' UPDATE finding none, savepoint pair, the batch,
    # speakers, annotations, deleted suggestions, one COPY, copy detection's three
    # (fingerprints, candidates, links: the sources are copies of one story) and the UPDATE
    # that clears the flags.
    with django_assert_num_queries(12):
        done = articles_index(batch_size=100)
    assert (done.indexed, done.followed_up, done.suggestions) == (0, count, count)
    assert done.copies == count * (count - 1)
    # Both queues empty: the UPDATE, then the savepoint pair around an empty batch.
    with django_assert_num_queries(4):
        assert not articles_index(batch_size=100)


def test_articles_are_searchable_before_the_finder_and_copy_detection_run(client):
    source_files_import(files=[("a.txt", SOURCE.encode()), ("b.txt", SOURCE.encode())])
    assert articles_vectors_index() == 1  # b.txt is a duplicate of a.txt: one article
    assert titles(client.get("/search/?q=union").content.decode()) == ["Port strike talks collapse"]
    article = Article.objects.get()
    assert (article.quotes_pending, article.copies_pending) == (True, True)
    assert not Annotation.objects.exists()
    assert Article.objects.waiting_for_followup().count() == 1
    done = articles_followup()
    assert (done.followed_up, done.suggestions) == (1, 1)
    assert not Article.objects.waiting_for_followup().exists()


def test_vectors_are_drained_ahead_of_a_waiting_follow_up():
    source_files_import(files=sources(3))
    batches: list[IndexBatch] = []
    articles_index_all(batch_size=2, on_batch=batches.append)
    assert [(b.indexed, b.followed_up) for b in batches] == [(2, 0), (1, 0), (0, 2), (0, 1)]


def test_copy_detection_runs_once_an_article_even_when_the_finder_was_not_asked():
    files = [
        (name, data.replace(b"expires on Friday.", STORY.encode())) for name, data in sources(3)
    ]
    source_files_import(files=files, propose_quotes=False)
    done = articles_index_all()
    assert (done.indexed, done.followed_up, done.suggestions, done.copies) == (3, 3, 0, 6)
    assert not articles_index_all()


def test_batches_take_the_oldest_first_and_stop_at_the_batch_size():
    results = source_files_import(files=sources(5))
    assert articles_index(batch_size=2).indexed == 2
    waiting = set(Article.objects.waiting_for_index().values_list("id", flat=True))
    assert waiting == {article_of(r).pk for r in results[2:]}
    for index in (articles_index, articles_vectors_index, articles_followup):
        with pytest.raises(ValueError):
            index(batch_size=0)


def test_a_drain_told_to_stop_finishes_the_batch_in_hand_and_takes_no_other():
    source_files_import(files=sources(5))
    batches: list[IndexBatch] = []
    done = articles_index_all(batch_size=2, on_batch=batches.append, stop=lambda: len(batches) == 1)
    assert done.indexed == 2 and len(batches) == 1
    assert Article.objects.waiting_for_index().count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_index_the_same_article():
    source_files_import(files=sources(40), propose_quotes=True)
    # One worker holds its batch (rows locked, transaction open) while the other runs.
    holding, release = threading.Event(), threading.Event()
    first_batch: list[int] = []

    def first_worker() -> None:
        try:
            with transaction.atomic():
                rows = list(
                    Article.objects.waiting_for_index()
                    .order_by("id")
                    .select_for_update(skip_locked=True)
                    .values_list("id", flat=True)[:10]
                )
                first_batch.extend(rows)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert holding.wait(10)
    # The second worker (this connection) skips the locked ten and takes the rest.
    done = articles_index_all(batch_size=7)
    release.set()
    thread.join(10)
    # Both queues skip the ten rows the other worker holds.
    assert (done.indexed, done.followed_up) == (30, 30)
    assert Article.objects.waiting_for_index().count() == 10
    assert set(Article.objects.waiting_for_index().values_list("id", flat=True)) == set(first_batch)
    # Every article got its suggestion exactly once.
    assert articles_index_all().indexed == 10
    assert Annotation.objects.suggested().count() == 40
