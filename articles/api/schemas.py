"""The API's types: what each endpoint answers and takes, as pydantic models (django-ninja
builds the OpenAPI document from them)."""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import BaseModel, Field

from articles.models import Annotation


class Error(BaseModel):
    """Every error: a sentence, and per field what is wrong with it (empty when no field
    is to blame)."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class OutletRef(BaseModel):
    name: str
    slug: str


class TagRef(BaseModel):
    name: str
    slug: str


class SpeakerRef(BaseModel):
    name: str
    slug: str


class ArticleRef(BaseModel):
    slug: str
    title: str
    url: str


class ArticleOut(BaseModel):
    id: int
    slug: str
    url: str = Field(description="The reading page.")
    title: str
    summary: str
    published_on: datetime.date
    outlet: OutletRef
    agency: str
    language: str
    original_url: str
    quote_count: int
    claim_count: int
    tags: list[TagRef] = Field(description="Tags of the article's published annotations.")
    created_at: datetime.datetime
    updated_at: datetime.datetime
    body: str | None = Field(None, description="With `body=true`, and on the article itself.")
    structure: list[dict] | None = Field(
        None, description='Blocks in order: [{"kind": "heading"|"paragraph", "start", "end"}]'
    )


class ArticleDetailOut(ArticleOut):
    annotations_version: int = Field(
        description="Changes whenever anything shown of the article's annotations changes."
    )
    annotations_url: str


class AnnotationOut(BaseModel):
    id: int
    url: str = Field(description="The annotation on the reading page.")
    article: ArticleRef
    kind: Annotation.Kind
    start: int = Field(description="Code-point offset into the article body.")
    end: int = Field(description="Exclusive code-point offset.")
    exact: str
    prefix: str
    suffix: str
    speaker: SpeakerRef | None
    status: str = Field(
        description="`published`; a claim's new verdict is `draft` until submitted and approved "
        "by a second editor on its verdict page (`submitted`, `returned` when sent back)."
    )
    verdict: str = Field(description="Claims only; empty: no verdict yet.")
    rating: int | None = Field(description="schema.org rating of the verdict: 5 true … 1 false.")
    claimant: SpeakerRef | None = Field(description="Claims only: who made the claim.")
    sources: list[str] = Field(description="The URLs a verdict rests on.")
    reviewed_by: str = Field(description="Who approved the verdict (display name), or empty.")
    reviewed_at: datetime.datetime | None
    tags: list[TagRef]
    note: str = Field(description="A claim with a verdict: the verdict's rationale.")
    author: str = Field(description="The editor's display name (never the login name).")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class AnnotationIn(Schema):
    """A new annotation on body[start:end] of `article` (a slug); `exact` is the text
    there, as a check that the client's copy of the article is current."""

    article: str
    start: int
    end: int
    exact: str
    kind: str
    speaker: str = Field("", description="A speaker's name or alias; empty for none.")
    new_speaker: bool = Field(False, description="Create the speaker `speaker` names.")
    verdict: str = Field("", description="Saved as a draft: a second editor publishes it.")
    claimant: str = Field("", description="Claims: who made it (a speaker's name or alias).")
    new_claimant: bool = Field(False, description="Create the speaker `claimant` names.")
    sources: list[str] = Field(default_factory=list, description="http(s) URLs.")
    tags: list[str] = Field(default_factory=list, description="Tag names; new ones are created.")
    note: str = Field("", description="Required with a verdict: its rationale.")


class AnnotationPatch(Schema):
    """The fields to change; those left out keep their values. The span never changes."""

    kind: str | None = None
    speaker: str | None = None
    new_speaker: bool = False
    verdict: str | None = None
    claimant: str | None = None
    new_claimant: bool = False
    sources: list[str] | None = None
    tags: list[str] | None = None
    note: str | None = None


class SpeakerOut(BaseModel):
    id: int
    name: str
    slug: str
    url: str
    description: str
    aliases: list[str]
    quote_count: int = Field(description="Published quotes.")


class TagOut(BaseModel):
    id: int
    name: str
    slug: str
    url: str
    annotation_count: int | None = Field(
        description="With `counts=true`: the published annotations carrying the tag."
    )


class OutletOut(BaseModel):
    id: int
    name: str
    slug: str
    url: str
    article_count: int


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None
    next: str | None = Field(description="The next page's URL; null on the last page.")


class AnnotationPage(BaseModel):
    items: list[AnnotationOut]
    next_cursor: str | None
    next: str | None


class SpeakerPage(BaseModel):
    items: list[SpeakerOut]
    next_cursor: str | None
    next: str | None


class TagPage(BaseModel):
    items: list[TagOut]
    next_cursor: str | None
    next: str | None


class OutletPage(BaseModel):
    items: list[OutletOut]
    next_cursor: str | None
    next: str | None


class SearchHit(BaseModel):
    id: int
    slug: str
    url: str
    title: str
    summary: str
    published_on: datetime.date
    outlet: OutletRef
    quote_count: int
    claim_count: int
    tags: list[TagRef]
    snippet: str = Field(description="Plain text around the first match.")


class FacetOut(BaseModel):
    value: str
    label: str
    count: int


class SearchOut(BaseModel):
    query: str
    count: int = Field(description="Matching articles (at most the search window).")
    capped: bool = Field(description="True when more match than search ranks.")
    page: int
    num_pages: int
    items: list[SearchHit]
    facets: dict[str, list[FacetOut]]


class ImportFileResult(BaseModel):
    """One file's fate: the record `manage.py import_articles --json` prints."""

    file: str
    status: str
    version: int | None = Field(None, description="An updated article's new version number.")
    error: str | None
    title: str | None
    summary: str | None
    published: str | None
    outlet: str | None
    agency: str | None
    url: str | None
    source_note: str | None
    headings: list[str] | None
    paragraphs: int | None
    encoding: str | None
    quotes: list[dict] | None


class ImportOut(BaseModel):
    counts: dict[str, int]
    files: list[ImportFileResult]
