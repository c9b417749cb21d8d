from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import Annotation, AnnotationRevision, Speaker
from articles.services.suggestions import suggestion_reject, suggestions_propose
from tests.factories import make_annotation, make_article, make_speaker, make_tag, make_user

pytestmark = pytest.mark.django_db

BODY = (
    "Treasury Secretary Janet Yellen spoke on Tuesday.\n\n"
    '"We will not stop until inflation is back to target," Yellen said.\n\n'
    '"It is a disaster for the port," said union leader Mick Walsh.'
)
WALSH_WORDS = "It is a disaster for the port,"
HX = {"HX-Request": "true"}


@pytest.fixture
def article():
    article = make_article(title="Port strike", body=BODY, structure=[])
    suggestions_propose(article=article)
    return article


@pytest.fixture
def walsh(article):
    return Annotation.objects.get(article=article, exact=WALSH_WORDS)


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("ed", editor=True))
    return client


def urls(article, suggestion) -> list[tuple[str, str]]:
    return [
        ("post", reverse("articles:suggestions_find", args=[article.slug])),
        ("post", reverse("articles:suggestion_accept", args=[suggestion.pk])),
        ("post", reverse("articles:suggestion_reject", args=[suggestion.pk])),
        ("get", reverse("articles:suggestion_edit", args=[suggestion.pk])),
        ("post", reverse("articles:suggestion_edit", args=[suggestion.pk])),
    ]


def test_it_sends_anon_to_log_in_on_every_url(client, article, walsh):
    for method, url in urls(article, walsh):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.SUGGESTED


def test_it_returns_403_for_readers_on_every_url(client, article, walsh):
    client.force_login(make_user("reader"))
    for method, url in urls(article, walsh):
        assert getattr(client, method)(url, headers=HX).status_code == 403, url
    assert Annotation.objects.suggested().count() == 2


def test_it_refuses_posts_without_a_csrf_token(article, walsh):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(editor=True))
    for method, url in urls(article, walsh):
        if method == "post":
            assert client.post(url).status_code == 403, url
    assert Annotation.objects.suggested().count() == 2


def test_accept_and_reject_are_post_only(editor_client, walsh):
    for name in ("articles:suggestion_accept", "articles:suggestion_reject"):
        assert editor_client.get(reverse(name, args=[walsh.pk])).status_code == 405


def test_an_unknown_suggestion_is_404(editor_client):
    assert (
        editor_client.post(reverse("articles:suggestion_accept", args=[999999])).status_code == 404
    )


def test_accept_answers_htmx_with_body_list_and_panel(
    editor_client, article, walsh, django_assert_num_queries
):
    # session, user with editor status, suggestion; lock; speaker lookup; creating the speaker
    # (savepoint pair, name check, free slug, insert); update (a unique constraint refuses an
    # identical quote: no lock, no look-up), revision (savepoint pair); annotations with their
    # tags (suggestions among them).
    with django_assert_num_queries(15):
        response = editor_client.post(
            reverse("articles:suggestion_accept", args=[walsh.pk]), headers=HX
        )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="article-body"' in html and 'id="annotation-list"' in html
    assert 'id="suggestions"' in html and "Suggested quotes (1)" in html
    assert "Quote by Mick Walsh accepted." in html
    # The accepted quote is an ordinary mark now and listed; the other is still suggested.
    assert f'class="ann ann-quote" data-annotation="{walsh.pk}"' in html
    assert html.count("ann ann-quote is-suggested") == 1
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.PUBLISHED
    assert walsh.speaker == Speaker.objects.get(name="Mick Walsh")
    assert walsh.author.username == "ed"


def test_accept_query_count_does_not_grow_with_suggestions(
    editor_client, article, django_assert_num_queries
):
    yellen = Annotation.objects.suggested().get(article=article, proposed_speaker="Janet Yellen")
    for i in range(30):
        make_annotation(article, i, i + 3, Annotation.Kind.QUOTE, status="suggested")
    # The speaker was matched beforehand here: no speaker lookup or insert.
    Annotation.objects.filter(pk=yellen.pk).update(
        speaker=make_speaker("Janet Yellen"), proposed_speaker=""
    )
    with django_assert_num_queries(9):
        editor_client.post(reverse("articles:suggestion_accept", args=[yellen.pk]), headers=HX)


def test_accept_without_htmx_redirects_back_with_a_message(editor_client, article, walsh):
    response = editor_client.post(reverse("articles:suggestion_accept", args=[walsh.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#suggestions"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Quote by Mick Walsh accepted."
    ]


def test_reject_answers_htmx_and_records_it(
    editor_client, article, walsh, django_assert_num_queries
):
    # session, user with editor status, suggestion; lock, update, revision (savepoint pair);
    # annotations with their tags (suggestions among them).
    with django_assert_num_queries(9):
        response = editor_client.post(
            reverse("articles:suggestion_reject", args=[walsh.pk]), headers=HX
        )
    html = response.content.decode()
    assert "Suggestion rejected; it will not be proposed again." in html
    assert f'data-annotation="{walsh.pk}"' not in html
    assert "Suggested quotes (1)" in html
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.REJECTED
    assert AnnotationRevision.objects.get(annotation_id=walsh.pk).action == "rejected"


def test_reject_without_htmx_redirects_back(editor_client, article, walsh):
    response = editor_client.post(reverse("articles:suggestion_reject", args=[walsh.pk]))
    assert response["Location"] == f"{article.get_absolute_url()}#suggestions"


@pytest.mark.parametrize("name", ["articles:suggestion_accept", "articles:suggestion_reject"])
def test_a_suggestion_handled_meanwhile_gets_a_message_not_a_500(editor_client, walsh, name):
    suggestion_reject(annotation=walsh, user=make_user(editor=True))
    response = editor_client.post(reverse(name, args=[walsh.pk]), headers=HX)
    assert response.status_code == 200
    assert "This suggestion has already been rejected." in response.content.decode()
    assert "is-error" in response.content.decode()
    plain = editor_client.post(reverse(name, args=[walsh.pk]), follow=True)
    assert "This suggestion has already been rejected." in plain.content.decode()


def test_the_next_suggestion_gets_the_focus_after_a_decision(editor_client, article):
    first, second = Annotation.objects.suggested().filter(article=article).order_by("start")
    html = editor_client.post(
        reverse("articles:suggestion_reject", args=[first.pk]), headers=HX
    ).content.decode()
    assert f'id="suggestion-{second.pk}" data-suggestion="{second.pk}"' in html
    item = html[html.index(f'id="suggestion-{second.pk}"') :]
    assert item[: item.index(">")].endswith("autofocus")


def test_edit_form_is_prefilled(editor_client, walsh, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = editor_client.get(
            reverse("articles:suggestion_edit", args=[walsh.pk]), headers=HX
        )
    html = response.content.decode()
    assert "<html" not in html and f'id="suggestion-{walsh.pk}"' in html
    assert f">\n{WALSH_WORDS}</textarea>" in html
    assert 'value="Mick Walsh"' in html
    full = editor_client.get(reverse("articles:suggestion_edit", args=[walsh.pk])).content.decode()
    assert "<html" in full and "Edit suggested quote" in full


def test_edit_then_accept_publishes_the_corrected_quote(
    editor_client, article, walsh, django_assert_num_queries
):
    data = {"text": "a disaster for the port", "speaker": "Janet Yellen", "note": "Checked"}
    make_speaker("Janet Yellen")
    # session, user with editor status, suggestion; lock, speaker lookup, update, revision
    # (savepoint pair); annotations with their tags.
    with django_assert_num_queries(10):
        response = editor_client.post(
            reverse("articles:suggestion_edit", args=[walsh.pk]), data, headers=HX
        )
    assert "Quote accepted with your changes." in response.content.decode()
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.PUBLISHED
    assert walsh.exact == "a disaster for the port" == BODY[walsh.start : walsh.end]
    assert walsh.speaker.name == "Janet Yellen" and walsh.note == "Checked"


def test_edit_then_accept_sets_tags_existing_and_new(editor_client, article, walsh):
    from articles.models import AnnotationRevision

    existing = make_tag("Strikes")
    data = {"text": WALSH_WORDS, "speaker": "", "note": "", "tags": "strikes, Ports , ports"}
    response = editor_client.post(
        reverse("articles:suggestion_edit", args=[walsh.pk]), data, headers=HX
    )
    assert response.status_code == 200
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.PUBLISHED
    assert sorted(t.name for t in walsh.tags.all()) == ["Ports", "Strikes"]
    assert existing in walsh.tags.all()
    accepted = AnnotationRevision.objects.get(annotation_id=walsh.pk, action="accepted")
    assert (accepted.after or {})["tags"] == ["Ports", "Strikes"]


def test_edit_then_accept_without_htmx_redirects(editor_client, article, walsh):
    data = {"text": WALSH_WORDS, "speaker": "", "note": ""}
    response = editor_client.post(reverse("articles:suggestion_edit", args=[walsh.pk]), data)
    assert response["Location"] == f"{article.get_absolute_url()}#suggestions"
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.PUBLISHED and walsh.speaker is None


def test_edit_with_words_not_in_the_article_shows_the_form_again(editor_client, walsh):
    data = {"text": "words nobody said", "speaker": "Mick Walsh", "note": "keep me"}
    response = editor_client.post(
        reverse("articles:suggestion_edit", args=[walsh.pk]), data, headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "These words are not in the article." in html
    assert ">\nkeep me</textarea>" in html and ">\nwords nobody said</textarea>" in html
    assert response["HX-Retarget"] == f"#suggestion-{walsh.pk}"
    assert response["HX-Reselect"] == f"#suggestion-{walsh.pk}"
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.SUGGESTED


def test_edit_picks_the_occurrence_nearest_the_suggestion(editor_client, article):
    body = 'The port. "The port is shut," he said. Then "the port is shut" again, said Mick Walsh.'
    article = make_article(body=body, structure=[])
    suggestion = make_annotation(
        article,
        body.index("the port is shut"),
        body.index('" again'),
        Annotation.Kind.QUOTE,
        status="suggested",
    )
    editor_client.post(reverse("articles:suggestion_edit", args=[suggestion.pk]), {"text": "port"})
    suggestion.refresh_from_db()
    assert suggestion.start == body.index('port is shut" again')


def test_editing_a_handled_suggestion_says_so(editor_client, walsh):
    suggestion_reject(annotation=walsh, user=make_user(editor=True))
    response = editor_client.get(reverse("articles:suggestion_edit", args=[walsh.pk]), headers=HX)
    assert "This suggestion was already handled." in response.content.decode()


def test_find_quotes_on_demand(editor_client, django_assert_num_queries):
    article = make_article(body=BODY, structure=[])
    url = reverse("articles:suggestions_find", args=[article.slug])
    # session, user with editor status, article; speakers, annotations, deleted suggestions, COPY;
    # annotations with their tags (suggestions among them).
    with django_assert_num_queries(8):
        response = editor_client.post(url, headers=HX)
    assert "Found 2 new quotes to review." in response.content.decode()
    assert "Suggested quotes (2)" in response.content.decode()
    response = editor_client.post(url, follow=True)
    assert "No new quotes found." in response.content.decode()
    assert Annotation.objects.suggested().count() == 2


def test_find_quotes_on_an_unknown_article_is_404(editor_client):
    assert (
        editor_client.post(reverse("articles:suggestions_find", args=["nope"])).status_code == 404
    )


# --- what readers and editors see on the article page -----------------------------------


def test_editors_see_suggestions_on_the_article_page(
    editor_client, article, walsh, django_assert_num_queries
):
    # page version; session, user with editor status; article, annotations with their tags (the
    # first view misses the fragment cache; the suggestions are among them).
    with django_assert_num_queries(5):
        response = editor_client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "Suggested quotes (2)" in html
    assert f'class="ann ann-quote is-suggested" data-annotation="{walsh.pk}"' in html
    assert '<span class="new-speaker">new:</span> Mick Walsh' in html
    assert reverse("articles:suggestion_accept", args=[walsh.pk]) in html
    # Listed once, in the panel, not among the published annotations.
    assert "No annotations yet." in html


@pytest.mark.parametrize("role", ["anon", "reader"])
def test_readers_never_see_suggestions(client, article, walsh, role):
    if role == "reader":
        client.force_login(make_user("reader"))
    # A suggestion matched to an existing speaker whose name is not in the text.
    michael = Speaker.objects.create(name="Michael Walsh", slug="michael-walsh")
    Annotation.objects.filter(pk=walsh.pk).update(speaker=michael, proposed_speaker="")
    for url in [article.get_absolute_url(), f"{article.get_absolute_url()}?kind=quote"]:
        html = client.get(url).content.decode()
        assert 'data-annotation="' not in html and "is-suggested" not in html, url
        assert "Suggested quotes" not in html and "/suggestions/" not in html, url
    assert "No annotations yet." in client.get(article.get_absolute_url()).content.decode()
    assert WALSH_WORDS not in client.get("/speakers/michael-walsh/").content.decode()
    # (By its link: search marks the matched words of the title.)
    for url in ["/search/?q=Michael", "/search/?q=port&speaker=michael-walsh"]:
        assert article.get_absolute_url() not in client.get(url).content.decode(), url
    assert article.get_absolute_url() in client.get("/search/?q=port").content.decode()
    home = client.get("/").content.decode()
    assert "Port strike" in home and "0 quotes" in home


def test_the_annotating_tools_keep_suggestions_marked_and_the_panel_current(
    editor_client, article, walsh
):
    # A highlight over the start of Walsh's suggested quote: its paragraph is redrawn with
    # the suggestion still marked; the panel, which a new highlight cannot change, is not sent.
    start = BODY.index("a disaster")
    data = {"kind": "highlight", "start": start, "end": start + 10, "exact": "a disaster"}
    response = editor_client.post(
        reverse("articles:annotation_create", args=[article.slug]), data, headers=HX
    )
    html = response.content.decode()
    assert html.count("ann ann-quote is-suggested") == 1
    assert f'data-annotation="{walsh.pk}"' in html
    assert '<section id="suggestions"' not in html
    # Deleting a suggestion changes the panel: it comes along.
    response = editor_client.post(
        reverse("articles:annotation_delete", args=[walsh.pk]), headers=HX
    )
    html = response.content.decode()
    assert '<section id="suggestions"' in html and 'hx-swap-oob="true"' in html
    assert "Suggested quotes (1)" in html and f'id="suggestion-{walsh.pk}"' not in html


def test_accepting_a_suggestion_an_editor_already_quoted_is_refused(editor_client, article, walsh):
    make_annotation(article, walsh.start, walsh.end, Annotation.Kind.QUOTE)
    response = editor_client.post(
        reverse("articles:suggestion_accept", args=[walsh.pk]), headers=HX
    )
    assert "This span is already annotated as a quote." in response.content.decode()
    walsh.refresh_from_db()
    assert walsh.status == Annotation.Status.SUGGESTED
    assert Annotation.objects.published().count() == 1
