"""`manage.py find_copies`: the copies among articles stored before detection existed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import StoryCopy, StoryFingerprint
from articles.services.versions import article_correct
from tests.factories import make_article
from tests.test_copy_detection import body
from tests.test_services_copies import COPY, STORY

pytestmark = pytest.mark.django_db


def find_copies(*args: str) -> str:
    out = StringIO()
    call_command("find_copies", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_links_every_pair_in_one_pass_across_batches():
    source, other, target = (
        make_article(body=STORY),
        make_article(body=body("002_")),
        make_article(body=COPY),
    )
    assert (
        find_copies("--batch-size", "1")
        == "3 articles fingerprinted, 1 new pair of copies linked.\n"
    )
    assert set(StoryCopy.objects.values_list("article_id", "copy_id")) == {
        (source.pk, target.pk),
        (target.pk, source.pk),
    }
    assert StoryFingerprint.objects.filter(article=other).exists()


def test_running_it_again_finds_nothing_stale_after_a_correction():
    article = make_article(body=STORY)
    make_article(body=COPY)
    find_copies()
    assert find_copies() == "0 articles fingerprinted, 0 new pairs of copies linked.\n"
    article_correct(
        article=article,
        body=STORY.replace("eight-day", "eight day"),
        structure=None,
        reason="Style",
        user=None,
    )
    # The correction fingerprinted the new text itself: nothing is left stale.
    assert find_copies() == "0 articles fingerprinted, 0 new pairs of copies linked.\n"
    assert find_copies("--all") == "2 articles fingerprinted, 0 new pairs of copies linked.\n"


def test_a_bad_batch_size_is_a_clear_error():
    with pytest.raises(CommandError, match="at least 1"):
        find_copies("--batch-size", "0")
