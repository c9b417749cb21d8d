"""The editors' desk through the test client: landing on it after login, its sections,
counts and filters (with and without HX-Request), bulk accept and reject, and undo."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Annotation, AnnotationRevision, Article, SourceFile
from articles.services.versions import article_correct
from tests.factories import (
    make_annotation,
    make_article,
    make_outlet,
    make_speaker,
    make_tag,
    make_user,
)

pytestmark = pytest.mark.django_db

BODY = (
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.\n\n'
    '"Nobody saw this coming," the mayor said.'
)
WORDS = ("We will not stop", "It is a disaster", "Nobody saw this coming")
DESK = reverse("articles:desk")
BULK = reverse("articles:desk_suggestions_bulk")
UNDO = reverse("articles:desk_suggestions_undo")
HTMX = {"HTTP_HX_REQUEST": "true"}


def suggestions_on(article: Article, **fields) -> list[Annotation]:
    made = []
    for words in WORDS:
        start = article.body.index(words)
        made.append(
            make_annotation(
                article,
                start,
                start + len(words),
                Annotation.Kind.QUOTE,
                status=Annotation.Status.SUGGESTED,
                **fields,
            )
        )
    return made


@pytest.fixture
def editor_user():
    return make_user("desk-editor", editor=True)


@pytest.fixture
def client_of(editor_user) -> Client:
    client = Client()
    client.force_login(editor_user)
    return client


# Landing after login -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "lands_on"),
    [
        ("reader", reverse("articles:home")),
        ("editor", DESK),
        ("staff", DESK),
        ("superuser", DESK),
    ],
)
def test_each_role_lands_where_it_should_after_login(role, lands_on):
    fields = {
        "reader": {},
        "editor": {"editor": True},
        "staff": {"is_staff": True},
        "superuser": {"is_staff": True, "is_superuser": True},
    }[role]
    make_user(f"someone-{role}", **fields)
    response = Client().post(
        reverse("login"), {"username": f"someone-{role}", "password": "password"}
    )
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_a_next_wins_over_the_desk_for_editors():
    make_user("next-editor", editor=True)
    article = make_article()
    response = Client().post(
        f"{reverse('login')}?next={article.get_absolute_url()}",
        {"username": "next-editor", "password": "password"},
    )
    assert response["Location"] == article.get_absolute_url()


def test_an_unsafe_next_is_ignored_and_the_editor_lands_on_the_desk():
    make_user("unsafe-editor", editor=True)
    response = Client().post(
        f"{reverse('login')}?next=https://evil.example/",
        {"username": "unsafe-editor", "password": "password"},
    )
    assert response["Location"] == DESK


# Sections and counts ---------------------------------------------------------------------


def test_the_desk_lists_every_section_with_its_count(client_of):
    article = make_article(body=BODY, title="Inflation talk")
    suggestions_on(article)
    page = client_of.get(DESK).content.decode()
    assert "Pending suggestions: <strong>3</strong> suggestions" in page
    assert "Needs review: <strong>0</strong> articles" in page
    assert "Imported in the last 7 days: <strong>1</strong> articles" in page
    for suggestion in Annotation.objects.suggested():
        assert f'value="{suggestion.pk}"' in page
    assert "0 annotations, 3 suggestions" in page


def test_the_desk_answers_in_a_fixed_number_of_queries(client_of, django_assert_num_queries):
    for _ in range(3):
        suggestions_on(make_article(body=BODY))
        article = make_article(body=BODY)
        claim = make_annotation(article, 0, 10, Annotation.Kind.CLAIM)
        article_correct(
            article=article,
            body="Something else entirely.",
            structure=None,
            reason="Fix",
            user=None,
        )
        claim.refresh_from_db()
        judged = {"verdict": "false", "note": "No.", "author": make_user()}
        for at, status in enumerate(("draft", "submitted", "returned")):
            make_annotation(article, at, at + 3, Annotation.Kind.CLAIM, status=status, **judged)
    client_of.get(DESK)
    cache.clear()
    # session, user with editor status, the hubs' version (the cache key), the sections'
    # counts by status (one grouped query), the imported articles' count, a page of each
    # section (six), the outlets for the filter.
    with django_assert_num_queries(12):
        page = client_of.get(DESK).content.decode()
    # Nothing changed: the sections come from the cache; session, user, version, outlets.
    with django_assert_num_queries(4):
        again = client_of.get(DESK).content.decode()
    sections = lambda html: html.split('id="desk-sections"')[1].split("</main>")[0]  # noqa: E731
    assert sections(again) == sections(page)
    assert "Needs review: <strong>3</strong> articles" in page
    assert "Verdicts awaiting review: <strong>3</strong> claims" in page
    assert "Verdicts sent back: <strong>3</strong> claims" in page
    assert "Verdicts in draft: <strong>3</strong> claims" in page


def test_a_change_shows_on_the_desk_at_once_though_its_sections_are_cached(client_of):
    suggestions_on(make_article(body=BODY))
    before = client_of.get(DESK, headers={"HX-Request": "true"}).content.decode()
    assert "Pending suggestions: <strong>3</strong> suggestions" in before
    first = Annotation.objects.suggested().first()
    assert first is not None
    first.delete()
    after = client_of.get(DESK, headers={"HX-Request": "true"}).content.decode()
    assert "Pending suggestions: <strong>2</strong> suggestions" in after


def test_the_desk_is_for_editors():
    reader = Client()
    reader.force_login(make_user())
    assert reader.get(DESK).status_code == 403
    assert Client().get(DESK).status_code == 302


def test_htmx_gets_the_sections_only_and_the_answer_varies_on_it(client_of):
    suggestions_on(make_article(body=BODY))
    response = client_of.get(DESK, **HTMX)
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="desk-sections"')
    assert "<h1>" not in page
    assert "HX-Request" in response["Vary"]
    assert "<h1>Desk</h1>" in client_of.get(DESK).content.decode()


def test_pages_of_a_section_keep_the_filters(client_of):
    outlet = make_outlet("Daily Paper")
    for _ in range(9):
        suggestions_on(make_article(body=BODY, outlet=outlet))
    page = client_of.get(DESK, {"outlet": outlet.slug}).content.decode()
    assert "Page 1 of 2" in page
    assert "outlet=daily-paper&amp;suggestions=2" in page
    second = client_of.get(DESK, {"outlet": outlet.slug, "suggestions": "2"}).content.decode()
    assert "Page 2 of 2" in second
    assert client_of.get(DESK, {"suggestions": "nope"}).status_code == 200


# Filters --------------------------------------------------------------------------------


def test_the_outlet_filter_narrows_every_section(client_of):
    ours, theirs = make_outlet("Ours"), make_outlet("Theirs")
    suggestions_on(make_article(body=BODY, outlet=ours, title="Our story"))
    suggestions_on(make_article(body=BODY, outlet=theirs, title="Their story"))
    page = client_of.get(DESK, {"outlet": ours.slug}).content.decode()
    assert "Pending suggestions: <strong>3</strong>" in page
    assert "Imported in the last 7 days: <strong>1</strong>" in page
    assert "Our story" in page
    assert "Their story" not in page


def test_the_tag_filter_takes_a_name_or_a_slug(client_of):
    economy = make_tag("Economy")
    tagged, untagged = make_article(body=BODY, title="Tagged"), make_article(body=BODY)
    make_annotation(tagged, 0, 5, tags=[economy])
    suggestions_on(tagged)
    suggestions_on(untagged)
    for value in ("economy", "ECONOMY"):
        page = client_of.get(DESK, {"tag": value}).content.decode()
        assert "Pending suggestions: <strong>3</strong>" in page
        assert "Imported in the last 7 days: <strong>1</strong>" in page


def test_the_date_filter_is_on_the_publication_date(client_of):
    old = make_article(body=BODY, published_on=datetime.date(2019, 5, 1))
    suggestions_on(old)
    suggestions_on(make_article(body=BODY, published_on=datetime.date(2024, 5, 1)))
    page = client_of.get(DESK, {"since": "2019-01-01", "until": "2019-12-31"}).content.decode()
    assert "Pending suggestions: <strong>3</strong>" in page
    page = client_of.get(DESK, {"since": "2020-01-01"}).content.decode()
    assert "Pending suggestions: <strong>3</strong>" in page
    page = client_of.get(DESK, {"until": "2018-01-01"}).content.decode()
    assert "Pending suggestions: <strong>0</strong>" in page


def test_mine_means_articles_i_imported_or_annotated(client_of, editor_user):
    imported = make_article(body=BODY, title="I imported it")
    SourceFile.objects.create(name="a.txt", article=imported, imported_by=editor_user)
    Article.objects.filter(pk=imported.pk).update(
        source_file=SourceFile.objects.get(article=imported)
    )
    annotated = make_article(body=BODY, title="I annotated it")
    make_annotation(annotated, 0, 5, author=editor_user)
    someone_elses = make_article(body=BODY, title="Not mine")
    for article in (imported, annotated, someone_elses):
        suggestions_on(article)
    page = client_of.get(DESK, {"mine": "on"}).content.decode()
    assert "Pending suggestions: <strong>6</strong>" in page
    assert "Not mine" not in page
    assert "Not mine" in client_of.get(DESK).content.decode()


def test_recently_imported_leaves_older_imports_out(client_of):
    fresh = make_article(body=BODY, title="Fresh import")
    stale = make_article(body=BODY, title="Stale import")
    Article.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    page = client_of.get(DESK).content.decode()
    assert "Imported in the last 7 days: <strong>1</strong>" in page
    assert fresh.title in page
    assert stale.title not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"outlet": "no-such-outlet"}, "There is no such outlet."),
        ({"tag": "no such tag"}, "There is no tag called “no such tag”."),
        ({"since": "yesterday"}, "Enter a valid date."),
        ({"since": "2024-05-01", "until": "2024-01-01"}, "The end date is before the start date."),
        ({"tag": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_filters_get_a_clear_message_never_a_500(client_of, query, message):
    for headers in ({}, HTMX):
        response = client_of.get(DESK, query, **headers)
        assert response.status_code == 400
        page = response.content.decode()
        assert "These filters cannot be applied" in page
        assert message in page


# Bulk actions and undo -------------------------------------------------------------------


def test_bulk_reject_across_articles_then_undo(client_of):
    first, second = suggestions_on(make_article(body=BODY)), suggestions_on(make_article(body=BODY))
    chosen = [first[0].pk, first[1].pk, second[2].pk]
    response = client_of.post(BULK, {"action": "reject", "ids": chosen})
    assert response.status_code == 302
    assert response["Location"] == DESK
    assert set(Annotation.objects.filter(status="rejected").values_list("pk", flat=True)) == set(
        chosen
    )
    page = client_of.get(DESK).content.decode()
    assert "3 suggestions rejected." in page
    assert UNDO in page
    client_of.post(UNDO)
    assert not Annotation.objects.filter(status="rejected").exists()
    assert Annotation.objects.suggested().count() == 6
    assert "Undo the last bulk action" not in client_of.get(DESK).content.decode()


def test_bulk_accept_with_htmx_answers_the_sections_and_the_status_line(client_of):
    yellen = make_speaker("Janet Yellen")
    chosen = suggestions_on(make_article(body=BODY), speaker=yellen)[:2]
    response = client_of.post(
        f"{BULK}?suggestions=1", {"action": "accept", "ids": [s.pk for s in chosen]}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="desk-sections"')
    assert 'id="desk-status"' in page
    assert 'hx-swap-oob="true"' in page
    assert "2 suggestions accepted." in page
    assert f"{UNDO}?suggestions=1" in page
    assert Annotation.objects.published().filter(speaker=yellen).count() == 2


def test_bulk_without_a_choice_or_with_a_bad_id_says_so(client_of):
    response = client_of.post(BULK, {"action": "reject"}, **HTMX)
    assert response.status_code == 422
    assert "Choose at least one suggestion." in response.content.decode()
    response = client_of.post(BULK, {"action": "reject", "ids": ["1x"]}, **HTMX)
    assert response.status_code == 422
    assert "Suggestions are chosen by their number." in response.content.decode()
    response = client_of.post(BULK, {"action": "explode", "ids": ["1"]}, **HTMX)
    assert response.status_code == 422
    response = client_of.post(BULK, {"action": "reject", "ids": ["1"]})
    assert response.status_code == 302


def test_undo_with_nothing_to_undo_says_so(client_of):
    response = client_of.post(UNDO, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "There is nothing to undo." in response.content.decode()


def test_undo_is_the_editors_own_last_bulk_action(client_of):
    chosen = suggestions_on(make_article(body=BODY))
    client_of.post(BULK, {"action": "reject", "ids": [s.pk for s in chosen]})
    other = Client()
    other.force_login(make_user(editor=True))
    assert other.post(UNDO, headers={"HX-Request": "true"}).status_code == 422
    assert Annotation.objects.filter(status="rejected").count() == 3


def test_bulk_actions_answer_in_a_fixed_number_of_queries(client_of, django_assert_num_queries):
    ids = [s.pk for _ in range(4) for s in suggestions_on(make_article(body=BODY))]
    client_of.get(DESK)
    # session, user, the service (savepoint, lock, update, history, release), the session's
    # save of the undo (savepoint, update, release); then the redirect.
    with django_assert_num_queries(10):
        client_of.post(BULK, {"action": "reject", "ids": ids})
    # session, user, the service (savepoint, lock, last revisions, update, history, release),
    # the session's save.
    with django_assert_num_queries(11):
        client_of.post(UNDO)
    assert AnnotationRevision.objects.filter(action="undone").count() == 12
