"""Demo data for `make run`: the sample articles, their quotes annotated, and demo accounts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from articles.importing.indexing import articles_index_all
from articles.importing.storing import source_files_import
from articles.models import Annotation, Article, SourceFile, Speaker, Tag
from articles.names import name_slug
from articles.permissions import EDITORS_GROUP, REVIEWERS_GROUP
from articles.services.annotations import AnnotationFields, annotation_create
from articles.services.speakers import speaker_get_or_create
from articles.services.suggestions import suggestion_accept
from articles.services.verdicts import verdict_approve, verdict_submit

# Local mode only: printed by `make run` and listed in the README.
DEMO_ACCOUNTS = [
    # username, password, staff, superuser, group
    ("admin", "newsreader-admin", True, True, None),
    ("editor", "newsreader-editor", False, False, EDITORS_GROUP),
    ("reviewer", "newsreader-reviewer", False, False, REVIEWERS_GROUP),
    ("reader", "newsreader-reader", False, False, None),
]
# A demo claim's verdict, unless its spec says otherwise: submitted by the editor, approved
# by the reviewer (as a second editor does before readers see a verdict).
APPROVED = "approved"


@dataclass
class DemoSummary:
    imported: int = 0
    already_there: int = 0
    annotations_created: int = 0
    problems: list[str] = field(default_factory=list)


def demo_load(*, samples_dir: Path) -> DemoSummary:
    """Import every sample, annotate it as the demo files describe, create the demo accounts.

    Idempotent: running it again creates nothing new.
    """
    summary = DemoSummary()
    sources = sorted(samples_dir.glob("*.txt"))
    results = source_files_import(files=[(p.name, p.read_bytes()) for p in sources])
    # Searchable with the finder's suggestions at once, worker or not; before the demo's own
    # annotations, which accept the suggestions they match, as an editor would.
    articles_index_all()
    demo = json.loads((samples_dir / "demo.json").read_text(encoding="utf-8"))
    accounts = _demo_accounts()
    editor, reviewer = accounts["editor"], accounts["reviewer"]
    for path, result in zip(sources, results, strict=True):
        if result.status == SourceFile.Status.IMPORTED:
            summary.imported += 1
        elif result.status == SourceFile.Status.DUPLICATE:
            summary.already_there += 1
        else:
            summary.problems.append(f"{path.name}: {result.error}")
            continue
        # An imported file and a duplicate both come with their article.
        assert result.article is not None
        article = result.article
        specs = _quote_specs(path, demo) + demo["annotations"].get(path.name, [])
        with transaction.atomic():
            for spec in specs:
                created, problem = _annotate(article, spec, demo["speakers"], editor, reviewer)
                summary.annotations_created += created
                if problem:
                    summary.problems.append(f"{path.name}: {problem}")
    return summary


def _quote_specs(path: Path, demo: dict) -> list[dict]:
    expected = path.with_suffix(".expected.json")
    if not expected.exists():
        return []
    quotes = json.loads(expected.read_text(encoding="utf-8")).get("quotes", {})
    tags = demo.get("quote_tags", {}).get(path.name, [])
    return [
        {"kind": "quote", "text": q["text"], "speaker": q["speaker"], "tags": tags}
        for q in quotes.get("required", [])
    ]


def _annotate(
    article: Article, spec: dict, speakers: dict, author: User, reviewer: User
) -> tuple[int, str]:
    start = article.body.find(spec["text"])
    if start < 0:
        return 0, f"text not found: {spec['text'][:40]!r}"
    end = start + len(spec["text"])
    kind = spec["kind"]
    existing = Annotation.objects.filter(article=article, kind=kind, start=start, end=end).first()
    if existing is not None and existing.status != Annotation.Status.SUGGESTED:
        return 0, ""
    speaker = None
    if spec.get("speaker"):
        speaker = _speaker(spec["speaker"], speakers.get(spec["speaker"], {}))
    if existing is not None:
        # The importer's quote finder proposed this very quote: the demo editor accepts it.
        annotation = suggestion_accept(
            annotation=existing, user=author, speaker=speaker, note=spec.get("note", "")
        )
        annotation.tags.set([_tag(name) for name in spec.get("tags", [])])
        return 1, ""
    if kind == Annotation.Kind.QUOTE:
        # A suggestion overlapping a quote the demo adds itself would only be noise.
        Annotation.objects.suggested().filter(
            article=article, start__lt=end, end__gt=start
        ).delete()
    # Through the editors' own service: checked the same way, and with a history entry.
    fields = AnnotationFields(
        kind=kind,
        speaker_name=speaker.name if speaker else "",
        verdict=spec.get("verdict", ""),
        tag_names=spec.get("tags", []),
        note=spec.get("note", ""),
    )
    annotation = annotation_create(
        article=article,
        start=start,
        end=end,
        exact=article.body[start:end],
        fields=fields,
        user=author,
    )
    if annotation.status == Annotation.Status.DRAFT:
        review = spec.get("review", APPROVED)
        if review != Annotation.Status.DRAFT:
            verdict_submit(annotation_id=annotation.pk, user=author)
        if review == APPROVED:
            verdict_approve(annotation_id=annotation.pk, user=reviewer)
    return 1, ""


def _speaker(name: str, details: dict) -> Speaker:
    return speaker_get_or_create(
        name=name,
        aliases=details.get("aliases", [name.split()[-1]]),
        description=details.get("description", ""),
    )


def _tag(name: str) -> Tag:
    tag, _ = Tag.objects.get_or_create(
        name__iexact=name, defaults={"name": name, "slug": name_slug(name, fallback="tag")}
    )
    return tag


def _demo_accounts() -> dict[str, User]:
    users = {}
    for username, password, staff, superuser, group in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": staff, "is_superuser": superuser}
        )
        if created:
            user.set_password(password)
            user.save()
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[username] = user
    return users
