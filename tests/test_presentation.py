"""The article page's presentation: its context with the cached fragments, filters, paging."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from articles.models import Annotation, Article
from articles.presentation import (
    Outline,
    ReadingAnnotation,
    article_page_context,
    filter_options,
    matches,
    open_ended_page,
)
from articles.rendering import render_annotation_items
from articles.structured_data import article_json_ld
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_the_context_can_include_suggestions_for_editors(rf):
    article = make_article()
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, status=Annotation.Status.SUGGESTED)
    make_annotation(article, 8, 12)
    loaded = Article.objects.for_reading(include_suggestions=True).get(pk=article.pk)
    context = article_page_context(rf.get("/"), loaded, include_suggestions=True)
    assert 'class="ann ann-quote is-suggested"' in context["body_html"]
    # Listed in the editors' suggestions panel, not among the annotations.
    assert [s.start for s in context["suggestions"]] == [0]
    assert "(suggestion)" not in context["annotation_items"]
    assert context["annotation_total"] == 1
    plain = article_page_context(rf.get("/"), Article.objects.for_reading().get(pk=article.pk))
    assert "is-suggested" not in plain["body_html"]
    assert plain["annotation_total"] == 1


def test_the_context_reloads_an_article_without_annotations(rf, django_assert_num_queries):
    article = make_article()
    make_annotation(article, 0, 5)
    with django_assert_num_queries(1):
        context = article_page_context(rf.get("/"), article)
    assert context["annotation_total"] == 1


def test_http_and_https_requests_do_not_share_cached_fragments(rf):
    """The fragments hold absolute URLs (the JSON-LD's): each scheme gets its own."""
    article = make_article()
    make_annotation(article, 0, 5)
    url = article.get_absolute_url()
    for secure, scheme in [(False, "http"), (True, "https"), (False, "http")]:
        versioned = Article.objects.for_reading_page().get(pk=article.pk)
        context = article_page_context(rf.get(url, secure=secure), versioned)
        assert f'"url":"{scheme}://testserver{url}"' in context["structured_data"]


def test_filter_options_count_each_value_and_toggle_it_on_the_other_filters():
    outlines = [
        Outline(1, 0, 5, "quote", "published", ("ana", "Ana"), (("economy", "Economy"),)),
        Outline(2, 6, 9, "claim", "published", None, (("economy", "Economy"),)),
    ]
    options = filter_options(outlines, {"kind": "quote"}, "/articles/a/")
    kinds = {
        link["id"]: (link["href"], link["count"], link["current"]) for link in options["kinds"]
    }
    assert kinds == {
        "filter-kind-all": ("/articles/a/", 2, False),
        "filter-kind-quote": ("/articles/a/", 1, True),
        "filter-kind-claim": ("/articles/a/?kind=claim", 1, False),
    }
    assert [link["href"] for link in options["tags"]] == ["/articles/a/?kind=quote&tag=economy"]
    # Counted within the active filter: one quote is tagged economy (the claim is not shown).
    assert [link["count"] for link in options["tags"]] == [1]
    assert [link["label"] for link in options["speakers"]] == ["Ana"]
    assert [o.id for o in outlines if matches(o, {"tag": "economy", "kind": "claim"})] == [2]


def test_filter_counts_are_what_each_link_would_show_and_empty_values_are_left_out():
    outlines = [
        Outline(1, 0, 5, "quote", "published", ("ana", "Ana"), (("economy", "Economy"),)),
        Outline(2, 6, 9, "quote", "published", ("ana", "Ana"), ()),
        Outline(3, 10, 14, "claim", "published", ("bo", "Bo"), (("war", "War"),)),
        Outline(4, 15, 19, "highlight", "published", None, (("economy", "Economy"),)),
    ]

    def counts(filters: dict[str, str]) -> dict[str, int]:
        options = filter_options(outlines, filters, "/a/")
        return {link["id"]: link["count"] for group in options.values() for link in group}

    everything = counts({})
    assert everything == {
        "filter-kind-all": 4,
        "filter-kind-quote": 2,
        "filter-kind-claim": 1,
        "filter-kind-highlight": 1,
        "filter-speaker-ana": 2,
        "filter-speaker-bo": 1,
        "filter-tag-economy": 2,
        "filter-tag-war": 1,
    }
    # Under "Claims": Bo's one claim; Ana has none, so no link promises her any.
    assert counts({"kind": "claim"}) == {
        "filter-kind-all": 4,
        "filter-kind-quote": 2,
        "filter-kind-claim": 1,
        "filter-kind-highlight": 1,
        "filter-speaker-bo": 1,
        "filter-tag-war": 1,
    }
    # Ana's: kinds count her annotations; the tag counts hers only.
    assert counts({"speaker": "ana"}) == {
        "filter-kind-all": 2,
        "filter-kind-quote": 2,
        "filter-speaker-ana": 2,
        "filter-speaker-bo": 1,
        "filter-tag-economy": 1,
    }
    # A current value with nothing left to show keeps its link, to turn it off.
    crossed = counts({"speaker": "ana", "tag": "war"})
    assert crossed["filter-speaker-ana"] == 0 and crossed["filter-tag-war"] == 0
    # Every count is what the link's page shows: the annotations matching its filters.
    for filters in ({}, {"kind": "claim"}, {"speaker": "ana"}, {"tag": "economy", "kind": "quote"}):
        for group in filter_options(outlines, filters, "/a/").values():
            for link in group:
                query = link["href"].partition("?")[2]
                wanted = dict(part.split("=") for part in query.split("&") if part)
                assert link["count"] == sum(matches(o, wanted) for o in outlines) or link["current"]


def test_an_open_ended_page_knows_only_whether_more_follow():
    items = list(range(45))

    class Rows:
        """Sliced and counted like a QuerySet."""

        def __init__(self, items: list[int]) -> None:
            self.items = items

        def __getitem__(self, index: slice) -> list[int]:
            return self.items[index]

        def count(self) -> int:
            return len(self.items)

    page = open_ended_page(Rows(items), "2")
    assert page.object_list == items[20:40] and page.has_next and page.has_previous()
    last = open_ended_page(Rows(items), "9")
    assert last.number == 3 and last.object_list == items[40:] and not last.has_next


@pytest.mark.parametrize("time_zone", ["UTC", "Pacific/Kiritimati"])
def test_reading_rows_render_as_the_model_instances_do(settings, time_zone):
    # A write's answer renders model instances, the page rows: entries must not differ.
    settings.TIME_ZONE = time_zone
    article = make_article(body="Ana said the economy grew. It did not, said Bo.")
    ana, bo = make_speaker("Ana Ağaoğlu"), make_speaker("Bo")
    tags = [make_tag("Économie"), make_tag("alpha"), make_tag("War & <peace>")]
    make_annotation(
        article, 0, 26, Annotation.Kind.QUOTE, speaker=ana, tags=tags, note="Line one\nline 2",
        author=make_user(first_name="Şule", last_name="Kaya"),
    )  # fmt: skip
    make_annotation(
        article, 9, 26, Annotation.Kind.CLAIM, verdict=Annotation.Verdict.FALSE,
        author=make_user(username="login-only"),
    )  # fmt: skip
    make_annotation(article, 27, 47, Annotation.Kind.QUOTE, speaker=bo)
    instances = Article.objects.for_reading().get(pk=article.pk).reading_annotations
    rows = [
        ReadingAnnotation.from_row(row)
        for row in Annotation.objects.reading_rows(
            article.pk, time_zone=time_zone, statuses=[Annotation.Status.PUBLISHED]
        )
    ]
    assert [r.id for r in rows] == [a.id for a in instances]
    assert render_annotation_items(rows) == render_annotation_items(instances)
    assert "Şule Kaya, " in render_annotation_items(rows)
    assert [Outline.of(r) for r in rows] == [Outline.of(a) for a in instances]
    assert article_json_ld(article, rows, "http://x/") == article_json_ld(
        article, instances, "http://x/"
    )


def test_the_reading_page_loads_its_annotations_in_one_query(rf, django_assert_num_queries):
    article = make_article()
    for i in range(30):
        make_annotation(article, i, i + 5, tags=[make_tag()], author=make_user())
    versioned = Article.objects.for_reading_page().get(pk=article.pk)
    with django_assert_num_queries(1):
        context = article_page_context(rf.get("/"), versioned)
    assert context["annotation_shown"] == 30
