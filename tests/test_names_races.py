"""Names that differ but share a slug, created at the same moment (issue 16 #3).

Real concurrent transactions: each thread has its own database connection, and a barrier
releases them together, so each computes its slug before any other has committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from articles.models import Annotation, Speaker, Tag
from articles.names import fold_name
from articles.services.annotations import AnnotationFields, annotation_create, tags_ensure
from articles.services.speakers import speaker_create, speaker_get_or_create
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Ten spellings, six names (case aside), one slug between them: "x-tag".
TAG_NAMES = ["X Tag", "X-Tag", "X Tag!", "x tag", "X  Tag?", "X-TAG", "¡X Tag!", "X - Tag", "x-tag", "X Tag!"]  # fmt: skip  # noqa: E501
# Ten spellings, six names, one slug: "ann-lee".
SPEAKER_NAMES = ["Ann Lee", "Ann-Lee", "Ann Lee!", "ANN LEE", "Ann Lee.", "ann-lee", "(Ann Lee)", "Ann Lee", "Ann - Lee", "ANN LEE."]  # fmt: skip  # noqa: E501


def at_once(work: Callable[[int], object], n: int) -> tuple[list, list[BaseException]]:
    """Run `work(0)` … `work(n - 1)` in n threads released together; results and errors."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # the test reports every failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def distinct(names: list[str]) -> set[str]:
    return {fold_name(name) for name in names}


def test_ten_editors_creating_tags_that_share_a_slug_each_get_their_tag():
    def work(i: int) -> Tag:
        with transaction.atomic():  # as in annotation_create: the tag commits with the rest
            [tag] = tags_ensure(names=[TAG_NAMES[i]])
            return tag

    tags, errors = at_once(work, len(TAG_NAMES))
    assert errors == []
    for name, tag in zip(TAG_NAMES, tags, strict=True):
        assert fold_name(tag.name) == fold_name(name)
    assert Tag.objects.count() == len(distinct(TAG_NAMES)) == 6
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert slugs == ["x-tag", *(f"x-tag-{n}" for n in range(2, 7))]


def test_ten_editors_tagging_one_article_with_names_sharing_a_slug_all_succeed():
    article = make_article(body="One two three four five six seven eight nine ten eleven.")
    editors = [make_user(editor=True) for _ in TAG_NAMES]
    words = article.body.rstrip(".").split()

    def work(i: int) -> Annotation:
        start = article.body.index(words[i])
        end = start + len(words[i])
        fields = AnnotationFields(kind="highlight", tag_names=[TAG_NAMES[i], "shared"])
        return annotation_create(
            article=article, start=start, end=end, exact=words[i], fields=fields, user=editors[i]
        )

    annotations, errors = at_once(work, len(TAG_NAMES))
    assert errors == []
    assert Tag.objects.count() == len(distinct(TAG_NAMES)) + 1
    for name, annotation in zip(TAG_NAMES, annotations, strict=True):
        tags = {fold_name(tag.name) for tag in annotation.tags.all()}
        assert tags == {fold_name(name), "shared"}


def test_ten_editors_adding_speakers_that_share_a_slug_each_get_their_speaker():
    speakers, errors = at_once(
        lambda i: speaker_get_or_create(name=SPEAKER_NAMES[i]), len(SPEAKER_NAMES)
    )
    assert errors == []
    for name, speaker in zip(SPEAKER_NAMES, speakers, strict=True):
        assert fold_name(speaker.name) == fold_name(name)
    assert Speaker.objects.count() == len(distinct(SPEAKER_NAMES)) == 6
    slugs = sorted(Speaker.objects.values_list("slug", flat=True))
    assert slugs == ["ann-lee", *(f"ann-lee-{n}" for n in range(2, 7))]


def test_a_speaker_created_twice_at_once_is_refused_with_a_message_not_a_500():
    from django.core.exceptions import ValidationError

    _, errors = at_once(lambda i: speaker_create(name=["Bo Ek", "BO EK"][i]), 2)
    assert len(errors) <= 1
    assert all(isinstance(e, ValidationError) and "already exists" in str(e) for e in errors)
    assert Speaker.objects.count() == 1
