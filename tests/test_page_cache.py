"""Page versions and the keys cached pages and fragments are stored under."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.page_cache import article_version, fragment_key, page_version
from tests.factories import make_annotation, make_article

pytestmark = pytest.mark.django_db


def test_the_version_read_by_slug_equals_the_loaded_article_s():
    """The anonymous page's key (from the slug's row) and the fragments' key (from the
    loaded article) are built from one version."""
    article = make_article()
    make_annotation(article, 0, 5)
    row = Article.objects.page_version(article.slug)
    assert row is not None
    loaded = Article.objects.for_reading_page().get(pk=article.pk)
    assert row[0] == article.pk
    assert page_version(*row[:5]) == article_version(loaded)
    assert Article.objects.page_version("no-such-article") is None


def test_fragment_keys_differ_by_scheme_host_filters_and_suggestions(rf, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    article = make_article()
    loaded = Article.objects.for_reading_page().get(pk=article.pk)
    plain = fragment_key(rf.get("/"), loaded, {}, False)
    assert fragment_key(rf.get("/"), loaded, {}, False) == plain
    assert fragment_key(rf.get("/", secure=True), loaded, {}, False) != plain
    assert fragment_key(rf.get("/", HTTP_HOST="other.example"), loaded, {}, False) != plain
    assert fragment_key(rf.get("/"), loaded, {"kind": "quote"}, False) != plain
    assert fragment_key(rf.get("/"), loaded, {}, True) != plain
