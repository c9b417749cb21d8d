"""Annotations: the list with its filters, one annotation; editors create, change and
delete them through the same services (same rules, messages and history) as the HTMX
views."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from articles.api.auth import editors, readers
from articles.api.common import article_url, page_answer, page_urls
from articles.api.pagination import CHANGES, DEFAULT_LIMIT, MAX_LIMIT, NEWEST, keyset_page
from articles.api.schemas import AnnotationIn, AnnotationOut, AnnotationPage, AnnotationPatch, Error
from articles.models import Annotation, Article
from articles.rendering import public_name
from articles.services.annotations import (
    AnnotationFields,
    annotation_create,
    annotation_delete,
    annotation_update,
    parse_source_urls,
    parse_tag_names,
)

router = Router(tags=["annotations"], auth=readers)


class AnnotationFilters(Schema):
    article: str = Field("", description="Article slug.")
    kind: Annotation.Kind | None = None
    tag: str = Field("", description="Tag slug.")
    speaker: str = Field("", description="Speaker slug.")
    verdict: Annotation.Verdict | None = None
    updated_since: datetime.datetime | None = Field(
        None,
        description="Changed at or after this time; the list is then in order of change, "
        "oldest first, for syncing.",
    )

    def annotations(self):
        """The published annotations these filters pick (suggestions never appear)."""
        values = self.model_dump()
        values["kind"] = values["kind"] or ""
        values["verdict"] = values["verdict"] or ""
        return Annotation.objects.published().api_filtered(**values)


class ListParams(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _author_name(annotation: Annotation) -> str:
    author = annotation.author
    return author.get_full_name() if author is not None else ""


def _reviewer_name(annotation: Annotation) -> str:
    """Who approved a published verdict, by display name ("" for none, or not approved)."""
    if annotation.status != Annotation.Status.PUBLISHED or annotation.reviewer_id is None:
        return ""
    reviewer = annotation.reviewer
    return public_name(reviewer.get_full_name() if reviewer is not None else "")


def _sources(urls: list[str]) -> list[str]:
    """As the editor's form reads its sources field (one URL a line), its message on
    `sources`."""
    try:
        return parse_source_urls("\n".join(urls))
    except ValidationError as error:
        raise ValidationError({"sources": error.messages}) from error


def annotation_json(annotation: Any, tags: list[dict], *, page: str) -> dict:
    """`annotation` from `for_api()` (or a service), its tags and its article's reading
    page given."""
    article = annotation.article
    speaker, claimant = annotation.speaker, annotation.claimant
    return {
        "id": annotation.pk,
        "url": f"{page}#annotation-{annotation.pk}",
        "article": {"slug": article.slug, "title": article.title, "url": page},
        "kind": annotation.kind,
        "start": annotation.start,
        "end": annotation.end,
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
        "speaker": {"name": speaker.name, "slug": speaker.slug} if speaker else None,
        "status": annotation.status,
        "verdict": annotation.verdict,
        "rating": annotation.rating,
        "claimant": {"name": claimant.name, "slug": claimant.slug} if claimant else None,
        "sources": list(annotation.sources),
        "reviewed_by": _reviewer_name(annotation),
        "reviewed_at": annotation.reviewed_at if annotation.reviewer_id else None,
        "tags": tags,
        "note": annotation.note,
        "author": _author_name(annotation),
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
    }


def _tag_names(names: list[str]) -> list[str]:
    """As the editor's form reads its tags field: trimmed, commas separating, without
    case-insensitive repeats."""
    return parse_tag_names(",".join(names))


def _listed(annotation: Any) -> list[dict]:
    """The tags `for_api()` loaded with the annotation."""
    return annotation.tag_list


def _written(annotation: Annotation) -> list[dict]:
    return [{"name": t.name, "slug": t.slug} for t in annotation.reading_tags]


@router.get("", response={200: AnnotationPage, 401: Error, 422: Error}, summary="List annotations")
def annotation_list(
    request: HttpRequest, filters: Query[AnnotationFilters], params: Query[ListParams]
):
    """Published annotations, newest first, or in order of change with `updated_since`.
    One query a page."""
    annotations = filters.annotations().for_api()
    keyset = CHANGES if filters.updated_since else NEWEST
    page = keyset_page(annotations, keyset, cursor=params.cursor, limit=params.limit)
    url = page_urls(request, "articles:article")
    items = [annotation_json(a, _listed(a), page=url(a.article.slug)) for a in page.items]
    return page_answer(request, page, items)


def _published(pk: int) -> Any:
    return get_object_or_404(Annotation.objects.published().for_api(), pk=pk)


@router.get("/{int:pk}/", response={200: AnnotationOut, 401: Error, 404: Error})
def annotation_detail(request: HttpRequest, pk: int):
    """One published annotation. One query."""
    annotation = _published(pk)
    return annotation_json(
        annotation, _listed(annotation), page=article_url(request, annotation.article.slug)
    )


@router.post(
    "",
    auth=editors,
    response={201: AnnotationOut, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="Create an annotation (editors)",
)
def annotation_create_endpoint(request: HttpRequest, payload: AnnotationIn):
    """As the editor's form does: the same checks and messages, recorded in the history."""
    article = get_object_or_404(Article.objects.defer("search_vector"), slug=payload.article)
    annotation = annotation_create(
        article=article,
        start=payload.start,
        end=payload.end,
        exact=payload.exact,
        fields=AnnotationFields(
            kind=payload.kind,
            speaker_name=payload.speaker,
            new_speaker=payload.new_speaker,
            verdict=payload.verdict,
            claimant_name=payload.claimant,
            new_claimant=payload.new_claimant,
            sources=_sources(payload.sources),
            tag_names=_tag_names(payload.tags),
            note=payload.note,
        ),
        user=request.user,
    )
    return Status(
        201,
        annotation_json(
            annotation, _written(annotation), page=article_url(request, annotation.article.slug)
        ),
    )


@router.patch(
    "/{int:pk}/",
    auth=editors,
    response={200: AnnotationOut, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change an annotation (editors)",
)
def annotation_update_endpoint(request: HttpRequest, pk: int, payload: AnnotationPatch):
    """Fields left out keep their values; the span never changes."""
    current = _published(pk)
    annotation = annotation_update(
        annotation_id=pk,
        user=request.user,
        fields=AnnotationFields(
            kind=payload.kind if payload.kind is not None else current.kind,
            speaker_name=(
                payload.speaker
                if payload.speaker is not None
                else (current.speaker.name if current.speaker else "")
            ),
            new_speaker=payload.new_speaker,
            verdict=payload.verdict if payload.verdict is not None else current.verdict,
            claimant_name=(
                payload.claimant
                if payload.claimant is not None
                else (current.claimant.name if current.claimant else "")
            ),
            new_claimant=payload.new_claimant,
            sources=_sources(payload.sources if payload.sources is not None else current.sources),
            tag_names=(
                payload.tags if payload.tags is not None else [t["name"] for t in current.tag_list]
            ),
            note=payload.note if payload.note is not None else current.note,
        ),
    )
    return annotation_json(
        annotation, _written(annotation), page=article_url(request, annotation.article.slug)
    )


@router.delete(
    "/{int:pk}/",
    auth=editors,
    response={204: None, 401: Error, 403: Error, 404: Error, 409: Error},
    summary="Delete an annotation (editors)",
)
def annotation_delete_endpoint(request: HttpRequest, pk: int):
    """Deleted as from the page: kept in the history, restorable there."""
    _published(pk)
    annotation_delete(annotation_id=pk, user=request.user)
    return Status(204, None)
