"""The XSS corpus (issue 16's attack suite): payloads, where they are planted, where they are
looked for, and how a page is checked.

Every payload announces itself if it runs: it sets `window.__xss`, or opens a dialog (hooked),
and every element it would create carries `data-xss` (so markup that got through is caught
even where it would not run: an inert `<img>`, an htmx attribute). Pages are loaded with the
Content-Security-Policy bypassed, so what is tested is the escaping itself; the CSP is the
second wall, tested on its own in test_csp.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import quote

from articles.importing.indexing import articles_index_all
from articles.importing.storing import source_files_import
from articles.models import Annotation, Article, Speaker, Tag

# (name, payload): each on one line (a source file's fields are lines).
PAYLOADS: list[tuple[str, str]] = [
    ("script-tag", '<script>window.__xss="script-tag"</script>'),
    ("img-onerror", "<img data-xss src=x onerror=\"window.__xss='img-onerror'\">"),
    ("svg-onload", "<svg data-xss onload=\"window.__xss='svg-onload'\"></svg>"),
    ("double-quote-breakout", '"><img data-xss src=x onerror=window.__xss="double">'),
    ("single-quote-breakout", "'><img data-xss src=x onerror=window.__xss='single'>"),
    ("unquoted-attribute", " data-xss autofocus onfocus=window.__xss='unquoted' x="),
    ("javascript-url", "javascript:window.__xss='javascript-url'//"),
    ("entity-javascript-url", '<a data-xss href="jav&#x61;script:window.__xss=1">x</a>'),
    ("script-close", '</script><script data-xss>window.__xss="script-close"</script>'),
    ("textarea-close", "</textarea><img data-xss src=x onerror=window.__xss='textarea'>"),
    ("template-injection", "{{ 7|add:7 }}{% now 'Y' %}${window.__xss='template'}#{7*7}"),
    ("details-ontoggle", "<details data-xss open ontoggle=\"window.__xss='details'\">x</details>"),
    (
        "iframe-srcdoc",
        "<iframe data-xss srcdoc=\"<script>parent.__xss='iframe'</script>\"></iframe>",
    ),
    (
        "mutation-xss",
        "<math><mtext><table><mglyph><style><img data-xss src=x onerror=window.__xss='mxss'>",
    ),
    (
        "unicode-tricks",
        "\u2028\u2029＜script＞window.__xss='fullwidth'＜/script＞\u202e"
        "<img data-xss src=x onerror=window.__xss='rlo'>",
    ),
    (
        "htmx-attributes",
        '<div data-xss hx-get="/" hx-trigger="load" hx-on::after-request="window.__xss=1">x</div>',
    ),
    ("alert-dialog", "<img data-xss src=x onerror=alert(document.domain)>"),
]

# Where a payload is planted: through an imported source file (the first seven: the file's
# name and six of its fields) or by a user (an editor's names and notes, a reader's query
# and filter parameters).
FIELDS = [
    "file name (admin import results)",
    "title",
    "summary",
    "outlet",
    "agency",
    "body",
    "source note",
    "tag name",
    "speaker name",
    "speaker alias",
    "quote note",
    "claim note",
    "suggestion's proposed speaker",
    "search query",
    "search filters (outlet, tag, speaker, kind, dates)",
    "article filters (kind, tag, speaker)",
    "claims filter (verdict)",
    "speakers page query",
    "login next parameter",
]


@dataclass
class Planted:
    name: str
    payload: str
    article: Article
    tag: Tag
    speaker: Speaker
    quote: Annotation
    file_name: str


def source_for(payload: str, n: int) -> bytes:
    parts = [
        f"Story {n} {payload}",
        f"Summary of story {n}: {payload}",
        "7.1.2020",
        f"Outlet {n} {payload} (7 January 2020)",
        "AP",
        f"Opening words of story {n} are plain.",
        f"Then the payload: {payload} in a paragraph.",
        f"<https://news.example.org/{n}>",
        f"Kaynak/Source: {payload}",
    ]
    return "\n\n".join(parts).encode()


def plant(name: str, payload: str, n: int, user) -> Planted:
    """One article imported from a file carrying `payload` in every field, annotated with a
    tag, a speaker (and alias), notes and a suggestion all carrying it too."""
    file_name = f"{payload.replace('/', '_')[:80]}.txt"
    [result] = source_files_import(files=[(file_name, source_for(payload, n))], user=user)
    assert result.status == "imported", (name, result.error)
    assert result.article is not None
    articles_index_all()
    article = Article.objects.select_related("outlet").get(pk=result.article.pk)
    assert payload in article.title and payload in article.outlet.name, name
    tag = Tag.objects.create(name=f"{payload} {n}", slug=f"xss-tag-{n}")
    speaker = Speaker.objects.create(
        name=f"{payload} {n}", slug=f"xss-speaker-{n}", aliases=[f"{payload} alias {n}"]
    )
    words = "Opening words"
    start = article.body.index(words)

    def annotate(start: int, end: int, **fields) -> Annotation:
        annotation = Annotation.objects.create(
            article=article,
            start=start,
            end=end,
            **Annotation.anchor(article.body, start, end),
            **fields,
        )
        return annotation

    quote_ = annotate(start, start + len(words), kind="quote", speaker=speaker, note=payload)
    quote_.tags.set([tag])
    claim_at = article.body.index("are plain")
    annotate(claim_at, claim_at + 9, kind="claim", verdict="false", note=payload)
    suggested_at = article.body.index("Then the payload")
    annotate(
        suggested_at,
        suggested_at + 16,
        kind="quote",
        status="suggested",
        proposed_speaker=f"{payload} proposed",
    )
    return Planted(name, payload, article, tag, speaker, quote_, file_name)


def pages(p: Planted) -> list[tuple[str, str]]:
    """(who, url) for every page that shows what `plant` stored, or echoes a parameter."""
    q = quote(p.payload)
    a = p.article
    since = datetime.date(2020, 1, 1).isoformat()
    return [
        ("anonymous", "/"),
        ("anonymous", a.get_absolute_url()),
        ("anonymous", f"{a.get_absolute_url()}?kind={q}&tag={q}&speaker={q}"),
        ("anonymous", f"/tags/{p.tag.slug}/"),
        ("anonymous", f"/speakers/{p.speaker.slug}/"),
        ("anonymous", f"/outlets/{a.outlet.slug}/"),
        ("anonymous", "/claims/"),
        ("anonymous", f"/claims/?verdict={q}"),
        ("anonymous", "/search/?q=payload"),
        ("anonymous", f"/search/?q={q}"),
        (
            "anonymous",
            f"/search/?q=story&outlet={q}&tag={q}&speaker={q}&kind={q}&since={since}&until={q}",
        ),
        ("anonymous", f"/accounts/login/?next={q}"),
        ("editor", a.get_absolute_url()),
        ("editor", f"/articles/{a.slug}/history/"),
        ("editor", f"/annotations/{p.quote.pk}/"),
        ("editor", f"/annotations/{p.quote.pk}/edit/"),
        ("editor", "/editor/speakers/"),
        ("editor", f"/editor/speakers/?q={q}"),
        ("editor", f"/editor/suggest/speakers/?speaker={quote(p.payload[:3])}"),
        ("editor", "/admin/articles/article/"),
        ("editor", f"/admin/articles/article/{a.pk}/change/"),
        ("editor", f"/admin/articles/speaker/{p.speaker.pk}/change/"),
        ("editor", "/admin/articles/annotation/"),
        ("editor", "/admin/articles/sourcefile/"),
    ]


PAGES_PER_PAYLOAD = 24  # len(pages(...))

# Checked on each page, after it loaded and settled.
CHECK = """() => ({
  ran: window.__xss === undefined ? null : String(window.__xss),
  elements: [...document.querySelectorAll("[data-xss]")].map((e) => e.outerHTML.slice(0, 120)),
  javascriptUrls: [...document.querySelectorAll("[href], [src], [action], [formaction]")]
    .map((e) => e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action")
      || e.getAttribute("formaction") || "")
    .filter((u) => /^\\s*javascript:/i.test(u)),
})"""
