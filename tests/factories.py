"""Small `make_*` factories for tests: every argument has a sensible default."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Set

from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from articles.models import Annotation, Article, Outlet, Speaker, Tag
from articles.permissions import EDITORS_GROUP, REVIEWERS_GROUP

_seq = itertools.count(1)

DEFAULT_BODY = (
    "A first paragraph with a quote in it.\n\n"
    "Subheading\n\n"
    'A second paragraph where "the claim" sits.'
)


def structure_for(body: str, headings: Set[int] = frozenset({1})) -> list[dict]:
    blocks, pos = [], 0
    for index, part in enumerate(body.split("\n\n")):
        kind = "heading" if index in headings else "paragraph"
        blocks.append({"kind": kind, "start": pos, "end": pos + len(part)})
        pos += len(part) + 2
    return blocks


def make_outlet(name: str | None = None) -> Outlet:
    name = name or f"Outlet {next(_seq)}"
    return Outlet.objects.create(name=name, slug=slugify(name))


def make_article(
    *,
    title: str | None = None,
    body: str = DEFAULT_BODY,
    outlet: Outlet | None = None,
    published_on: datetime.date | None = None,
    structure: list[dict] | None = None,
    **fields,
) -> Article:
    n = next(_seq)
    title = title or f"Article number {n}"
    return Article.objects.create(
        title=title,
        slug=fields.pop("slug", f"{slugify(title)[:200]}-{n}"),
        body=body,
        structure=structure if structure is not None else structure_for(body),
        outlet=outlet or make_outlet(),
        published_on=published_on or datetime.date(2020, 1, 7),
        content_hash=fields.pop(
            "content_hash", hashlib.sha256(f"{title}{body}{n}".encode()).hexdigest()
        ),
        **fields,
    )


def make_speaker(name: str | None = None, **fields) -> Speaker:
    name = name or f"Speaker {next(_seq)}"
    return Speaker.objects.create(name=name, slug=slugify(name), **fields)


def make_tag(name: str | None = None) -> Tag:
    name = name or f"tag {next(_seq)}"
    return Tag.objects.create(name=name, slug=slugify(name))


def make_annotation(
    article: Article, start: int, end: int, kind: str = Annotation.Kind.HIGHLIGHT, **fields
) -> Annotation:
    tags = fields.pop("tags", [])
    annotation = Annotation.objects.create(
        article=article,
        kind=kind,
        start=start,
        end=end,
        **Annotation.anchor(article.body, start, end),
        **fields,
    )
    if tags:
        annotation.tags.set(tags)
    return annotation


def make_user(
    username: str | None = None, *, editor: bool = False, reviewer: bool = False, **fields
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="password", **fields
    )
    if editor:
        # get_or_create: transactional (browser) tests flush the migration-made group.
        user.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])
    if reviewer:
        user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user
