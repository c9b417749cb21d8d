import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.rendering import Mark, render_body


def visible_text(html: str) -> str:
    blocks = re.findall(r"<(p|h2)[^>]*>(.*?)</\1>", html, flags=re.S)
    return "\n\n".join(unescape(re.sub(r"<[^>]+>", "", inner)) for _, inner in blocks)


def test_it_wraps_a_span_in_a_mark():
    html = render_body("Hello world", [], [Mark(1, 6, 11, "quote")])
    assert '<mark class="ann ann-quote" data-annotation="1" id="annotation-1"' in html
    assert visible_text(html) == "Hello world"


def test_overlapping_marks_lose_and_double_nothing():
    body = "one two three four"
    html = render_body(body, [], [Mark(1, 0, 7, "claim"), Mark(2, 4, 13, "claim")])
    assert visible_text(html) == body
    assert html.count('id="annotation-1"') == 1 and html.count('id="annotation-2"') == 1


def test_nested_and_adjacent_marks():
    body = "a quote inside a claim"
    html = render_body(
        body, [], [Mark(1, 0, 22, "claim"), Mark(2, 2, 7, "quote"), Mark(3, 7, 14, "highlight")]
    )
    assert visible_text(html) == body
    assert 'data-annotation="1"><mark class="ann ann-quote"' in html


def test_astral_characters_shift_nothing():
    body = "😀 emoji then text"
    html = render_body(body, [], [Mark(1, 2, 7, "quote")])
    assert re.search(r'id="annotation-1"[^>]*>emoji</mark>', html)


def test_a_mark_spanning_blocks_is_split_per_block():
    body = "First block\n\nSecond block"
    html = render_body(body, [], [Mark(1, 6, 19, "quote")])
    assert html.count('data-annotation="1"') == 2
    assert visible_text(html) == body


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


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=25)


@settings(max_examples=300, deadline=None)
@given(
    paragraphs=st.lists(
        st.text(min_size=1, max_size=30).filter(lambda t: "\n\n" not in t), min_size=1, max_size=4
    ),
    raw=spans,
)
def test_visible_text_always_equals_the_stored_text(paragraphs, raw):
    paragraphs = [p.replace("\n", " ") for p in paragraphs]
    body = "\n\n".join(paragraphs)
    marks = [
        Mark(i, s, min(s + length, len(body)), "quote")
        for i, (s, length) in enumerate(raw)
        if s < len(body)
    ]
    html = render_body(body, [], [m for m in marks if m.start < m.end])
    assert visible_text(html) == body
