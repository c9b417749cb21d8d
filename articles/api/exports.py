"""Exports: every published annotation, or article, the filters pick, as CSV or JSON
Lines, streamed (see articles.exports)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router

from articles.api.annotations import AnnotationFilters
from articles.api.articles import ArticleFilters
from articles.api.auth import readers
from articles.exports import export_response, url_parts

router = Router(tags=["exports"], auth=readers)

Format = Literal["csv", "jsonl"]


def _url_parts(request: HttpRequest) -> tuple[str, str]:
    return url_parts(request.build_absolute_uri("/"))


@router.get("/annotations/", summary="Export annotations (CSV or JSON Lines)")
def export_annotations(
    request: HttpRequest, filters: Query[AnnotationFilters], format: Format = "jsonl"
):
    """One row per published annotation, oldest first: article, URL, kind, text, speaker,
    verdict, tags, note, offsets, author's name, dates. Constant memory at any size."""
    return export_response(
        kind="annotations",
        queryset=filters.annotations(),
        url_parts=_url_parts(request),
        fmt=format,
        filename="annotations",
    )


@router.get("/articles/", summary="Export articles (CSV or JSON Lines)")
def export_articles(request: HttpRequest, filters: Query[ArticleFilters], format: Format = "jsonl"):
    """One row per article, oldest first (by id), without the body (the article endpoint
    has it). Constant memory at any size."""
    return export_response(
        kind="articles",
        queryset=filters.articles(),
        url_parts=_url_parts(request),
        fmt=format,
        filename="articles",
    )
