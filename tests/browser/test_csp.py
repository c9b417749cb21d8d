"""The Content-Security-Policy in Chromium (issue 16, #9): every page obeys it, editor pages
and their htmx swaps included, and the admin too. A violation (an inline script or style, an
eval, a resource from elsewhere), a console error or an uncaught exception fails the test.

The first test proves the watch works: it plants an inline script and an inline style and
sees both blocked and reported, and it fails if the header is missing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from articles.models import Annotation
from articles.permissions import EDITORS_GROUP
from articles.services.suggestions import suggestions_propose
from tests.browser.csp import settle, watch_policy
from tests.conftest import htmx_idle
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user
from tests.test_security_headers import STRICT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    "Inflation\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh. Critics disagreed.'
)


@pytest.fixture
def watched(page):
    problems = watch_policy(page)
    return page, problems


@pytest.fixture
def story():
    Group.objects.get_or_create(name=EDITORS_GROUP)
    article = make_article(title="Port strike and inflation", body=BODY, summary="A summary.")
    yellen, tag = make_speaker("Janet Yellen"), make_tag("economy")
    start = BODY.index("Treasury")
    make_annotation(article, start, start + 8, Annotation.Kind.QUOTE, speaker=yellen, tags=[tag])
    start = BODY.index("spoke on Tuesday")
    make_annotation(
        article, start, start + 16, Annotation.Kind.CLAIM, verdict="true", note="Checked."
    )
    suggestions_propose(article=article)
    return article


def visit(page, problems, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, url
    assert response.headers.get("content-security-policy") == STRICT, url
    assert "camera=()" in response.headers.get("permissions-policy", ""), url
    settle(page)
    if status != 200:  # Chromium logs the error status it was asked for; nothing else may show
        expected = f"Failed to load resource: the server responded with a status of {status}"
        problems[:] = [p for p in problems if expected not in p]
    assert problems == [], (url, problems)


def test_the_watch_sees_an_inline_script_and_style_blocked(watched, live_server, story):
    page, problems = watched
    visit(page, problems, live_server.url + "/")
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.append(s);
          document.body.setAttribute("style", "color: red");
        }"""
    )
    page.wait_for_function("() => (window.__cspViolations || []).length >= 2")
    assert page.evaluate("() => window.__ran") is None
    settle(page)
    assert any("violation: script-src-elem blocked inline" in p for p in problems), problems
    assert any("violation: style-src-attr blocked inline" in p for p in problems), problems


def test_reading_pages_anonymous(watched, live_server, story):
    page, problems = watched
    base = live_server.url
    for url in [
        "/",
        story.get_absolute_url(),
        story.get_absolute_url() + "?kind=quote",
        "/tags/economy/",
        "/speakers/janet-yellen/",
        f"/outlets/{story.outlet.slug}/",
        "/claims/",
        "/claims/?verdict=true",
        "/search/?q=inflation",
        "/accounts/login/",
    ]:
        visit(page, problems, base + url)
    visit(page, problems, base + "/no-such-page/", status=404)
    visit(page, problems, base + "/search/?q=%00", status=400)
    # htmx swaps on the reading page: a filter link and the search form as one types.
    page.goto(base + story.get_absolute_url())
    page.click("#filter-kind-quote")
    page.wait_for_url("**?kind=quote")
    expect(page.locator("#filter-kind-quote")).to_have_attribute("aria-current", "true")
    settle(page)
    page.goto(base + "/search/?q=port")
    page.fill("#q", "inflation")
    expect(page.locator("#q")).to_have_value("inflation")
    page.wait_for_load_state("networkidle")
    settle(page)
    assert problems == []


def test_editor_pages_and_their_swaps(watched, live_server, story):
    page, problems = watched
    base = live_server.url
    make_user("ed", editor=True)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "ed")
    page.fill("#id_password", "password")
    page.click("#main button[type=submit]")
    visit(page, problems, base + story.get_absolute_url())
    expect(page.locator("#suggestions")).to_be_visible()

    # Creating an annotation from the keyboard: select a word, h, Ctrl+Enter.
    page.locator("#article-body").focus()
    page.evaluate(
        """() => {
          const root = document.getElementById("article-body");
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.data.indexOf("Critics");
            if (i >= 0) {
              const r = document.createRange();
              r.setStart(n, i); r.setEnd(n, i + 7);
              getSelection().removeAllRanges(); getSelection().addRange(r);
              root.dispatchEvent(new Event("selectionchange", {bubbles: true}));
              document.dispatchEvent(new Event("selectionchange"));
              return;
            }
          }
        }"""
    )
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("h")
    expect(page.locator("#annotate-create")).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#annotate-status")).to_contain_text("saved")
    settle(page)
    assert problems == []

    # Details of a mark, its edit form.
    quote = Annotation.objects.get(kind="quote", status="published")
    page.focus(f"#annotation-{quote.pk}")
    page.keyboard.press("Enter")
    expect(page.locator("#annotation-panel .annotation-details")).to_be_visible()
    page.keyboard.press("e")
    expect(page.locator(f"#edit-form-{quote.pk}")).to_be_visible()
    page.keyboard.press("Escape")
    settle(page)
    assert problems == []

    # The suggestions panel: accept one by keyboard, edit the other (the speaker autocomplete).
    suggested = list(Annotation.objects.filter(status="suggested").order_by("start"))
    assert len(suggested) == 2
    page.focus(f"#suggestion-{suggested[0].pk}")
    page.keyboard.press("a")
    expect(page.locator("#suggestions h2")).to_have_text("Suggested quotes (1)")
    page.click(f"#suggestion-{suggested[1].pk} >> text=Edit")
    form = page.locator(f"#suggestion-{suggested[1].pk} form.suggestion-form")
    expect(form).to_be_visible()
    # Type once every swap has settled: a late one would replace the field typed into.
    htmx_idle(page)
    form.locator("input[name=speaker]").fill("")
    form.locator("input[name=speaker]").press_sequentially("Jan")
    # Typed at once, "Jan" may be sent as "J", "Ja" and "Jan"; the last answer wins.
    expect(page.locator(f"#speaker-options-{suggested[1].pk} option")).not_to_have_count(
        0, timeout=15_000
    )
    settle(page)
    assert problems == []

    # History, the annotation's own page, the speakers page with its live search and a save.
    visit(page, problems, base + f"/articles/{story.slug}/history/")
    visit(page, problems, base + f"/annotations/{quote.pk}/")
    visit(page, problems, base + "/editor/speakers/")
    page.fill("#speaker-q", "Yell")
    expect(page.locator("#speaker-table")).not_to_contain_text("Mick Walsh")
    row = page.locator("#speaker-table tbody tr").first
    row.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Saved.")
    settle(page)
    assert problems == []


def test_the_api_token_page_and_its_swaps(watched, live_server, story):
    page, problems = watched
    base = live_server.url
    make_user("tok")
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "tok")
    page.fill("#id_password", "password")
    page.click("#main button[type=submit]")
    visit(page, problems, base + "/account/tokens/")
    # A nameless token: the 422 is swapped in with its message (static/js/tokens.js).
    page.get_by_label("What is it for?").fill("   ")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("alert")).to_contain_text("Name the token")
    settle(page)  # Chromium logs the 422 it was answered; nothing else may show
    refused = "Failed to load resource: the server responded with a status of 422"
    problems[:] = [p for p in problems if refused not in p]
    # A named one: its secret, selected on focus, ready to copy.
    page.get_by_label("What is it for?").fill("CSP script")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_label("Your new token")
    secret.focus()
    selection = (
        "() => { const e = document.activeElement; return [e.selectionStart, e.selectionEnd]; }"
    )
    assert page.evaluate(selection) == [0, len(secret.input_value())]
    # Revoking it, past the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke CSP script").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    settle(page)
    assert problems == []
    visit(page, problems, base + "/api/docs")


def test_admin_pages_and_the_import_page(watched, live_server, story, tmp_path):
    from tests.test_importing_storing import SAMPLE

    page, problems = watched
    base = live_server.url
    admin = make_user("chief", is_staff=True, is_superuser=True)
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    quote = Annotation.objects.filter(kind="quote").first()
    assert quote is not None
    for url in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?indexing=waiting",
        f"/admin/articles/article/{story.pk}/change/",
        "/admin/articles/annotation/",
        f"/admin/articles/annotation/{quote.pk}/change/",
        "/admin/articles/speaker/",
        "/admin/articles/speaker/add/",
        "/admin/articles/sourcefile/",
        f"/admin/auth/user/{admin.pk}/change/",  # the groups and permissions filter widgets
        "/admin/articles/sourcefile/import/",
    ]:
        visit(page, problems, base + url)
    page.set_input_files("input[type=file]", [str(SAMPLE)])
    page.click("input[type=submit]")
    expect(page.locator(".import-summary")).to_contain_text("1 imported")
    settle(page)
    assert problems == []
    # The admin's actions: select all rows, the action bar reacts (admin's actions.js).
    page.goto(base + "/admin/articles/article/")
    page.check("#action-toggle")
    expect(page.locator(".action-counter")).to_contain_text("selected")
    settle(page)
    assert problems == []
