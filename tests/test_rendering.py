from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.rendering import (
    Mark,
    render_annotation_items,
    render_blocks,
    render_body,
    render_filter_links,
)
from tests.factories import make_annotation, make_article
from tests.htmx import apply_oob_swaps, parse


class BodyReader(HTMLParser):
    """Reads rendered body HTML back: block texts, each mark's text, and nesting errors."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.blocks: list[tuple[str, int, str]] = []
        self.mark_text: dict[int, str] = defaultdict(str)
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("p", "h2"):
            assert not self.stack, "blocks never nest"
            self.blocks.append((tag, int(attrs["data-start"]), ""))
        else:
            assert tag == "mark" and self.stack, "marks only inside blocks"
        if "id" in attrs:
            self.ids.append(attrs["id"])
        self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes the wrong element"
        self.stack.pop()

    def handle_data(self, data):
        if not self.stack:
            assert not data.strip()
            return
        tag, start, text = self.blocks[-1]
        self.blocks[-1] = (tag, start, text + data)
        for name, attrs in self.stack:
            if name == "mark":
                self.mark_text[int(attrs["data-annotation"])] += data


def read(html: str) -> BodyReader:
    reader = BodyReader()
    reader.feed(html)
    reader.close()
    assert not reader.stack
    return reader


def visible_text(html: str) -> str:
    return "\n\n".join(text for _, _, text in read(html).blocks)


def test_it_wraps_a_span_in_a_mark():
    html = render_body("Hello world", [], [Mark(1, 6, 11, "quote")])
    assert '<mark class="ann ann-quote" data-annotation="1" id="annotation-1"' in html
    assert 'aria-describedby="note-1"' in html
    assert visible_text(html) == "Hello world"


def test_blocks_carry_the_offset_of_their_first_character():
    body = "First block\n\nSecond block"
    reader = read(render_body(body, [], []))
    assert [(tag, start) for tag, start, _ in reader.blocks] == [("p", 0), ("p", 13)]
    for _, start, text in reader.blocks:
        assert body[start : start + len(text)] == text


def test_overlapping_marks_lose_and_double_nothing():
    body = "one two three four"
    html = render_body(body, [], [Mark(1, 0, 7, "claim"), Mark(2, 4, 13, "claim")])
    reader = read(html)
    assert visible_text(html) == body
    assert reader.mark_text == {1: "one two", 2: "two three"}
    assert html.count('id="annotation-1"') == 1 and html.count('id="annotation-2"') == 1


def test_nested_and_adjacent_marks():
    body = "a quote inside a claim"
    html = render_body(
        body, [], [Mark(1, 0, 22, "claim"), Mark(2, 2, 7, "quote"), Mark(3, 7, 14, "highlight")]
    )
    assert visible_text(html) == body
    assert 'data-annotation="1" id="annotation-1"' in html
    # The quote nests inside the claim without splitting it.
    assert html.count('data-annotation="1"') == 1
    assert read(html).mark_text == {1: body, 2: "quote", 3: " inside"}


def test_only_the_marks_opened_after_an_ending_one_are_reopened():
    body = "abcdefghij"
    html = render_body(
        body, [], [Mark(1, 0, 10, "claim"), Mark(2, 2, 6, "quote"), Mark(3, 4, 8, "highlight")]
    )
    # 2 ends inside 3: 3 is closed and reopened, 1 (outermost) stays open throughout.
    assert html.count('data-annotation="1"') == 1
    assert html.count('data-annotation="3"') == 2
    assert read(html).mark_text == {1: body, 2: "cdef", 3: "efgh"}


def test_identical_spans_both_render():
    html = render_body("same span", [], [Mark(1, 0, 4, "quote"), Mark(2, 0, 4, "claim")])
    assert read(html).mark_text == {1: "same", 2: "same"}


def test_astral_characters_shift_nothing():
    body = "😀 emoji then text 👩‍👩‍👧 family"
    start = body.index("family")
    html = render_body(body, [], [Mark(1, 2, 7, "quote"), Mark(2, start, start + 6, "claim")])
    assert re.search(r'id="annotation-1"[^>]*>emoji</mark>', html)
    assert read(html).mark_text == {1: "emoji", 2: "family"}


def test_a_mark_spanning_blocks_is_split_per_block():
    body = "First block\n\nSecond block"
    html = render_body(body, [], [Mark(1, 6, 19, "quote")])
    assert html.count('data-annotation="1"') == 2
    assert html.count('id="annotation-1"') == 1
    assert visible_text(html) == body
    assert read(html).mark_text[1] == "blockSecond"


def test_a_mark_inside_the_gap_between_blocks_renders_nothing_empty():
    body = "First\n\n\n\nSecond"
    structure = [
        {"kind": "paragraph", "start": 0, "end": 5},
        {"kind": "paragraph", "start": 9, "end": 15},
    ]
    html = render_body(body, structure, [Mark(1, 6, 8, "quote"), Mark(2, 3, 7, "claim")])
    assert "<mark" in html and "></mark>" not in html.replace("</mark></mark>", "")
    assert read(html).mark_text == {2: "st"}


def test_headings_render_as_h2():
    body = "Heading\n\nText."
    html = render_body(
        body,
        [{"kind": "heading", "start": 0, "end": 7}, {"kind": "paragraph", "start": 9, "end": 14}],
        [],
    )
    assert html.startswith('<h2 data-start="0">Heading</h2>')


def test_html_in_the_text_is_escaped():
    html = render_body("<script>x</script>", [], [Mark(1, 0, 8, "quote")])
    assert "<script>" not in html
    assert visible_text(html) == "<script>x</script>"


def test_suggested_marks_carry_their_class():
    html = render_body("maybe a quote", [], [Mark(7, 0, 5, "quote", css="is-suggested")])
    assert 'class="ann ann-quote is-suggested"' in html


def test_out_of_range_marks_are_ignored():
    html = render_body("short", [], [Mark(1, 2, 50, "quote"), Mark(2, 3, 3, "quote")])
    assert "<mark" not in html


texts = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from("😀👩‍👧<>&\"'")),
    min_size=1,
    max_size=30,
)
spans = st.lists(
    st.tuples(st.integers(0, 80), st.integers(1, 40), st.sampled_from(["quote", "claim"])),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(paragraphs=st.lists(texts, min_size=1, max_size=4), raw=spans)
def test_visible_text_always_equals_the_stored_text(paragraphs, raw):
    paragraphs = [p.replace("\n", " ") for p in paragraphs]
    body = "\n\n".join(paragraphs)
    marks = [
        Mark(i + 1, s, min(s + length, len(body)), kind)
        for i, (s, length, kind) in enumerate(raw)
        if s < len(body)
    ]
    html = render_body(body, [], marks)
    reader = read(html)
    assert visible_text(html) == body
    # Every mark covers exactly its span (minus the gaps between blocks), once.
    for mark in marks:
        expected = "".join(
            body[max(mark.start, start) : min(mark.end, start + len(text))]
            for _, start, text in reader.blocks
        )
        assert reader.mark_text.get(mark.id, "") == expected
        if expected:
            assert reader.ids.count(f"annotation-{mark.id}") == 1


def blocks_of(html: str) -> dict[int, str]:
    """Each block's HTML by its data-start, as render_body wrote it."""
    return {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<(?:p|h2) data-start="(\d+)">.*?</(?:p|h2)>\n', html, re.S)
    }


def test_render_blocks_gives_the_blocks_a_span_touches():
    body = "One two.\n\nThree four.\n\nFive six."
    marks = [Mark(1, 4, 15, "quote"), Mark(2, 0, 3, "claim")]
    touched = render_blocks(body, [], marks, 4, 15)
    assert [start for start, _ in touched] == [0, 10]
    whole = blocks_of(render_body(body, [], marks))
    assert [html for _, html in touched] == [whole[0], whole[10]]


@settings(max_examples=400, deadline=None)
@given(
    paragraphs=st.lists(texts, min_size=1, max_size=5),
    raw=spans,
    new=st.tuples(st.integers(0, 120), st.integers(1, 60), st.sampled_from(["quote", "claim"])),
    gap=st.sampled_from([1, 2, 3]),
)
def test_a_new_mark_changes_only_the_blocks_it_touches(paragraphs, raw, new, gap):
    """What a write sends (the blocks its span touches) is all that differs on the page.

    Blocks are separated by 1-3 characters, so marks may start or end in the gaps; marks may
    nest, overlap, and span several blocks.
    """
    paragraphs = [p.replace("\n", " ") for p in paragraphs]
    body = ("\n" * gap).join(paragraphs)
    structure, pos = [], 0
    for i, p in enumerate(paragraphs):
        structure.append({"kind": "heading" if i % 3 == 2 else "paragraph", "start": pos})
        structure[-1]["end"] = pos + len(p)
        pos += len(p) + gap
    marks = [
        Mark(i + 1, s, min(s + length, len(body)), kind)
        for i, (s, length, kind) in enumerate(raw)
        if s < len(body)
    ]
    start, length, kind = new
    start = min(start, len(body) - 1)
    added = Mark(999, start, min(start + length, len(body)), kind, css="is-suggested")
    before = blocks_of(render_body(body, structure, marks))
    after = blocks_of(render_body(body, structure, [*marks, added]))
    touched = dict(render_blocks(body, structure, [*marks, added], added.start, added.end))
    for block_start, html in after.items():
        if block_start in touched:
            assert touched[block_start] == html
        else:
            assert before[block_start] == html, "a block the new mark does not touch changed"
    # Removing it again (a delete) is the same change backwards.
    gone = dict(render_blocks(body, structure, marks, added.start, added.end))
    assert gone.keys() == touched.keys()
    assert all(before[block_start] == html for block_start, html in gone.items())


def test_marked_text_escapes_the_text_before_the_markers_become_marks():
    from django.utils.safestring import SafeString

    from articles.rendering import marked_text

    html = marked_text("The \x02troops\x03 & <b>tanks</b> \x02withdrew\x03", "\x02", "\x03")
    assert isinstance(html, SafeString)
    assert html == "The <mark>troops</mark> &amp; &lt;b&gt;tanks&lt;/b&gt; <mark>withdrew</mark>"


def test_blocks_out_of_band_replace_their_namesakes_as_render_body_renders_them():
    body = "One two.\n\nThree four.\n\nFive six."
    before = render_body(body, [], [Mark(2, 0, 3, "claim")])
    marks = [Mark(1, 4, 15, "quote"), Mark(2, 0, 3, "claim")]
    touched = render_blocks(body, [], marks, 4, 15, oob=True)
    assert touched[0][1].startswith(
        '<p data-start="0" hx-swap-oob="outerHTML:#article-body > [data-start=\'0\']">'
    )
    page = parse(f'<div id="article-body">{before}</div>')
    apply_oob_swaps(page, "".join(html for _, html in touched))
    assert (
        page.get("#article-body").html()
        == parse(f'<div id="article-body">{render_body(body, [], marks)}</div>')
        .get("#article-body")
        .html()
    )


@pytest.mark.django_db
def test_list_entries_out_of_band_replace_their_namesakes():
    article = make_article(body="Words to annotate here.", structure=None)
    make_annotation(article, 0, 5, "highlight", note="a <b>note</b>")
    (annotation,) = Article.objects.for_reading().get(pk=article.pk).reading_annotations
    plain = render_annotation_items([annotation])
    swapped = render_annotation_items([annotation], oob=True)
    assert swapped.startswith('<li hx-swap-oob="true" class="annotation-item kind-highlight"')
    assert swapped.replace(' hx-swap-oob="true"', "") == plain
    assert "a &lt;b&gt;note&lt;/b&gt;" in plain


def test_filter_links_are_escaped_and_mark_the_current_one():
    options = {
        "kinds": [
            {"id": "filter-kind-all", "href": "/a/", "label": "All", "count": 2, "current": True}
        ],
        "speakers": [],
        "tags": [
            {
                "id": "filter-tag-x",
                "href": "/a/?tag=x&kind=q",
                "label": "#<x>",
                "count": 1,
                "current": False,
            }
        ],
    }
    html = render_filter_links(options)
    assert html.count('<div class="filter-group" role="group"') == 2
    assert '<h3 class="filter-label" id="filter-label-kinds">Kind</h3>' in html
    assert 'aria-labelledby="filter-label-tags"' in html and "Speaker" not in html
    assert '<a id="filter-kind-all" href="/a/" hx-get="/a/" aria-current="true">All ' in html
    assert 'href="/a/?tag=x&amp;kind=q"' in html and "#&lt;x&gt;" in html


def test_the_admin_change_list_escapes_every_value():
    from articles.rendering import render_change_list

    html = render_change_list([("Created", "<ed>", "2026-01-02 10:00", "kind: <b>quote</b>")])
    assert html == (
        "<ul><li>Created by &lt;ed&gt;, 2026-01-02 10:00: kind: &lt;b&gt;quote&lt;/b&gt;</li></ul>"
    )
