"""The speaker service: find, get or create, rename, merge."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles.models import Annotation, AnnotationRevision, Article, Speaker
from articles.services.speakers import (
    speaker_find,
    speaker_get_or_create,
    speaker_merge,
    speaker_update,
)
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


@pytest.fixture
def editor():
    return make_user(editor=True)


def values_before(revision: AnnotationRevision) -> dict:
    """What an update changed from (every revision but a creation has it)."""
    assert revision.before is not None, revision
    return revision.before


def test_speaker_find_matches_name_or_alias_ignoring_case():
    merkel = make_speaker("Angela Merkel", aliases=["Kanzlerin", "A. Merkel"])
    assert speaker_find("angela merkel") == merkel
    assert speaker_find("KANZLERIN") == merkel
    assert speaker_find("  a.   merkel ") == merkel
    assert speaker_find("Merkel") is None


def test_speaker_rename_keeps_the_old_name_as_an_alias_and_refuses_clashes():
    speaker = make_speaker("Jon Doe")
    make_speaker("Jane Roe")
    renamed = speaker_update(speaker_id=speaker.pk, name="John Doe", aliases=["JD"])
    assert renamed.name == "John Doe" and renamed.aliases == ["JD", "Jon Doe"]
    assert renamed.slug == "jon-doe"  # links to the speaker page keep working
    with pytest.raises(ValidationError, match="already exists"):
        speaker_update(speaker_id=speaker.pk, name="jane roe", aliases=[])


def test_merge_moves_quotes_records_revisions_and_keeps_names_as_aliases(article, editor):
    keep = make_speaker("Recep Tayyip Erdoğan")
    duplicate = make_speaker("Erdogan", aliases=["R.T. Erdogan"])
    quotes = [make_annotation(article, i, i + 3, "quote", speaker=duplicate) for i in (0, 5)]
    merged = speaker_merge(keep_id=keep.pk, duplicate_ids=[duplicate.pk], user=editor)
    assert merged.aliases == ["Erdogan", "R.T. Erdogan"]
    assert not Speaker.objects.filter(pk=duplicate.pk).exists()
    assert set(Annotation.objects.values_list("speaker_id", flat=True)) == {keep.pk}
    revisions = AnnotationRevision.objects.filter(action="updated")
    assert sorted(r.annotation_id for r in revisions) == sorted(q.pk for q in quotes)
    assert {values_before(r)["speaker"] for r in revisions} == {"Erdogan"}
    assert {r.user for r in revisions} == {editor}


def test_merge_into_itself_is_refused():
    speaker = make_speaker()
    with pytest.raises(ValidationError, match="different speaker"):
        speaker_merge(keep_id=speaker.pk, duplicate_ids=[speaker.pk], user=None)


def test_a_new_speaker_gets_a_free_slug():
    Speaker.objects.create(name="Mick-Walsh", slug="mick-walsh")
    Speaker.objects.create(name="Mick Walsh Jr", slug="mick-walsh-2")
    assert speaker_get_or_create(name="Mick  Walsh").slug == "mick-walsh-3"
    assert speaker_get_or_create(name="mick walsh").name == "Mick Walsh"


def test_a_rename_gives_the_quoting_articles_pages_a_new_version(article):
    # The trigger articles_speaker_renamed does it (0006_annotations_version); the service
    # writes nothing to the annotations themselves.
    speaker = make_speaker("Old Name")
    quote = make_annotation(article, 0, 5, "quote", speaker=speaker)
    other = make_article()
    make_annotation(other, 0, 5, "highlight")
    before = Article.objects.page_version(article.slug)
    unrelated = Article.objects.page_version(other.slug)
    updated_at = Annotation.objects.get(pk=quote.pk).updated_at
    speaker_update(speaker_id=speaker.pk, name="New Name", aliases=[])
    assert Article.objects.page_version(article.slug) != before
    assert Article.objects.page_version(other.slug) == unrelated
    assert Annotation.objects.get(pk=quote.pk).updated_at == updated_at
    # Aliases alone change nothing the page shows: no new version.
    after = Article.objects.page_version(article.slug)
    speaker_update(speaker_id=speaker.pk, name="New Name", aliases=["NN"])
    assert Article.objects.page_version(article.slug) == after


def test_a_new_speaker_gets_the_aliases_and_description_given():
    speaker = speaker_get_or_create(name="Janet  Yellen", aliases=["Yellen"], description="Fed")
    assert (speaker.name, speaker.aliases, speaker.description) == (
        "Janet Yellen",
        ["Yellen"],
        "Fed",
    )
    assert speaker_get_or_create(name="yellen", aliases=["x"]) == speaker  # found by alias


def test_a_speaker_created_meanwhile_is_found_not_duplicated(monkeypatch):
    existing = make_speaker("Fresh Face")
    calls = iter([None])  # the first look-up misses it, as if created a moment later
    real_find = speaker_find

    def find_late(name):
        return next(calls, real_find(name))

    monkeypatch.setattr("articles.services.speakers.speaker_find", find_late)
    assert speaker_get_or_create(name="fresh face") == existing
    assert Speaker.objects.count() == 1
