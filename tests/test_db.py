"""Tests for articles.db: the binary COPY insert and id allocation."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from articles.db import allocate_ids, copy_rows
from articles.models import Annotation, Article, Outlet, SourceFile, Speaker
from tests.factories import make_article, make_outlet, make_speaker, make_user

pytestmark = pytest.mark.django_db


def test_allocate_ids_gives_each_model_unique_increasing_ids_in_one_query():
    with CaptureQueries() as queries:
        source_ids, article_ids, none = allocate_ids((SourceFile, 3), (Article, 2), (Outlet, 0))
    assert len(queries) == 1
    assert len(source_ids) == 3 and len(article_ids) == 2 and none == []
    assert source_ids == sorted(set(source_ids)) and article_ids == sorted(set(article_ids))
    (again,) = allocate_ids((SourceFile, 2))
    assert min(again) > max(source_ids)


def test_allocated_ids_are_free_for_rows_and_never_taken_by_the_database():
    [pk] = allocate_ids((Outlet, 1))[0]
    outlet = Outlet(pk=pk, name="Copied", slug="copied")
    copy_rows([outlet])
    later = make_outlet("Created after")
    assert Outlet.objects.get(pk=pk).name == "Copied"
    assert later.pk > pk


def test_copy_rows_stores_bytes_json_null_dates_and_timestamps():
    outlet = make_outlet()
    source_id, article_id = (ids[0] for ids in allocate_ids((SourceFile, 1), (Article, 1)))
    article = Article(
        pk=article_id,
        title="Copied in",
        slug="copied-in",
        published_on=datetime.date(2021, 3, 4),
        outlet=outlet,
        body="One.\n\nTwo.",
        structure=[
            {"kind": "paragraph", "start": 0, "end": 4},
            {"kind": "paragraph", "start": 6, "end": 10},
        ],
        content_hash="c" * 64,
        source_file_id=source_id,
    )
    source = SourceFile(
        pk=source_id,
        name="copied.txt",
        content=b"\x00\xffraw bytes",
        size=12,
        sha256="d" * 64,
        status=SourceFile.Status.IMPORTED,
        article=article,
        imported_by=None,
    )
    with transaction.atomic():  # each points at the other: the foreign keys wait for commit
        copy_rows([source])
        copy_rows([article])
    assert not source._state.adding and source._state.db == connection.alias
    stored = SourceFile.objects.get(pk=source_id)
    assert bytes(stored.content) == b"\x00\xffraw bytes"
    assert stored.status == "imported"
    assert stored.imported_by is None
    assert stored.imported_at is not None  # auto_now_add computed on the way in
    assert stored.article_id == article_id
    copied = Article.objects.get(pk=article_id)
    assert copied.structure == article.structure
    assert copied.published_on == datetime.date(2021, 3, 4)
    assert copied.source_file_id == source_id
    assert copied.created_at is not None


def test_copy_rows_lets_the_database_number_rows_without_a_primary_key():
    article = make_article()
    speaker = make_speaker()
    user = make_user()
    rows = [
        Annotation(
            article=article,
            kind=Annotation.Kind.QUOTE,
            status=Annotation.Status.SUGGESTED,
            start=start,
            end=start + 5,
            exact=article.body[start : start + 5],
            speaker=speaker if start else None,
            author=user,
        )
        for start in (0, 10)
    ]
    copy_rows(rows)
    stored = list(Annotation.objects.filter(article=article).order_by("start"))
    assert [a.start for a in stored] == [0, 10]
    assert [a.speaker_id for a in stored] == [None, speaker.pk]
    assert len({a.pk for a in stored}) == 2


def test_copy_rows_of_nothing_sends_nothing():
    with CaptureQueries() as queries:
        copy_rows([])
    assert queries == []


def test_copy_rows_raises_django_errors():
    existing = make_outlet("Taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows([Outlet(pk=existing.pk, name="Again", slug="again")])


def test_copy_rows_copies_array_columns():
    [pk] = allocate_ids((Speaker, 1))[0]
    copy_rows([Speaker(pk=pk, name="Ayşe Yılmaz", slug="ayse-yilmaz", aliases=["Yılmaz", "A. Y."])])
    assert Speaker.objects.get(pk=pk).aliases == ["Yılmaz", "A. Y."]


class CaptureQueries:
    """The statements run inside the block (COPY included, which Django's own capture
    misses)."""

    def __enter__(self) -> list[str]:
        self.queries: list[str] = []
        self._wrapper = connection.execute_wrapper(self._record)
        self._wrapper.__enter__()
        return self.queries

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)

    def _record(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)
