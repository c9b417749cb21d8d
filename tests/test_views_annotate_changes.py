"""A write's answer holds only what changed; applied to the page as htmx would, the page must
equal a full render of the article afterwards: every block, the list in text order, the
count, the filter links and the suggestions panel. Random writes (spans across paragraphs
and headings, overlapping and nested, every kind, tags and speakers), with and without
filters, with the quote finder's suggestions on the page."""

import random
import re

import pytest
from django.urls import reverse

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker, make_user

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
PARAGRAPHS = [
    'The minister said "prices will fall by spring" and left. ✨ Nobody asked more.',
    "Port workers",
    "Union leaders warned of a long strike; the port said talks continue today.",
    "Farmers 🌾 in İzmir reported the driest summer in decades, officials confirmed.",
    "Budget talks",
    'A spokesman added: "We expect a deal," then declined to comment further.',
]
BODY = "\n\n".join(PARAGRAPHS)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
BLOCK = re.compile(r'<(p|h2) data-start="(\d+)"( hx-swap-oob="[^"]*")?>.*?</\1>\n', re.S)
ITEM = re.compile(
    r'<li( hx-swap-oob="true")? class="annotation-item[^"]*" id="item-(\d+)".*?</li>\n', re.S
)


def structure() -> list[dict]:
    blocks, pos = [], 0
    for text in PARAGRAPHS:
        kind = "heading" if len(text) < 20 else "paragraph"
        blocks.append({"kind": kind, "start": pos, "end": pos + len(text)})
        pos += len(text) + 2
    return blocks


def between(html: str, start: str, stop: str) -> str:
    head = html.index(start)
    return html[head : html.index(stop, head)]


def list_state(html: str) -> dict:
    count = re.search(r'id="annotation-count" role="status">(.*?)</p>', html)
    empty = re.search(r'<p class="empty"[^>]*>(.*?)</p>', html)
    return {
        "items": [(int(m.group(2)), m.group(0)) for m in ITEM.finditer(html)],
        "count": count and count.group(1),
        "empty": empty and empty.group(1),
    }


def page_state(client, article, query: str = "") -> dict:
    html = client.get(article.get_absolute_url() + query).content.decode()
    body = between(html, '<div id="article-body"', "</div>")
    return {
        "blocks": {int(m.group(2)): m.group(0) for m in BLOCK.finditer(body)},
        **list_state(between(html, '<div id="annotation-list"', "</aside>")),
        "filters": between(html, '<nav id="annotation-filters"', "</nav>"),
        "suggestions": CSRF.sub("", between(html, '<section id="suggestions"', "</section>")),
    }


def apply(state: dict, answer: str) -> None:
    """What htmx does with the answer's out-of-band parts (and hx-select-oob's)."""
    if '<div id="article-body"' in answer:  # the whole body (a filtered page's edit)
        body = between(answer, '<div id="article-body"', "</div>")
        state["blocks"] = {int(m.group(2)): m.group(0) for m in BLOCK.finditer(body)}
    else:
        for m in BLOCK.finditer(answer):
            oob = m.group(3)
            if oob:
                start = int(m.group(2))
                assert oob == f" hx-swap-oob=\"outerHTML:#article-body > [data-start='{start}']\""
                assert start in state["blocks"], "the block to replace is on the page"
                state["blocks"][start] = m.group(0).replace(oob, "")
    if '<div id="annotation-list"' in answer:
        state.update(list_state(between(answer, '<div id="annotation-list"', "<nav")))
    else:
        items = state["items"]
        ids = [pk for pk, _ in items]
        for m in re.finditer(
            r'<div data-resync hx-swap-oob="(\w+):([^"]+)">(.*?)</div>\n(?=<)', answer, re.S
        ):
            style, target, content = m.groups()
            if style == "innerHTML":
                assert target == "#annotation-count" and state["count"] is not None
                state["count"] = content
                continue
            new = ITEM.search(content)
            entry = (int(new.group(2)), new.group(0))
            if style == "afterbegin":
                assert target == "#annotation-list ol" and items
                items.insert(0, entry)
            else:
                assert style == "afterend", style
                items.insert(ids.index(int(target.removeprefix("#item-"))) + 1, entry)
        for m in re.finditer(r'<div hx-swap-oob="delete:#item-(\d+)"></div>', answer):
            assert int(m.group(1)) in ids, "a delete for an entry the page does not show"
            state["items"] = items = [(pk, html) for pk, html in items if pk != int(m.group(1))]
        for m in ITEM.finditer(answer):
            if m.group(1):  # an edited entry replaces itself
                pk = int(m.group(2))
                html = m.group(0).replace(m.group(1), "")
                state["items"] = [(p, html if p == pk else h) for p, h in state["items"]]
    nav = between(answer, '<nav id="annotation-filters"', "</nav>")
    state["filters"] = nav.replace(' hx-swap-oob="outerHTML"', "")
    if '<section id="suggestions"' in answer:
        panel = between(answer, '<section id="suggestions"', "</section>")
        state["suggestions"] = CSRF.sub("", panel.replace(' hx-swap-oob="true"', ""))


def random_span(rng: random.Random) -> tuple[int, int]:
    words = [m.span() for m in re.finditer(r"\S+", BODY)]
    first = rng.randrange(len(words))
    last = min(len(words) - 1, first + rng.choice([0, 0, 1, 2, 5, 12, 20]))
    return words[first][0], words[last][1]


def random_fields(rng: random.Random) -> dict:
    kind = rng.choice(["quote", "claim", "highlight"])
    fields = {"kind": kind, "note": rng.choice(["", "checked <b>twice</b>"])}
    if kind == "quote":
        fields["speaker"] = rng.choice(["", "Ana Kaya", "Mark Osei"])
    if kind == "claim":
        fields["verdict"] = rng.choice(["", "true", "false"])
    fields["tags"] = ", ".join(
        rng.sample(["economy", "Labour", "climate", "İzmir"], rng.randint(0, 2))
    )
    return fields


@pytest.mark.parametrize(
    ("seed", "query"),
    [(1, ""), (2, ""), (3, ""), (4, "?kind=quote"), (5, "?tag=economy"), (6, "?speaker=ana-kaya")],
)
def test_answers_applied_to_the_page_equal_the_full_render(client, seed, query):
    rng = random.Random(seed)
    article = make_article(body=BODY, structure=structure())
    make_speaker("Ana Kaya")
    make_speaker("Mark Osei")
    # Suggestions on the page: marked in the text, listed in the panel.
    for _ in range(3):
        start, end = random_span(rng)
        make_annotation(article, start, end, "quote", status=Annotation.Status.SUGGESTED)
    client.force_login(make_user("ed", editor=True))
    headers = {**HX, "HX-Current-URL": f"http://testserver{article.get_absolute_url()}{query}"}
    state = page_state(client, article, query)
    deleted: list[int] = []
    for step in range(40):
        alive = list(
            Annotation.objects.filter(article=article)
            .order_by("start", "-end", "id")
            .values_list("pk", flat=True)
        )
        action = rng.choice(["create"] * 4 + ["edit", "delete", "restore"])
        if action == "create" or not alive:
            start, end = random_span(rng)
            data = {"start": start, "end": end, "exact": BODY[start:end], **random_fields(rng)}
            url = reverse("annotation_create", args=[article.slug])
        elif action == "edit":
            url, data = reverse("annotation_edit", args=[rng.choice(alive)]), random_fields(rng)
        elif action == "delete" or not deleted:
            pk = rng.choice(alive)
            url, data = reverse("annotation_delete", args=[pk]), {}
            deleted.append(pk)
        else:
            url, data = reverse("annotation_restore", args=[deleted.pop()]), {}
        response = client.post(url, data, headers=headers)
        if response.status_code != 200:
            # Refused (a duplicate span, a speaker on a claim...): nothing changed.
            assert response.status_code in (409, 422), response.content[:300]
            assert page_state(client, article, query) == state
            continue
        apply(state, response.content.decode())
        assert state == page_state(client, article, query), (step, action, data)


def test_a_span_across_two_paragraphs_redraws_both_and_nothing_else(client):
    article = make_article(body=BODY, structure=structure())
    client.force_login(make_user("ed", editor=True))
    start = BODY.index("today.")
    end = BODY.index("in İzmir") + len("in İzmir")
    response = client.post(
        reverse("annotation_create", args=[article.slug]),
        {"kind": "highlight", "start": start, "end": end, "exact": BODY[start:end]},
        headers=HX,
    )
    redrawn = [int(m.group(2)) for m in BLOCK.finditer(response.content.decode())]
    blocks = structure()
    assert redrawn == [blocks[2]["start"], blocks[3]["start"]]
    annotation = Annotation.objects.get()
    html = response.content.decode()
    # One mark per paragraph; only the first piece is the permalink target.
    assert html.count(f'data-annotation="{annotation.pk}"') == 3  # two marks, one list entry
    assert html.count(f'id="annotation-{annotation.pk}"') == 1
