"""The story the reading pages' browser tests read: five annotations, nested and overlapping."""

from __future__ import annotations

import datetime

import pytest

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

BODY = (
    "The U.S. letter that seemed to announce the withdrawal of troops from Iraq was an "
    '"honest mistake," General Mark Milley told reporters on Monday. 😀 For a few tense hours, '
    "the U.S. appeared to have announced that it would withdraw its troops.\n\n"
    "A knot of miscommunication\n\n"
    '"Here\'s the bottom line. This was a mistake," Defense Secretary Mark Esper said. '
    "The U.S. is not pulling troops out of Iraq, Esper told reporters."
)


@pytest.fixture
def story():
    outlet = make_outlet("Euronews")
    article = make_article(
        title="'Honest mistake': Pentagon denies plans to withdraw troops from Iraq",
        body=BODY,
        outlet=outlet,
        summary="A draft letter caused hours of confusion.",
        agency="AP",
        original_url="https://www.euronews.com/2020/01/06/example",
        published_on=datetime.date(2020, 1, 7),
    )
    milley, esper = make_speaker("Mark Milley"), make_speaker("Mark Esper")
    iraq, pentagon = make_tag("Iraq"), make_tag("Pentagon")

    def span(text: str) -> tuple[int, int]:
        start = BODY.index(text)
        return start, start + len(text)

    quote = make_annotation(
        article, *span('"honest mistake,"'), Annotation.Kind.QUOTE, speaker=milley, tags=[iraq]
    )
    claim = make_annotation(
        article,
        *span("The U.S. letter that seemed to announce the withdrawal of troops from Iraq"),
        Annotation.Kind.CLAIM,
        verdict=Annotation.Verdict.MOSTLY_TRUE,
        note="The letter was a draft, the Pentagon said.",
        tags=[pentagon],
    )
    # A claim inside a quote, overlapping a highlight: nested and overlapping at once.
    outer = make_annotation(
        article,
        *span('"Here\'s the bottom line. This was a mistake,"'),
        Annotation.Kind.QUOTE,
        speaker=esper,
        tags=[iraq],
    )
    inner = make_annotation(
        article, *span("This was a mistake"), Annotation.Kind.CLAIM, verdict="true"
    )
    highlight = make_annotation(
        article, *span('a mistake," Defense Secretary'), Annotation.Kind.HIGHLIGHT
    )
    return {
        "article": article,
        "quote": quote,
        "claim": claim,
        "outer": outer,
        "inner": inner,
        "highlight": highlight,
    }
