"""The rules of an annotation, each once, through `Annotation.clean()` (models.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles import models
from articles.models import Annotation, Speaker
from articles.services.annotations import annotation_check
from tests.factories import make_article, make_speaker

pytestmark = pytest.mark.django_db

BODY = "First paragraph here.\n\nSecond one."


@pytest.fixture
def article():
    return make_article(body=BODY, structure=None)


def annotation(article, **fields):
    values = {"kind": "highlight", "start": 0, "end": 5, "exact": "First", **fields}
    return Annotation(article=article, **values)


def errors(annotation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        annotation.clean()
    return error.value.message_dict


def test_a_valid_annotation_passes(article):
    annotation(article).clean()
    annotation(article, kind="claim", verdict="mostly-true", note="Why.").clean()
    annotation(
        article, kind="claim", verdict="false", note="Why.", sources=["https://a.example/"]
    ).clean()
    annotation(article, kind="claim", claimant=make_speaker()).clean()
    annotation(article, kind="quote", speaker=make_speaker()).clean()


def test_the_kind_must_be_known(article):
    assert errors(annotation(article, kind="rumour")) == {
        "kind": [models.UNKNOWN_KIND.format(kind="rumour")]
    }


def test_the_status_must_be_known(article):
    assert errors(annotation(article, status="lost")) == {
        "status": [models.UNKNOWN_STATUS.format(status="lost")]
    }


def test_the_verdict_must_be_known(article):
    assert errors(annotation(article, kind="claim", verdict="maybe", note="Why.")) == {
        "verdict": [models.UNKNOWN_VERDICT.format(verdict="maybe")]
    }


@pytest.mark.parametrize("kind", ["quote", "highlight"])
def test_only_claims_have_a_verdict(article, kind):
    assert errors(annotation(article, kind=kind, verdict="true")) == {
        "verdict": [models.VERDICT_ONLY_FOR_CLAIMS]
    }


@pytest.mark.parametrize("kind", ["claim", "highlight"])
def test_only_quotes_have_a_speaker(article, kind):
    assert errors(annotation(article, kind=kind, speaker=make_speaker())) == {
        "speaker": [models.SPEAKER_ONLY_FOR_QUOTES]
    }
    # A new speaker, not stored yet, counts the same.
    assert errors(annotation(article, kind=kind, speaker=Speaker(name="New"))) == {
        "speaker": [models.SPEAKER_ONLY_FOR_QUOTES]
    }


def test_sources_back_a_verdict(article):
    assert errors(annotation(article, kind="claim", sources=["https://a.example/"])) == {
        "sources": [models.SOURCES_ONLY_WITH_VERDICT]
    }


@pytest.mark.parametrize("kind", ["quote", "highlight"])
def test_only_claims_have_a_claimant(article, kind):
    assert errors(annotation(article, kind=kind, claimant=make_speaker())) == {
        "claimant": [models.CLAIMANT_ONLY_FOR_CLAIMS]
    }
    assert errors(annotation(article, kind=kind, claimant=Speaker(name="New"))) == {
        "claimant": [models.CLAIMANT_ONLY_FOR_CLAIMS]
    }


@pytest.mark.parametrize(("start", "end"), [(5, 5), (5, 3)])
def test_the_span_is_not_empty(article, start, end):
    assert errors(annotation(article, start=start, end=end, exact="")) == {
        "start": [models.SPAN_EMPTY]
    }


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (0, len(BODY) + 1)])
def test_the_span_lies_inside_the_text(article, start, end):
    message = models.SPAN_OUTSIDE_TEXT.format(start=start, end=end, length=len(BODY))
    assert errors(annotation(article, start=start, end=end)) == {"start": [message]}


def test_the_selected_text_matches_the_body_with_whitespace_collapsed(article):
    assert errors(annotation(article, exact="Frist")) == {"exact": [models.SPAN_TEXT_MISMATCH]}
    # Across blocks the browser sends one newline where the body has two.
    start = BODY.index("here")
    end = BODY.index(" one")
    annotation(article, start=start, end=end, exact="here.\nSecond").clean()


def test_every_broken_rule_is_reported_at_once(article):
    broken = annotation(article, kind="highlight", verdict="true", speaker=make_speaker(), end=99)
    assert set(errors(broken)) == {"verdict", "speaker", "start"}


def test_the_services_check_costs_no_query(article, django_assert_num_queries):
    article = type(article).objects.get(pk=article.pk)  # as the services load it
    speaker = make_speaker()
    broken = annotation(article, kind="claim", speaker=speaker, verdict="maybe", note="Why.")
    with django_assert_num_queries(0), pytest.raises(ValidationError) as error:
        annotation_check(broken)
    assert set(error.value.message_dict) == {"speaker", "verdict"}
    with django_assert_num_queries(0):
        annotation_check(annotation(article, kind="quote", speaker=speaker))


def test_the_database_guards_the_same_rules(article):
    """The CheckConstraints refuse what clean() would have, for writes that skip it."""
    for fields in (
        {"verdict": "true"},
        {"speaker": make_speaker()},
        {"claimant": make_speaker()},
        {"start": 5, "end": 5},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            annotation(article, **fields).save()
