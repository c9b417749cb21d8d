"""The attack suite's concurrency test (issue 16): several editors on one article at once.

Each editor has its own thread and database connection; a barrier releases them together.
Every editor creates annotations (quotes with new speakers whose names clash in case or
share a slug, tags likewise), edits the same shared annotations as every other editor, and
deletes and restores some of its own. Then nothing may be lost (every write that returned is
in the data), nothing duplicated (one row per name, per span and kind, per write), and every
annotation's history must replay to its current state.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from django.db import connection

from articles.models import Annotation, AnnotationRevision, Speaker, Tag
from articles.names import fold_name
from articles.revisions import annotation_snapshot
from articles.services.annotations import (
    AnnotationFields,
    annotation_create,
    annotation_delete,
    annotation_restore,
    annotation_update,
)
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Small enough for `make test`; the attack ran 20 editors × 50 creates:
# CONCURRENCY_EDITORS=20 CONCURRENCY_CREATES=50 pytest tests/test_attack_concurrency.py
EDITORS = int(os.getenv("CONCURRENCY_EDITORS", "6"))
OWN = max(2, int(os.getenv("CONCURRENCY_CREATES", "5")))  # per editor, on spans of its own
SHARED = 6  # annotations every editor edits
TAGS = ["X Tag", "X-Tag", "x tag", "Ελλάς", "ΕΛΛΆΣ", "Київ", "東京", "X Tag!"]
SPEAKERS = ["Ann Lee", "ANN LEE", "Ann-Lee", "Bo Ek", "Κυριάκος", "bo ek"]
Action = AnnotationRevision.Action


def body() -> str:
    words = [f"w{n:03d}" for n in range(EDITORS * OWN + SHARED)]
    return " ".join(words) + "."


def span(text: str, word: int) -> dict:
    exact = f"w{word:03d}"
    start = text.index(exact)
    return {"start": start, "end": start + len(exact), "exact": exact}


def test_editors_creating_and_editing_one_article_at_once_lose_and_duplicate_nothing():
    article = make_article(body=body())
    editors = [make_user(editor=True) for _ in range(EDITORS)]
    shared = [
        annotation_create(
            article=article,
            fields=AnnotationFields(kind="highlight"),
            user=editors[0],
            **span(article.body, EDITORS * OWN + n),
        ).pk
        for n in range(SHARED)
    ]
    barrier = threading.Barrier(EDITORS)
    created: list[int] = []
    writes = Counter[str]()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def done(action: str, pk: int | None = None) -> None:
        with lock:
            writes[action] += 1
            if pk is not None:
                created.append(pk)

    def edit(i: int) -> None:
        user = editors[i]
        try:
            barrier.wait()
            mine = []
            for n in range(OWN):
                quote = n % 2 == 0
                fields = AnnotationFields(
                    kind="quote" if quote else "highlight",
                    speaker_name=SPEAKERS[(i + n) % len(SPEAKERS)] if quote else "",
                    new_speaker=quote,
                    tag_names=[TAGS[(i + n) % len(TAGS)], TAGS[(i * n) % len(TAGS)]],
                    note=f"editor {i} note {n}",
                )
                annotation = annotation_create(
                    article=article, fields=fields, user=user, **span(article.body, i * OWN + n)
                )
                mine.append(annotation.pk)
                done(Action.CREATED, annotation.pk)
            for n, pk in enumerate(shared):  # everyone edits every shared annotation
                fields = AnnotationFields(
                    kind="highlight", tag_names=[TAGS[(i + n) % len(TAGS)]], note=f"by {i}"
                )
                annotation_update(annotation_id=pk, user=user, fields=fields)
                done(Action.UPDATED)
            annotation_delete(annotation_id=mine[0], user=user)
            done(Action.DELETED)
            annotation_restore(annotation_id=mine[0], user=user)
            done(Action.RESTORED)
            annotation_delete(annotation_id=mine[1], user=user)
            done(Action.DELETED)
        except BaseException as error:  # every failure is reported
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    # Nothing lost: every create that returned is there, but for the one each editor deleted;
    # every write that returned has its revision.
    assert len(created) == len(set(created)) == EDITORS * OWN
    deleted_for_good = EDITORS
    assert Annotation.objects.count() == SHARED + EDITORS * OWN - deleted_for_good
    revisions = Counter(AnnotationRevision.objects.values_list("action", flat=True))
    assert revisions == writes + Counter({Action.CREATED: SHARED})
    assert revisions[Action.UPDATED] == EDITORS * SHARED

    # Nothing duplicated: one tag and one speaker per name (as the database compares names),
    # slugs unique, one published annotation per span and kind.
    for rows, names in [(Tag.objects.all(), TAGS), (Speaker.objects.all(), SPEAKERS)]:
        stored = [fold_name(name) for name in rows.values_list("name", flat=True)]
        assert sorted(stored) == sorted({fold_name(name) for name in names}), rows.model
        assert len(set(rows.values_list("slug", flat=True))) == len(stored)
    spans = Counter(Annotation.objects.values_list("start", "end", "kind"))
    assert max(spans.values()) == 1

    # Histories consistent: each annotation's revisions, in the order they were written,
    # chain (each one starts where the last ended) and replay to its current state.
    current = {
        a.pk: annotation_snapshot(a)
        for a in Annotation.objects.select_related("speaker").prefetch_related("tags")
    }
    histories: dict[int, list[AnnotationRevision]] = {}
    for revision in AnnotationRevision.objects.order_by("id"):
        histories.setdefault(revision.annotation_id, []).append(revision)
    assert set(histories) == set(created) | set(shared)
    for pk, history in histories.items():
        assert history[0].action == Action.CREATED and history[0].before is None, pk
        state, before_deletion = history[0].after, None
        for revision in history[1:]:
            if revision.action == Action.RESTORED:
                # Back as it was when deleted, from nothing.
                assert state is None and revision.before is None, pk
                assert revision.after == before_deletion, pk
            else:
                assert state is not None and revision.before == state, (pk, revision.action)
                before_deletion = revision.before
            state = revision.after
        assert state == current.get(pk), pk
    # The shared annotations end as their last editor left them.
    for pk in shared:
        last_editor = histories[pk][-1].user_id
        assert current[pk]["note"] == f"by {[e.pk for e in editors].index(last_editor or 0)}"
