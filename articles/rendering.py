"""The Python that builds HTML, where the template engine would be too slow: an article body
with its annotations as `<mark>` elements, the annotation list's entries, the filter links,
the JSON-LD element.
Each can come as an out-of-band swap for htmx (`oob=`), the attribute written here.

Guarantees: the text content of the output equals the body's blocks exactly (nothing lost or
doubled), whatever the annotations: overlapping, nested, adjacent, spanning blocks, or
around astral characters (offsets are code points, i.e. Python string indices).

Each block (`<p>`, `<h2>`) carries `data-start`, the offset of its first character, so the
editor's script can turn a DOM selection back into code-point offsets.

Marks nest like a stack: longer marks wrap shorter ones that start with them. When a mark
ends while marks opened after it are still running, those are closed and reopened around
the end (only those, not every open mark, and in order of their ends so the next one to
end is innermost), so the HTML stays well formed. Sorting the boundaries makes it
O((n + b) log n) for n annotations and b blocks, plus the size of the output (which grows
with how deeply the marks overlap).
"""

from __future__ import annotations

import datetime
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from articles.excerpts import clipped
from articles.models import VERDICT_REVIEW_STATUSES, Annotation
from articles.reanchoring import Opcode, text_diff


@dataclass(frozen=True)
class Mark:
    id: int
    start: int
    end: int
    kind: str
    css: str = ""  # extra classes, e.g. "is-suggested"
    label: str = ""  # optional native tooltip; details live in the annotation list


def _blocks(body: str, structure: Sequence[dict]) -> list[tuple[str, int, int]]:
    if structure:
        return [(b["kind"], b["start"], b["end"]) for b in structure]
    # Articles without stored structure: one paragraph per blank-line-separated block.
    blocks, pos = [], 0
    for part in body.split("\n\n"):
        blocks.append(("paragraph", pos, pos + len(part)))
        pos += len(part) + 2
    return blocks


def _open_tag(mark: Mark, first: bool) -> str:
    classes = f"ann ann-{mark.kind}{' ' + mark.css if mark.css else ''}"
    attrs = f' class="{classes}" data-annotation="{mark.id}"'
    if first:
        # Only the first piece of a split mark is the permalink target and a tab stop;
        # screen readers hear the annotation's details from the list entry.
        attrs += (
            f' id="annotation-{mark.id}" tabindex="0" aria-describedby="note-{mark.id}"'
            if mark.id
            else ""
        )
    if mark.label:
        attrs += f' title="{escape(mark.label)}"'
    return f"<mark{attrs}>"


def render_body(body: str, structure: Sequence[dict], marks: Iterable[Mark]) -> SafeString:
    return mark_safe("".join(html for _, html in _render(body, structure, marks)))


def render_blocks(
    body: str,
    structure: Sequence[dict],
    marks: Iterable[Mark],
    start: int,
    end: int,
    *,
    oob: bool = False,
) -> list[tuple[int, SafeString]]:
    """(block start, block HTML) for the blocks that body[start:end] touches, exactly as
    `render_body` renders them, edges and the gaps between blocks included.

    A mark can change only the blocks it covers: the marks running into any other block,
    their order and which piece carries the id are the same with it or without it. So after
    a write to one span these blocks are all that changed on the page. With `oob`, each
    block replaces its old self on the page, out of band (htmx drops the attribute as it
    swaps, leaving the block as `render_body` renders it).
    """

    def touched(block_start: int, block_end: int) -> bool:
        return block_start <= end and block_end >= start

    return [
        (block_start, mark_safe(html))
        for block_start, html in _render(body, structure, marks, touched, oob=oob)
    ]


OOB_BLOCK = " hx-swap-oob=\"outerHTML:#article-body > [data-start='{}']\""


def _render(body, structure, marks, wanted=None, *, oob: bool = False) -> list[tuple[int, str]]:
    """(block start, HTML) per block; only the `wanted(start, end)` blocks when given (the
    marks are still walked through every block, so nesting and ids come out the same)."""
    length = len(body)
    # Outer marks first: earlier start, then longer.
    ordered = sorted(
        (m for m in marks if 0 <= m.start < m.end <= length), key=lambda m: (m.start, -m.end)
    )
    ends = sorted(range(len(ordered)), key=lambda i: ordered[i].end)
    rendered: list[tuple[int, str]] = []
    out: list[str] = []
    stack: list[int] = []  # indexes into `ordered` of the open marks, outermost first
    depth: dict[int, int] = {}  # mark index -> its position in `stack`
    opened: set[int] = set()
    next_start = 0  # first mark in `ordered` not yet started
    next_end = 0  # first mark in `ends` not yet finished

    emit = True  # whether the current block's HTML is wanted, or only its effect on marks

    def open_mark(i: int) -> None:
        mark = ordered[i]
        depth[i] = len(stack)
        stack.append(i)
        if emit:
            out.append(_open_tag(mark, mark.id not in opened))
        opened.add(mark.id)

    def close_down_to(level: int) -> list[int]:
        closed = stack[level:]
        del stack[level:]
        if emit:
            out.append("</mark>" * len(closed))
        return closed

    for kind, block_start, block_end in _blocks(body, structure):
        emit = wanted is None or wanted(block_start, block_end)
        out = []
        tag = "h2" if kind == "heading" else "p"
        swap = OOB_BLOCK.format(block_start) if oob else ""
        out.append(f'<{tag} data-start="{block_start}"{swap}>')
        # Marks still running from the previous block (they spanned the gap) reopen here.
        running = sorted(
            (i for i in stack if ordered[i].end > block_start), key=lambda i: -ordered[i].end
        )
        stack.clear()
        depth.clear()
        for i in running:
            open_mark(i)
        pos = block_start
        while True:
            # Finish marks that end here (or ended in the gap between blocks).
            finishing = []
            while next_end < len(ends) and ordered[ends[next_end]].end <= pos:
                i = ends[next_end]
                next_end += 1
                if i in depth and depth[i] < len(stack) and stack[depth[i]] == i:
                    finishing.append(i)
            if finishing:
                done = set(finishing)
                reopen = close_down_to(min(depth[i] for i in finishing))
                for i in done:
                    del depth[i]
                # Reopened innermost-last by end: the next to end is on top, so the
                # next close reopens as little as possible.
                reopen.sort(key=lambda i: -ordered[i].end)
                for i in reopen:
                    if i not in done:
                        open_mark(i)
            # Start marks that begin here (or began in the gap, still running).
            while next_start < len(ordered) and ordered[next_start].start <= pos:
                if ordered[next_start].end > pos:
                    open_mark(next_start)
                next_start += 1
            if pos >= block_end:
                break
            stop = block_end
            if next_start < len(ordered):
                stop = min(stop, ordered[next_start].start)
            if next_end < len(ends):
                stop = min(stop, ordered[ends[next_end]].end)
            stop = max(stop, pos + 1)
            if emit:  # blocks nobody asked for are walked through, not written
                out.append(html.escape(body[pos:stop]))
            pos = stop
        running = close_down_to(0)
        stack.extend(running)  # remembered, reopened at the next block's start
        out.append(f"</{tag}>\n")
        if emit:
            rendered.append((block_start, "".join(out)))
    return rendered


# A span that starts with its own quotation mark isn't wrapped in another pair.
QUOTATION_MARKS = ('"', "“", "”", "„", "«", "»", "'", "‘", "’")
# A list entry shows at most this much of its span, cut at a word; the mark has the rest.
LIST_EXACT_CHARS = 140


def _url_maker(name: str):
    """reverse() once with a placeholder; the per-item URL is then a cheap string join."""
    head, _, tail = reverse(name, args=["__slug__"]).partition("__slug__")
    return lambda slug: f"{head}{slug}{tail}"


def _created(a) -> tuple[str, str]:
    """When `a` was made, as the entry's `datetime` (ISO 8601, UTC) and its text ("3 Dec
    2026", local time): from a model instance, or as `presentation.ReadingAnnotation`
    carries them, formatted by the database alike."""
    iso = getattr(a, "created_iso", None)
    if iso is not None:
        return iso, a.created_label
    when = timezone.localtime(a.created_at)
    utc = a.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return utc, f"{when.day} {when:%b %Y}"


def _author_name(a) -> str | None:
    """Whom readers see as the annotation's author: the editor's full name when they gave
    one, else the newsroom (NEWSROOM_NAME), never the login name; None when no one made it.
    Reads `author_name` (the full name, "" for none) where the row carries it."""
    if hasattr(a, "author_name"):
        name = a.author_name
    elif a.author is not None:
        name = a.author.get_full_name()
    else:
        return None
    if name is None:
        return None
    return public_name(name)


def public_name(full_name: str | None) -> str:
    """How readers see an editor (an author, a reviewer): their full name when they gave
    one, else the newsroom's (NEWSROOM_NAME), never their login name."""
    return (full_name or "").strip() or settings.NEWSROOM_NAME


VERDICT_SCALE = 5
VERDICT_LABELS = {value: str(label) for value, label in Annotation.Verdict.choices}


def verdict_badge(verdict: str) -> SafeString:
    """A verdict as text and a shape, never colour alone: five dots, as many filled as its
    rating (true five, false one), a question mark for unverifiable; screen readers hear
    the rating in words. Empty for no verdict."""
    if not verdict:
        return mark_safe("")
    label = html.escape(VERDICT_LABELS.get(verdict, verdict))
    rating = Annotation.VERDICT_RATINGS.get(verdict)
    if rating is None:
        scale, spoken = "?", ", not rated on the scale"
    else:
        scale = "●" * rating + "○" * (VERDICT_SCALE - rating)
        spoken = f", {rating} of {VERDICT_SCALE} from false to true"
    return mark_safe(
        f'<strong class="verdict verdict-{html.escape(verdict)}">'
        f'<span class="verdict-scale" aria-hidden="true">{scale}</span> {label}'
        f'<span class="sr-only">{spoken}</span></strong>'
    )


def _reviewed(a) -> tuple[str, str, str] | None:
    """Who approved `a`'s verdict and when (display name, ISO 8601, "3 Dec 2026"): from
    the reading row's columns or a model instance alike; None when no one reviewed it."""
    if hasattr(a, "reviewed_iso"):
        if a.reviewed_iso is None:
            return None
        return public_name(a.reviewer_name), a.reviewed_iso, a.reviewed_label
    if a.reviewed_at is None or a.status != "published":
        return None
    name = public_name(a.reviewer.get_full_name() if a.reviewer else "")
    when = timezone.localtime(a.reviewed_at)
    utc = a.reviewed_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return name, utc, f"{when.day} {when:%b %Y}"


def _source_links(sources: Iterable[str]) -> str:
    esc = html.escape
    links = []
    for url in sources:
        host = urlsplit(url).hostname or url
        links.append(
            f'<li><a href="{esc(url)}" rel="nofollow noopener noreferrer">'
            f"{esc(host.removeprefix('www.'))}</a></li>"
        )
    items = "".join(links)
    return f'<p class="verdict-sources-label">Sources:</p> <ul class="verdict-sources">{items}</ul>'


# "verdict in draft" and so on: the statuses' own labels, as list entries show them.
_REVIEW_LABELS = {s.value: str(s.label).lower() for s in VERDICT_REVIEW_STATUSES}


def render_annotation_items(annotations: Iterable, *, oob: bool = False) -> SafeString:
    """The article page's annotation list entries, in the order given: model instances
    (with `reading_tags`) or `presentation.ReadingAnnotation`s, rendered alike.

    Built with string joins (and the standard library's escape, without Django's lazy-text
    wrapper) rather than the template engine: an article can carry a thousand annotations
    and this runs for each page view that misses the cache.
    Each entry's details sit in `#note-ID`, which the mark's aria-describedby names.
    With `oob`, each entry replaces its namesake on the page, out of band.
    """
    swap = ' hx-swap-oob="true"' if oob else ""
    speaker_url, tag_url = _url_maker("articles:speaker"), _url_maker("articles:tag")
    esc = html.escape
    out: list[str] = []
    for a in annotations:
        suggested = a.status == "suggested"
        in_review = _REVIEW_LABELS.get(a.status)
        head = f'<span class="kind-label">{a.get_kind_display()}</span>'
        if suggested:
            head += " <em>(suggestion)</em>"
        elif in_review:
            head += f' <em class="review-state">({in_review})</em>'
        if a.speaker is not None:
            head += f' by <a href="{speaker_url(a.speaker.slug)}">{esc(a.speaker.name)}</a>'
        claimant = getattr(a, "claimant", None)
        if claimant is not None:
            head += f' by <a href="{speaker_url(claimant.slug)}">{esc(claimant.name)}</a>'
        if a.verdict:
            head += f" · Verdict: {verdict_badge(a.verdict)}"
        details = f'<p class="annotation-head">{head}</p>'
        # By name as the filter links sort them: the same in Python as in any database
        # collation, so an entry rendered from a write's own tags matches the page's.
        if a.reading_tags:
            tags = sorted(a.reading_tags, key=lambda t: (t.name.lower(), t.name))
            links = " ".join(f'<a href="{tag_url(t.slug)}">#{esc(t.name)}</a>' for t in tags)
            details += f'<p class="tag-list">{links}</p>'
        if a.note:
            note = esc(a.note).replace("\n", "<br>")
            details += f'<p class="annotation-note">{note}</p>'
        if a.verdict and getattr(a, "sources", None):
            details += _source_links(a.sources)
        iso, label = _created(a)
        who = _author_name(a)
        who = esc(who) + ", " if who else ""
        meta = f'{who}<time datetime="{iso}">{label}</time>'
        reviewed = _reviewed(a) if a.kind == "claim" else None
        if reviewed is not None:
            name, reviewed_iso, reviewed_label = reviewed
            meta += (
                f'; <span class="reviewed">verdict reviewed by {esc(name)}, '
                f'<time datetime="{reviewed_iso}">{reviewed_label}</time></span>'
            )
        details += f'<p class="annotation-meta">{meta}</p>'
        extra = " is-suggested" if suggested else " is-draft" if in_review else ""
        exact = clipped(a.exact, LIST_EXACT_CHARS)
        if not exact.startswith(QUOTATION_MARKS):
            exact = f"“{exact}”"
        out.append(
            f'<li{swap} class="annotation-item kind-{a.kind}{extra}"'
            f' id="item-{a.id}" data-annotation="{a.id}">'
            f'<a class="annotation-exact" href="#annotation-{a.id}">{esc(exact)}</a>'
            f'<div class="annotation-details" id="note-{a.id}">{details}</div></li>\n'
        )
    return mark_safe("".join(out))


def marked_text(text: str, start: str, stop: str) -> SafeString:
    """`text` escaped, each span between the `start` and `stop` characters in <mark>.

    Search snippets: ts_headline marks the matched words with control characters, which
    escaping leaves as they are, so they become tags only after the text is safe.
    """
    return mark_safe(escape(text).replace(start, "<mark>").replace(stop, "</mark>"))


CURRENT = ' aria-current="true"'
FILTER_GROUPS = {"kinds": "Kind", "speakers": "Speaker", "tags": "Tag"}


def render_filter_links(options: dict[str, list[dict]]) -> SafeString:
    """The article page's filter groups, each a list of links under its visible label
    (Kind, Speaker, Tag), from `presentation.filter_options` (string joins: an article can
    name hundreds)."""
    groups = []
    for group, links in options.items():
        if not links:
            continue
        items = "".join(
            f'<li><a id="{escape(f["id"])}" href="{escape(f["href"])}" hx-get="{escape(f["href"])}"'
            f"{CURRENT if f['current'] else ''}>{escape(f['label'])} "
            f'<span class="count">{f["count"]}</span></a></li>'
            for f in links
        )
        label = FILTER_GROUPS[group]
        groups.append(
            f'<div class="filter-group" role="group" aria-labelledby="filter-label-{group}">'
            f'<h3 class="filter-label" id="filter-label-{group}">{label}</h3>'
            f"<ul>{items}</ul></div>\n"
        )
    return mark_safe("".join(groups))


# As django.utils.html.json_script: nothing in the data can end the <script> element.
# Three replace()s: str.translate with a mapping took 10 ms on a 1,000-annotation page.
_JSON_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def render_json_ld(data: dict) -> SafeString:
    """`data` in a <script type="application/ld+json"> element, compact."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def render_change_list(changes: Iterable[tuple[str, str, str, str]]) -> SafeString:
    """An annotation's history for the admin: each (action, who, when, what changed) a
    list item, every value escaped."""
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} by {}, {}: {}</li>", changes))


def _word_bounded(old: str, new: str, opcodes: Sequence[Opcode]) -> list[tuple[int, int, int, int]]:
    """The diff's changes as (i1, i2, j1, j2), each widened to whole words (both sides share
    the letters around a change, so they widen alike), overlapping ones merged."""
    changes: list[tuple[int, int, int, int]] = []
    for op in opcodes:
        if op.tag == "equal":
            continue
        i1, i2, j1, j2 = op.i1, op.i2, op.j1, op.j2
        floor_i = changes[-1][1] if changes else 0
        while i1 > floor_i and j1 > 0 and old[i1 - 1].isalnum() and old[i1 - 1] == new[j1 - 1]:
            i1, j1 = i1 - 1, j1 - 1
        while i2 < len(old) and j2 < len(new) and old[i2].isalnum() and old[i2] == new[j2]:
            i2, j2 = i2 + 1, j2 + 1
        if changes and i1 <= changes[-1][1]:
            last = changes[-1]
            changes[-1] = (last[0], max(i2, last[1]), last[2], max(j2, last[3]))
        else:
            changes.append((i1, i2, j1, j2))
    return changes


def render_word_diff(old: str, new: str) -> SafeString:
    """The new text with what changed marked in words: deletions in <del>, insertions in
    <ins>, each also labelled in text for screen readers and for print (never colour
    alone). Paragraph breaks kept; escaped throughout."""
    out: list[str] = []
    position = 0
    for i1, i2, j1, j2 in _word_bounded(old, new, text_diff(old, new)):
        out.append(escape(old[position:i1]))
        if i2 > i1:
            out.append(
                '<del><span class="sr-only diff-label">[deleted: </span>'
                f'{escape(old[i1:i2])}<span class="sr-only diff-label">]</span></del>'
            )
        if j2 > j1:
            out.append(
                '<ins><span class="sr-only diff-label">[inserted: </span>'
                f'{escape(new[j1:j2])}<span class="sr-only diff-label">]</span></ins>'
            )
        position = i2
    out.append(escape(old[position:]))
    return mark_safe(f'<div class="word-diff">{"".join(out)}</div>')


def render_links(links: Iterable[tuple[str, str]]) -> SafeString:
    """Links (URL, text) in a row, separated by a middle dot (the admin's article page)."""
    return format_html_join(" · ", '<a href="{}">{}</a>', links)
