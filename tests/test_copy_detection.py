"""Copy detection (pure): copies of one story are found, different stories are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.copy_detection import (
    BANDS,
    BINS,
    COPY_THRESHOLD,
    copy_similarity,
    fingerprint,
    is_copy,
    overlap,
    shingles,
)
from articles.importing.parsers import parse_source

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def body(name: str) -> str:
    path = next(SAMPLES.glob(f"{name}*.txt"))
    return parse_source(path.read_bytes(), filename=path.name).body


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def printed(text: str):
    found = fingerprint(text)
    assert found is not None
    return found


STORY = body("001_")


def test_the_same_text_is_a_copy_with_similarity_one():
    assert copy_similarity(printed(STORY), printed(STORY)) == 1.0


def test_an_edited_copy_in_another_outlet_is_a_copy():
    parts = paragraphs(STORY)
    edited = parts[:-2]  # the last two paragraphs trimmed
    edited[0] = "LONDON (Reuters) - " + edited[0]
    edited.insert(3, "Our correspondent in Ipswich adds that the picket lines were quiet.")
    copy = "\n\n".join(edited).replace("“", '"').replace("”", '"').replace("said", "told")
    assert is_copy(printed(STORY), printed(copy))


def test_the_first_half_of_a_story_is_a_copy_of_it():
    parts = paragraphs(STORY)
    half = "\n\n".join(parts[: len(parts) // 2])
    assert copy_similarity(printed(STORY), printed(half)) >= COPY_THRESHOLD


def test_two_stories_are_not_copies():
    assert not is_copy(printed(STORY), printed(body("002_")))


def test_a_follow_up_quoting_two_paragraphs_is_not_a_copy():
    quoted = paragraphs(STORY)[4:6]
    follow_up = "\n\n".join([*paragraphs(body("002_")), *quoted])
    assert not is_copy(printed(STORY), printed(follow_up))


def test_case_and_punctuation_do_not_count():
    assert shingles("“Nobody’s leaving,” she said, on Friday.") == shingles(
        "nobody s leaving she said on friday"
    )


def test_a_text_too_short_to_tell_has_no_fingerprint():
    assert fingerprint("Port strike talks collapse after a long night.") is None


def test_the_fingerprint_fits_postgresql_bigints_and_is_the_same_in_every_process():
    found = printed(STORY)
    assert len(found.signature) == BINS and len(found.bands) == BANDS
    assert all(-(2**63) <= value < 2**63 for value in (*found.signature, *found.bands))
    # blake2b, not Python's salted hash(): another process computes the same bands.
    assert found == printed(STORY)
    assert found.bands[0] == printed("\n\n".join(paragraphs(STORY))).bands[0]


@pytest.mark.parametrize(
    ("jaccard", "a", "b", "expected"),
    [(1.0, 100, 100, 1.0), (0.5, 100, 50, 1.0), (0.0, 10, 10, 0.0), (0.2, 100, 100, 1 / 3)],
)
def test_overlap_is_the_share_of_the_shorter_text_in_the_other(jaccard, a, b, expected):
    assert overlap(jaccard, a, b) == pytest.approx(expected)
