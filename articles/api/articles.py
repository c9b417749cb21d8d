"""Articles: the list with its filters, one article with its body and structure."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from articles.api.auth import readers
from articles.api.common import absolute, article_url, page_answer, page_urls
from articles.api.pagination import CHANGES, DEFAULT_LIMIT, MAX_LIMIT, NEWEST_ARTICLES, keyset_page
from articles.api.schemas import ArticleDetailOut, ArticlePage, Error
from articles.models import Article

router = Router(tags=["articles"], auth=readers)


class ArticleFilters(Schema):
    outlet: str = Field("", description="Outlet slug.")
    tag: str = Field("", description="Tag slug (of a published annotation on the article).")
    speaker: str = Field("", description="Speaker slug (of a published quote on the article).")
    language: str = Field("", description="BCP 47 code, e.g. en, tr.")
    published_since: datetime.date | None = Field(None, description="Inclusive.")
    published_until: datetime.date | None = Field(None, description="Inclusive.")
    updated_since: datetime.datetime | None = Field(
        None,
        description="Changed at or after this time; the list is then in order of change, "
        "oldest first, for syncing.",
    )

    def articles(self):
        return Article.objects.api_filtered(**self.model_dump())


class ArticleListParams(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    body: bool = Field(False, description="Include each article's body and structure.")


def article_json(article: Any, *, url: str, body: bool) -> dict:
    """`article` comes with `with_listing_data()`'s annotations (counts, tags); `url` is
    its reading page's."""
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": url,
        "title": article.title,
        "summary": article.summary,
        "published_on": article.published_on,
        "outlet": {"name": article.outlet.name, "slug": article.outlet.slug},
        "agency": article.agency,
        "language": article.language,
        "original_url": article.original_url,
        "quote_count": article.quote_count,
        "claim_count": article.claim_count,
        "tags": article.tag_list,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "body": article.body if body else None,
        "structure": article.structure if body else None,
    }


@router.get("", response={200: ArticlePage, 401: Error, 422: Error}, summary="List articles")
def article_list(
    request: HttpRequest, filters: Query[ArticleFilters], params: Query[ArticleListParams]
):
    """Newest first (publication date, then id), or in order of change with
    `updated_since`. One query a page."""
    articles = filters.articles().with_listing_data()
    if params.body:
        articles = articles.defer(None).defer("search_vector")
    keyset = CHANGES if filters.updated_since else NEWEST_ARTICLES
    page = keyset_page(articles, keyset, cursor=params.cursor, limit=params.limit)
    url = page_urls(request, "articles:article")
    items = [article_json(a, url=url(a.slug), body=params.body) for a in page.items]
    return page_answer(request, page, items)


@router.get(
    "/{slug}/", response={200: ArticleDetailOut, 401: Error, 404: Error}, summary="One article"
)
def article_detail(request: HttpRequest, slug: str):
    """The article with its body, structure and annotations version. One query."""
    article = get_object_or_404(
        Article.objects.for_reading_page().with_listing_data().defer(None).defer("search_vector"),
        slug=slug,
    )
    answer = article_json(article, url=article_url(request, article.slug), body=True)
    answer["annotations_version"] = article.annotation_version
    answer["annotations_url"] = absolute(request, f"/api/annotations/?article={article.slug}")
    return answer
