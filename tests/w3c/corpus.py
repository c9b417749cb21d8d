"""Annotations of every kind and shape the W3C export must represent: with and without
notes, tags, speakers and verdicts, by editors with and without a full name, on English and
Turkish text with emoji; plus a suggestion and a rejected proposal that must never appear."""

from __future__ import annotations

import dataclasses

from articles.models import Annotation, Article
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

TURKISH_BODY = (
    "Kuraklık uyarısı 🌵 İzmir'de\n\n"
    "Bakan, “Barajlarda yalnızca yüzde 12 su kaldı” dedi 💧 ve ılık bir kışın ardından "
    "ÇİFTÇİLER ışığı bekliyor.\n\n"
    "Uzmanlar ise rakamın abartılı olduğunu söylüyor 🤔."
)
ENGLISH_BODY = (
    "Minister says the dam is full 👍.\n\n"
    'Critics said "the figures are made up" and asked for an inquiry.'
)


@dataclasses.dataclass
class Corpus:
    turkish: Article
    english: Article
    published: list[Annotation]
    hidden: list[Annotation]


def span(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    return start, start + len(text)


def make_corpus() -> Corpus:
    turkish = make_article(title="Kuraklık İzmir'de", body=TURKISH_BODY, language="tr")
    english = make_article(title="Dam full, minister says", body=ENGLISH_BODY)
    named = make_user("ayse.login", first_name="Ayşe", last_name="Yılmaz", editor=True)
    anonymous_editor = make_user("editor.login", editor=True)
    bakan = make_speaker("Bakan Işık")
    drought, water = make_tag("Kuraklık"), make_tag("Su 💧")
    body = turkish.body
    published = [
        make_annotation(
            turkish,
            *span(body, "Barajlarda yalnızca yüzde 12 su kaldı"),
            Annotation.Kind.QUOTE,
            speaker=bakan,
            tags=[drought, water],
            note="Bakanın sözleri 🗣️ — İ ı Ş ğ",
            author=named,
        ),
        make_annotation(
            turkish,
            *span(body, "yüzde 12 su kaldı"),
            Annotation.Kind.CLAIM,
            verdict=Annotation.Verdict.MOSTLY_FALSE,
            note="DSİ verileri %31 diyor.",
            author=anonymous_editor,
        ),
        make_annotation(turkish, *span(body, "Kuraklık uyarısı 🌵"), Annotation.Kind.HIGHLIGHT),
        make_annotation(
            turkish,
            *span(body, "rakamın abartılı olduğunu"),
            Annotation.Kind.CLAIM,
            tags=[drought],
        ),
        make_annotation(
            english,
            *span(english.body, "the dam is full 👍"),
            Annotation.Kind.CLAIM,
            verdict=Annotation.Verdict.UNVERIFIABLE,
            author=named,
        ),
        make_annotation(
            english, *span(english.body, "the figures are made up"), Annotation.Kind.QUOTE
        ),
        make_annotation(
            english,
            *span(english.body, "asked for an inquiry"),
            Annotation.Kind.HIGHLIGHT,
            note="Follow up 📌",
            tags=[water],
        ),
    ]
    hidden = [
        make_annotation(
            english,
            *span(english.body, "Critics said"),
            Annotation.Kind.QUOTE,
            status=Annotation.Status.SUGGESTED,
            proposed_speaker="Critics",
        ),
        make_annotation(
            turkish,
            *span(body, "Uzmanlar ise"),
            Annotation.Kind.QUOTE,
            status=Annotation.Status.REJECTED,
        ),
        # Verdicts not approved by a second editor yet: in draft, submitted, sent back.
        *(
            make_annotation(
                english,
                at,
                at + 6,
                Annotation.Kind.CLAIM,
                status=status,
                verdict=Annotation.Verdict.FALSE,
                note="Not yet reviewed.",
                sources=["https://example.org/check"],
            )
            for at, status in zip(
                (0, 1, 2),
                (Annotation.Status.DRAFT, Annotation.Status.SUBMITTED, Annotation.Status.RETURNED),
                strict=True,
            )
        ),
    ]
    return Corpus(turkish, english, published, hidden)
