from __future__ import annotations

import random

import pytest
from django.db import IntegrityError, connection, transaction

from articles.models import (
    Annotation,
    AnnotationsVersion,
    Article,
    ArticleFacets,
    Outlet,
    Speaker,
    Tag,
)
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

pytestmark = pytest.mark.django_db


def test_it_rejects_an_empty_or_reversed_span():
    article = make_article()
    for start, end in [(5, 5), (6, 5)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            make_annotation(article, start, end)


def test_it_rejects_a_verdict_on_a_quote():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_annotation(article, 0, 5, Annotation.Kind.QUOTE, verdict=Annotation.Verdict.TRUE)


def test_it_rejects_a_speaker_on_a_claim():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_annotation(article, 0, 5, Annotation.Kind.CLAIM, speaker=make_speaker())


def test_it_accepts_a_quote_with_speaker_and_a_claim_with_verdict():
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker())
    make_annotation(article, 2, 9, Annotation.Kind.CLAIM, verdict=Annotation.Verdict.MIXED)
    assert article.annotations.count() == 2


@pytest.mark.parametrize(("model", "field"), [(Outlet, "name"), (Speaker, "name"), (Tag, "name")])
def test_names_are_unique_case_insensitively(model, field):
    model.objects.create(**{field: "Euronews", "slug": "euronews"})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**{field: "EURONEWS", "slug": "euronews-2"})


def test_article_slug_and_content_hash_are_unique():
    first = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug=first.slug)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(content_hash=first.content_hash)


def test_the_database_keeps_the_search_vector_in_sync():
    article = make_article(title="Pentagon denies withdrawal", outlet=make_outlet())
    from articles.models import Article

    assert Article.objects.filter(search_vector="pentagon").exists()
    article.body = "Sanctions on Baghdad were threatened."
    article.save()
    assert Article.objects.filter(search_vector="sanction").exists()


def test_reading_data_takes_a_fixed_number_of_queries(django_assert_num_queries):
    article = make_article()
    for i in range(10):
        make_annotation(article, i, i + 5, tags=[Tag.objects.create(name=f"t{i}", slug=f"t{i}")])
    with django_assert_num_queries(2):
        loaded = Article.objects.for_reading().get(pk=article.pk)
        annotations = loaded.reading_annotations
        assert len(annotations) == 10
        assert [[t.name for t in a.reading_tags] for a in annotations] == [
            [f"t{i}"] for i in range(10)
        ]


def _version(article) -> int:
    return Article.objects.for_reading_page().get(pk=article.pk).annotation_version


def test_annotation_queries_join_no_article_unless_asked():
    """No default ordering: ordering by "article" joined articles_article and sorted by
    published_on in every query without its own order_by, the indexer's among them."""
    for query in [
        Annotation.objects.filter(article_id=1),
        Annotation.objects.filter(article__in=[1, 2]).values_list("kind", "start", "end"),
    ]:
        sql = str(query.query)
        assert "JOIN" not in sql and "ORDER BY" not in sql and "published_on" not in sql


def test_annotation_lists_that_need_an_order_ask_for_text_order():
    article = make_article()
    later = make_annotation(article, 10, 20)
    inner = make_annotation(article, 0, 5)
    outer = make_annotation(article, 0, 9, Annotation.Kind.CLAIM)
    [reading] = Article.objects.for_reading().filter(pk=article.pk)
    assert reading.reading_annotations == [outer, inner, later]


def test_an_article_never_annotated_has_version_zero():
    assert _version(make_article()) == 0


def test_every_change_to_what_the_page_shows_of_annotations_changes_the_version():
    article, other = make_article(), make_article()
    make_annotation(other, 0, 4)
    seen = [_version(article)]
    other_version = _version(other)

    def changed() -> None:
        version = _version(article)
        assert version not in seen
        seen.append(version)

    annotation = make_annotation(article, 0, 4)
    changed()
    annotation.note = "checked twice"
    annotation.save()
    changed()
    tag = make_tag("economy")
    annotation.tags.add(tag)
    changed()
    tag.name = "the economy"
    tag.save()
    changed()
    annotation.tags.remove(tag)
    changed()
    Annotation.objects.filter(pk=annotation.pk).update(status=Annotation.Status.REJECTED)
    changed()
    speaker = make_speaker("Ada Lovelace")
    make_annotation(article, 5, 9, Annotation.Kind.QUOTE, speaker=speaker)
    changed()
    speaker.name = "Augusta Ada King"
    speaker.save()
    changed()
    annotation.delete()
    changed()
    assert _version(other) == other_version


def test_changes_the_page_does_not_show_leave_the_version_alone():
    article = make_article()
    speaker = make_speaker("Ada Lovelace")
    make_annotation(article, 0, 4, Annotation.Kind.QUOTE, speaker=speaker)
    tag = make_tag("economy")
    version = _version(article)
    speaker.description = "Mathematician"
    speaker.save()
    tag.save()  # the same name and slug
    assert _version(article) == version


def test_a_bulk_insert_bumps_each_article_once_and_apart():
    first, second = make_article(), make_article()
    Annotation.objects.bulk_create(
        [
            Annotation(article=a, kind=Annotation.Kind.HIGHLIGHT, start=start, end=start + 4)
            for a in (first, second)
            for start in (0, 5)
        ]
    )
    assert 0 != _version(first) != _version(second) != 0


def test_deleting_an_annotated_article_removes_its_version():
    article = make_article()
    make_annotation(article, 0, 4, tags=[make_tag()])
    pk = article.pk
    article.delete()
    assert not AnnotationsVersion.objects.filter(article_id=pk).exists()


def _facet_rows() -> list[tuple]:
    return list(
        ArticleFacets.objects.order_by("article_id").values_list(
            "article_id", "kinds", "speaker_ids", "tag_ids"
        )
    )


def test_facet_values_added_on_insert_equal_a_full_recount():
    rng = random.Random(7)
    articles = [make_article() for _ in range(3)]
    speakers = [make_speaker() for _ in range(3)]
    tags = [make_tag() for _ in range(4)]
    for i in range(30):
        kind = rng.choice(list(Annotation.Kind))
        status = rng.choice([Annotation.Status.PUBLISHED] * 3 + [Annotation.Status.SUGGESTED])
        make_annotation(
            rng.choice(articles),
            i,
            i + 3,
            kind,
            status=status,
            speaker=rng.choice(speakers) if kind == Annotation.Kind.QUOTE else None,
            verdict=Annotation.Verdict.TRUE if kind == Annotation.Kind.CLAIM else "",
            tags=rng.sample(tags, rng.randint(0, 2)),
        )
    added = _facet_rows()
    assert added  # published annotations made rows
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_articlefacets")
        cursor.execute("SELECT articles_facets_refresh(%s::bigint[])", [[a.pk for a in articles]])
    assert _facet_rows() == added
