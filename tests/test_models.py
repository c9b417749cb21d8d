import pytest
from django.db import IntegrityError, transaction

from articles.models import Annotation, Outlet, Speaker, Tag
from tests.factories import make_annotation, make_article, make_outlet, make_speaker

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
    from articles.models import Article

    with django_assert_num_queries(3):
        loaded = Article.objects.for_reading().get(pk=article.pk)
        assert len(loaded.published_annotations) == 10
        assert all(len(a.tags.all()) == 1 for a in loaded.published_annotations)
