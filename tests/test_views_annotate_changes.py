"""A write's answer holds only what changed; applied to the page as htmx would (tests/htmx.py),
the page must equal a full render of the article afterwards: every block, the list in text
order, the count, the filter links and the suggestions panel. Random writes (spans across paragraphs
and headings, overlapping and nested, every kind, tags and speakers), with and without
filters, with the quote finder's suggestions on the page."""

from __future__ import annotations

import copy
import random
import re

import pytest
from django.urls import reverse

from articles.models import Annotation
from tests.factories import make_annotation, make_article, make_speaker, make_user
from tests.htmx import Element, apply_oob_swaps, parse

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
# What the forms that send these writes name in hx-select-oob (annotation_form.html and
# the delete and undo buttons).
SELECT_OOB = "#article-body,#annotation-list"


def structure() -> list[dict]:
    blocks, pos = [], 0
    for text in PARAGRAPHS:
        kind = "heading" if len(text) < 20 else "paragraph"
        blocks.append({"kind": kind, "start": pos, "end": pos + len(text)})
        pos += len(text) + 2
    return blocks


def without_csrf_tokens(element: Element) -> str:
    element = copy.deepcopy(element)
    for field in element.find_all("input[name='csrfmiddlewaretoken']"):
        field.attrs["value"] = ""
    return element.html()


def page_state(page: Element) -> dict:
    """What the editor sees of the article: every block, the list in text order, the count,
    the filter links and the suggestions panel."""
    count = page.find("#annotation-count")
    empty = page.find("#annotation-list p.empty")
    entries = page.find("#annotation-list ol")
    return {
        "blocks": {
            int(block.attr("data-start")): block.html()
            for block in page.get("#article-body").elements()
        },
        "items": [(item.attrs["id"], item.html()) for item in entries.elements()]
        if entries
        else [],
        "count": count and count.inner_html(),
        "empty": empty and empty.inner_html(),
        "filters": page.get("#annotation-filters").html(),
        "suggestions": without_csrf_tokens(page.get("#suggestions")),
    }


def full_page(client, article, query: str = "") -> Element:
    return parse(client.get(article.get_absolute_url() + query).content.decode())


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
    page = full_page(client, article, query)
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
            url = reverse("articles:annotation_create", args=[article.slug])
        elif action == "edit":
            url, data = (
                reverse("articles:annotation_edit", args=[rng.choice(alive)]),
                random_fields(rng),
            )
        elif action == "delete" or not deleted:
            pk = rng.choice(alive)
            url, data = reverse("articles:annotation_delete", args=[pk]), {}
            deleted.append(pk)
        else:
            url, data = reverse("articles:annotation_restore", args=[deleted.pop()]), {}
        response = client.post(url, data, headers=headers)
        if response.status_code != 200:
            # Refused (a duplicate span, a speaker on a claim...): nothing changed.
            assert response.status_code in (409, 422), response.content[:300]
            assert page_state(full_page(client, article, query)) == page_state(page)
            continue
        apply_oob_swaps(page, response.content.decode(), select_oob=SELECT_OOB)
        assert page_state(page) == page_state(full_page(client, article, query)), (
            step,
            action,
            data,
        )


def test_a_span_across_two_paragraphs_redraws_both_and_nothing_else(client):
    article = make_article(body=BODY, structure=structure())
    client.force_login(make_user("ed", editor=True))
    start = BODY.index("today.")
    end = BODY.index("in İzmir") + len("in İzmir")
    response = client.post(
        reverse("articles:annotation_create", args=[article.slug]),
        {"kind": "highlight", "start": start, "end": end, "exact": BODY[start:end]},
        headers=HX,
    )
    answer = parse(response.content.decode())
    redrawn = [int(block.attr("data-start")) for block in answer.find_all("[data-start]")]
    blocks = structure()
    assert redrawn == [blocks[2]["start"], blocks[3]["start"]]
    annotation = Annotation.objects.get()
    html = response.content.decode()
    # One mark per paragraph; only the first piece is the permalink target.
    assert html.count(f'data-annotation="{annotation.pk}"') == 3  # two marks, one list entry
    assert html.count(f'id="annotation-{annotation.pk}"') == 1
