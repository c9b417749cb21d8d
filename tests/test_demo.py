from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from articles.demo import DEMO_ACCOUNTS, demo_load
from articles.models import Annotation, Article, Speaker
from articles.permissions import REVIEWERS_GROUP, is_editor, is_reviewer

pytestmark = pytest.mark.django_db

SAMPLES = settings.BASE_DIR / "samples"


def speaker_name(quote: Annotation) -> str:
    assert quote.speaker is not None, f"{quote} has no speaker"
    return quote.speaker.name


def test_it_imports_every_sample_and_annotates_the_samples_quotes():
    summary = demo_load(samples_dir=SAMPLES)
    assert summary.problems == []
    assert summary.imported == len(list(SAMPLES.glob("*.txt")))
    sample = Article.objects.get(title__startswith="'HONEST MISTAKE'")
    quotes = Annotation.objects.published().filter(article=sample, kind="quote")
    assert quotes.count() == 9
    assert {speaker_name(q) for q in quotes} == {"Mark Milley", "Mark Esper", "Donald Trump"}
    assert all(sample.body[q.start : q.end] == q.exact for q in quotes)
    assert Annotation.objects.filter(article=sample, kind="claim").exclude(verdict="").exists()
    assert Speaker.objects.get(name="Mark Milley").aliases


def test_it_is_idempotent():
    demo_load(samples_dir=SAMPLES)
    counts = (Article.objects.count(), Annotation.objects.count(), Speaker.objects.count())
    again = demo_load(samples_dir=SAMPLES)
    assert again.imported == 0 and again.annotations_created == 0
    assert (Article.objects.count(), Annotation.objects.count(), Speaker.objects.count()) == counts


def test_it_creates_the_demo_accounts_with_their_roles(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username, password, staff, superuser, group in DEMO_ACCOUNTS:
        user = authenticate(username=username, password=password)
        assert user is not None, username
        assert (user.is_staff, user.is_superuser) == (staff, superuser)
        assert is_editor(user) == (group is not None or staff)
        assert is_reviewer(user) == (group == REVIEWERS_GROUP or staff)
        assert f"{username:<8} password: {password}" in out


def test_demo_verdicts_are_approved_by_the_reviewer_unless_left_in_review():
    demo_load(samples_dir=SAMPLES)
    claims = Annotation.objects.filter(kind=Annotation.Kind.CLAIM).exclude(verdict="")
    states = dict(claims.values_list("status").annotate(n=Count("id")))
    assert states == {"published": 8, "submitted": 1, "draft": 1}
    for claim in claims.filter(status="published"):
        assert claim.reviewer is not None and claim.author is not None
        assert claim.reviewer.username == "reviewer" and claim.author.username == "editor"
        assert claim.reviewed_at is not None and claim.note


def test_the_demo_articles_are_searchable_with_their_suggestions_at_once():
    demo_load(samples_dir=SAMPLES)
    assert not Article.objects.waiting_for_index().exists()
    assert not Article.objects.filter(search_vector__isnull=True).exists()
    assert Article.objects.filter(search_vector="pentagon").exists()
    assert Annotation.objects.suggested().exists()
