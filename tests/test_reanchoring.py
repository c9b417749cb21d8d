"""The pure re-anchoring rules: untouched spans map exactly, the rest moves only when sure."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.reanchoring import (
    KEPT,
    MOVED,
    REVIEW,
    Anchor,
    Decision,
    Opcode,
    TextMap,
    reanchor,
    reanchor_one,
)

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "000_58f869ba7bb6f21c.txt"
CONTEXT = 32


def anchor_at(text: str, start: int, end: int, key: int = 1) -> Anchor:
    return Anchor(
        key,
        start,
        end,
        text[start:end],
        text[max(0, start - CONTEXT) : start],
        text[end : end + CONTEXT],
    )


def anchor_on(text: str, words: str, occurrence: int = 0) -> Anchor:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(words, at + 1)
    return anchor_at(text, at, at + len(words))


def decide(old: str, new: str, anchor: Anchor) -> Decision:
    _, decisions = reanchor(old, new, [anchor])
    return decisions[0]


def test_an_untouched_span_follows_an_edit_before_it() -> None:
    old = "One two three.\n\nThe minister said it was fine.\n\nEnd."
    new = old.replace("two", "two and a half")
    decision = decide(old, new, anchor_on(old, "it was fine"))
    assert decision.outcome == KEPT
    assert new[decision.start : decision.end] == "it was fine"


def test_a_word_changed_inside_the_span_goes_to_review_with_a_proposal() -> None:
    old = "The minister said it was fine.\n\nEnd."
    new = old.replace("was fine", "was good")
    decision = decide(old, new, anchor_on(old, "it was fine"))
    assert decision.outcome == REVIEW
    assert decision.start is not None and decision.end is not None
    assert new[decision.start : decision.end] == "it was good"


def test_trap_the_same_sentence_twice_and_the_annotated_one_edited() -> None:
    sentence = "Prices will fall next year."
    old = f"{sentence} He repeated it later.\n\nAgain: {sentence} That was all."
    # The second one is annotated, then edited; the first copy is untouched.
    anchor = anchor_on(old, sentence, occurrence=1)
    new = old.replace(f"Again: {sentence}", "Again: Prices will rise next year.")
    decision = decide(old, new, anchor)
    assert decision.outcome == REVIEW  # never moved onto the other copy


def test_trap_a_name_in_two_paragraphs() -> None:
    old = "Ms Kaya spoke first.\n\nLater, Ms Kaya left the room."
    anchor = anchor_on(old, "Ms Kaya", occurrence=1)
    new = old.replace("Later, Ms Kaya left", "Later, Ms Kayá left")
    decision = decide(old, new, anchor)
    assert decision.outcome == REVIEW
    # The other name, not annotated, keeps its place whatever happens.
    first = decide(old, new, anchor_on(old, "Ms Kaya"))
    assert first.outcome == KEPT and (first.start, first.end) == (0, 7)


def test_trap_a_paragraph_moved() -> None:
    paragraphs = [
        "The council met on Monday to discuss the budget.",
        "“We cannot afford another year like this,” the mayor said.",
        "The vote is expected next week.",
    ]
    old = "\n\n".join(paragraphs)
    new = "\n\n".join([paragraphs[0], paragraphs[2], paragraphs[1]])
    anchor = anchor_on(old, "We cannot afford another year like this")
    decision = decide(old, new, anchor)
    assert decision.outcome in (KEPT, MOVED)
    assert new[decision.start : decision.end] == anchor.exact
    assert decision.start == new.index(anchor.exact)


def test_a_paragraph_moved_and_edited_takes_its_unchanged_words_along() -> None:
    paragraphs = [
        "The council met on Monday to discuss the budget for the coming year.",
        "“We cannot afford another year like this,” the mayor said after the meeting.",
        "The vote is expected next week, officials said.",
        "Residents have until Friday to send their comments to the council.",
    ]
    old = "\n\n".join(paragraphs)
    edited = paragraphs[1].replace("after the meeting", "after the meetng")
    # Moved to the end and a typo made in it: a line diff sees it deleted and inserted.
    # A new paragraph with the same words as the annotated ones: searched for, the
    # annotated words would have two places to go.
    added = "Asked again, the mayor said it twice: “We cannot afford another year like this.”"
    new = "\n\n".join([paragraphs[0], added, paragraphs[2], paragraphs[3], edited])
    anchor = anchor_on(old, "We cannot afford another year like this")
    decision = decide(old, new, anchor)
    assert decision.outcome == MOVED
    at = new.index(edited) + 1
    assert (decision.start, decision.end) == (at, at + len(anchor.exact))
    # The words the typo touched changed: a person looks.
    assert decide(old, new, anchor_on(old, "after the meeting")).outcome == REVIEW


def test_a_rewritten_paragraph_is_not_taken_for_a_moved_one() -> None:
    first = "The council met on Monday to discuss the budget for the coming year."
    second = "Residents have until Friday to send their comments to the council."
    old = f"{first}\n\n{second}"
    new = f"The mayor spoke first and said nothing about money at all.\n\n{second}"
    assert decide(old, new, anchor_on(old, "discuss the budget")).outcome == REVIEW


def test_trap_a_paragraph_deleted() -> None:
    old = "First paragraph here.\n\nThe quote was in this one.\n\nLast paragraph."
    new = "First paragraph here.\n\nLast paragraph."
    decision = decide(old, new, anchor_on(old, "The quote was in this one."))
    assert decision.outcome == REVIEW
    assert decide(old, new, anchor_on(old, "Last paragraph")).outcome == KEPT


def test_trap_damaged_quotation_marks_repaired() -> None:
    old = SAMPLE.read_text(encoding="utf-8")
    words = "Nobody's leaving,\" Milley said."
    anchor = anchor_on(old, words)
    new = old.replace("\n" + words, '\n"' + words)
    assert new != old
    decision = decide(old, new, anchor)
    assert decision.outcome == KEPT
    assert new[decision.start : decision.end] == words
    # A span that took in the place where the mark now is changed text: review.
    line_start = anchor_at(old, anchor.start - 1, anchor.end)
    assert decide(old, new, line_start).outcome == REVIEW


def test_trap_emoji_and_turkish_letters_before_the_span() -> None:
    old = "Haber 🗞️ İstanbul’da ığdır şöyle: “Kuraklık geliyor” dedi."
    anchor = anchor_on(old, "Kuraklık geliyor")
    new = old.replace("🗞️", "🗞️👍🏽 İĞDIR")
    decision = decide(old, new, anchor)
    assert decision.outcome == KEPT
    assert new[decision.start : decision.end] == "Kuraklık geliyor"


def test_the_only_candidate_with_foreign_context_goes_to_review() -> None:
    old = "Alpha beta gamma.\n\nThe phrase sits here."
    new = "Completely other words, and then The phrase sits here differently."
    decision = decide(old, new, anchor_on(old, "The phrase sits here"))
    assert decision.outcome in (KEPT, MOVED, REVIEW)
    if decision.outcome != REVIEW:
        assert new[decision.start : decision.end] == "The phrase sits here"


def test_two_inserted_candidates_go_to_review() -> None:
    old = "Start.\n\nHe said: we will win.\n\nEnd."
    new = "Start.\n\nEnd.\n\nOur words: we will win! And again: we will win!"
    # The rule itself, on a diff that rewrote everything: two places, no choice.
    rewritten = TextMap(old, new, [Opcode("replace", 0, len(old), 0, len(new))])
    decision = reanchor_one(rewritten, anchor_on(old, "we will win"))
    assert decision.outcome == REVIEW
    assert decision.candidates == 2


WORDS = st.sampled_from(
    ["the", "minister", "said", "İstanbul", "ığdır", "🗞️", "“quoted”", "—", "a", "budget", "\n\n"]
)
INSERTS = st.sampled_from(["new", " words ", "\n\n", "“", "İ", "😀", "the", " minister said ", ""])


@st.composite
def text_and_edits(draw):
    """A text of distinguishable words, a span from a word's start to a word's end, and
    edits that each keep clear of the span (what they insert may repeat anything).

    Distinguishable, because where the same words repeat side by side no diff can tell
    which copy an insertion went before ("the the" + "the " reads the same either way)."""
    count = draw(st.integers(5, 60))
    words = [f"{draw(WORDS).strip() or 'x'}{index}" for index in range(count)]
    separators = [draw(st.sampled_from([" ", " ", "\n\n", ", "])) for _ in range(count - 1)]
    text = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    starts = [text.index(word) for word in words]
    first = draw(st.integers(0, count - 1))
    last = draw(st.integers(first, min(count - 1, first + 6)))
    start, end = starts[first], starts[last] + len(words[last])
    edits = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["insert", "delete", "replace"]),
                st.integers(0, 10_000),
                st.integers(0, 8),
                INSERTS,
            ),
            max_size=8,
        )
    )
    return text, start, end, edits


def apply_outside(text: str, start: int, end: int, edits) -> tuple[str, int, int]:
    """Apply edits that never touch [start, end), nor the character either side of it (an
    edit glued onto a boundary can make the boundary itself ambiguous: "a0 minister1" ->
    "a0minister1" after " minister said " was inserted); return the text and the span's new
    place. Insertions right at a boundary are tested by the traps (the quotation mark)."""
    for kind, position, length, insert in edits:
        # Choose a stretch wholly before or wholly after the span.
        before = position % 2 == 0
        limit = start - 1 if before else len(text) - end - 1
        if limit < 0:
            continue
        if before:
            at = position % (limit + 1)
            stop = min(at + (0 if kind == "insert" else length), limit)
        else:
            at = end + 1 + position % (limit + 1)
            stop = min(at + (0 if kind == "insert" else length), len(text))
        replacement = "" if kind == "delete" else insert
        text = text[:at] + replacement + text[stop:]
        if before:
            shift = len(replacement) - (stop - at)
            start, end = start + shift, end + shift
    return text, start, end


@settings(max_examples=300, deadline=None)
@given(text_and_edits())
def test_edits_that_do_not_touch_a_span_map_it_exactly(case) -> None:
    text, start, end, edits = case
    anchor = anchor_at(text, start, end)
    new, new_start, new_end = apply_outside(text, start, end, edits)
    decision = decide(text, new, anchor)
    assert new[new_start:new_end] == anchor.exact
    assert decision.outcome in (KEPT, MOVED), decision
    assert (decision.start, decision.end) == (new_start, new_end)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(WORDS, min_size=3, max_size=40),
    st.lists(WORDS, min_size=3, max_size=40),
    st.integers(0, 500),
    st.integers(1, 30),
)
def test_whatever_the_edit_no_span_is_published_on_other_text(old_words, new_words, at, length):
    old = " ".join(old_words)
    new = " ".join(new_words)
    start = at % len(old)
    end = min(len(old), start + length)
    decision = decide(old, new, anchor_at(old, start, end))
    if decision.outcome in (KEPT, MOVED):
        assert new[decision.start : decision.end] == old[start:end]


def test_a_paragraph_inserted_inside_a_span_whose_last_words_repeat_its_first_is_review():
    # bench/reanchor.py found it: the span ran across a paragraph break, a paragraph ending
    # in the span's first word was inserted at the break, and the inserted word plus the
    # span's own tail read exactly as the span. Those are not the annotated words.
    old = "Rain fell on ığdır.\n\nCouncil port year police port vote."
    new = old.replace("\n\nCouncil", "\n\nCouncil agreed in şehir of ığdır.\n\nCouncil")
    anchor = anchor_on(old, "ığdır.\n\nCouncil port")
    assert new.count(anchor.exact) == 1  # the span itself is gone
    decision = decide(old, new, anchor)
    assert decision.outcome == REVIEW, decision


def test_a_sentence_copied_where_its_paragraph_was_does_not_take_the_paragraph_s_marks():
    # bench/reanchor.py found it: a paragraph moved up, a copy of its first sentence put where
    # it stood; the line diff paired the paragraph with the copy and the annotation stayed
    # on the copy. The paragraph, unchanged elsewhere, is where the annotated words went.
    first = "Told the council the plan was agreed on Monday."
    moved = f"{first} Officials declined to say more about it."
    others = ["The budget vote is next week.", "Union leaders met the minister."]
    old = "\n\n".join([others[0], others[1], moved, "The end of the story."])
    new = "\n\n".join([moved, others[0], others[1], first, "The end of the story."])
    anchor = anchor_on(old, "the plan was agreed")
    decision = decide(old, new, anchor)
    assert decision.outcome in (KEPT, MOVED), decision
    assert decision.start == new.index("the plan was agreed")


def test_a_paragraph_copied_then_corrected_in_place_is_never_published_on_the_copy() -> None:
    # The first paragraph gets a typo fixed where it stands; an identical copy of it went
    # further down. The line diff may pair the old paragraph with the verbatim copy; which
    # of the two is the annotated one no text can tell, so its marks wait for an editor.
    first = "Istanbul will strengthen or rebuild 120,000 homes over the next three years."
    second = "Speaking at a ceremony in the district, the minister said the state would pay."
    third = "Not everyone is convinced that the programme will reach the older blocks."
    old = f"{first}\n\n{second}\n\n{third}"
    new = f"{first.replace('Istanbul', 'Istanbol')}\n\n{second}\n\n{first}\n\n{third}"
    decision = decide(old, new, anchor_on(old, "will strengthen"))
    assert decision.outcome == REVIEW
    assert decision.reason == "the paragraph stands twice, once edited"


def test_a_sentence_copied_out_of_an_untouched_paragraph_leaves_its_marks_in_place() -> None:
    first = "Aydın said the losses in the network were above thirty per cent and unacceptable."
    paragraph = f"{first} She then listed what the city should do before building dams."
    old = f"The drought went on.\n\n{paragraph}\n\nThe end of the story."
    new = f"The drought went on.\n\n{first}\n\n{paragraph}\n\nThe end of the story."
    anchor = anchor_on(old, "above thirty per cent")
    decision = decide(old, new, anchor)
    assert decision.outcome == KEPT
    assert decision.start == new.index(paragraph) + paragraph.index("above thirty per cent")


def test_a_sentence_copied_out_then_its_paragraph_deleted_goes_to_review() -> None:
    # Its words stand only in the copy, whose paragraph ends where the annotated one went on:
    # the copy is not the annotated words (it reads like the paragraph moved and cut, which
    # an editor must confirm).
    sentence = "Dr Sean O'Connell, the chief inspector, said staff were doing their best."
    paragraph = f"{sentence} Nobody goes into nursing to look after a frail patient in a corridor."
    old = f"The report came out.\n\n{paragraph}\n\nPatient groups were not convinced.\n\nEnd."
    new = f"The report came out.\n\nPatient groups were not convinced.\n\n{sentence}\n\nEnd."
    decision = decide(old, new, anchor_on(old, "doing their best."))
    assert decision.outcome == REVIEW


def test_blank_lines_pair_only_between_the_same_paragraphs() -> None:
    # One paragraph copied far up: the unchanged paragraphs after the original stay one run,
    # so an annotation in the copied paragraph, untouched, follows its original.
    paragraphs = [f"Paragraph number {n} tells its part of the story at length." for n in range(8)]
    old = "\n\n".join(paragraphs)
    edited = [*paragraphs]
    edited[5] = edited[5].replace("tells", "tels")
    new = "\n\n".join([paragraphs[3], *edited])
    anchor = anchor_on(old, "Paragraph number 3 tells")
    decision = decide(old, new, anchor)
    assert decision.outcome == KEPT
    assert decision.start == new.index(paragraphs[3], 1)


def test_a_paragraph_moved_with_a_copy_left_behind_is_never_published_on_the_copy() -> None:
    # The annotated paragraph went to the top; a verbatim copy of it stands where it was,
    # between neighbours that changed. Moved, or copied up? Nothing in the text says.
    paragraphs = [
        f"Paragraph {n} of the story says something of its own, at length." for n in range(5)
    ]
    old = "\n\n".join(paragraphs)
    below = [*paragraphs]
    below[1] = below[1].replace("something", "somethin")
    below[3] = below[3].replace("something", "somthing")
    new = "\n\n".join([paragraphs[2], *below])
    decision = decide(old, new, anchor_on(old, "Paragraph 2 of the story"))
    assert decision.outcome == REVIEW
