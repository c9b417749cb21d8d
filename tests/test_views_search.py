from __future__ import annotations

import datetime

import pytest

from articles.models import Annotation
from articles.rendering import verdict_badge
from tests.factories import make_annotation, make_article, make_outlet, make_speaker, make_tag

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    import re

    found = re.findall(r'class="story-title[^"]*"><a href="[^"]+">(.*?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_the_empty_search_page_explains_and_suggests_tags(client, django_assert_num_queries):
    make_annotation(make_article(), 0, 5, tags=[make_tag("Elections")])
    with django_assert_num_queries(1):
        html = client.get("/search/").content.decode()
    assert 'name="q"' in html and "Type a few words" in html
    assert 'href="/tags/elections/">#Elections</a>' in html


def test_titles_rank_above_bodies(client):
    make_article(title="Budget talks", body="The minister spoke about schools.")
    make_article(title="Schools reopen", body="Pupils return to class.")
    html = client.get("/search/?q=schools").content.decode()
    assert titles(html) == ["Schools reopen", "Budget talks"]
    assert "2 stories match “schools”" in html
    assert "1 story matches “reopen”" in client.get("/search/?q=reopen").content.decode()


def test_snippets_highlight_the_matches_and_escape_the_text(client):
    make_article(title="A story", body="The troops & tanks <b>bold</b> withdrew after.")
    html = client.get("/search/?q=troops").content.decode()
    assert "<mark>troops</mark>" in html
    assert "<mark>troops</mark> &amp; tanks" in html and "<b>" not in html


def test_facets_count_and_narrow(client):
    euronews, bbc = make_outlet("Euronews"), make_outlet("BBC")
    iraq = make_tag("Iraq")
    esper = make_speaker("Mark Esper")
    first = make_article(
        title="Troops one", outlet=euronews, published_on=datetime.date(2020, 1, 7)
    )
    make_annotation(first, 0, 5, Annotation.Kind.QUOTE, speaker=esper, tags=[iraq])
    second = make_article(title="Troops two", outlet=bbc, published_on=datetime.date(2021, 3, 1))
    make_annotation(second, 0, 5, Annotation.Kind.CLAIM, verdict="false")
    make_article(title="Troops three", outlet=bbc, published_on=datetime.date(2021, 5, 1))
    html = client.get("/search/?q=troops").content.decode()
    assert '?q=troops&amp;outlet=bbc">BBC</a> <span class="count">2</span>' in html
    assert '?q=troops&amp;outlet=euronews">Euronews</a> <span class="count">1</span>' in html
    assert '>2021</a> <span class="count">2</span>' in html
    assert '>#Iraq</a> <span class="count">1</span>' in html
    assert '>Mark Esper</a> <span class="count">1</span>' in html
    assert '>Claims</a> <span class="count">1</span>' in html
    assert set(titles(client.get("/search/?q=troops&outlet=bbc").content.decode())) == {
        "Troops two",
        "Troops three",
    }
    narrowed = client.get("/search/?q=troops&tag=iraq").content.decode()
    assert titles(narrowed) == ["Troops one"]
    # The chosen value links back to the results without it.
    assert 'href="?q=troops" hx-get="?q=troops" aria-current="true">#Iraq</a>' in narrowed
    assert titles(client.get("/search/?q=troops&speaker=mark-esper").content.decode()) == [
        "Troops one"
    ]
    assert titles(client.get("/search/?q=troops&kind=claim").content.decode()) == ["Troops two"]
    dated = client.get("/search/?q=troops&since=2021-01-01&until=2021-03-31").content.decode()
    assert titles(dated) == ["Troops two"]


def test_a_bad_date_is_reported_and_left_out(client):
    make_article(title="Troops")
    response = client.get("/search/?q=troops&since=yesterday")
    assert response.status_code == 200
    html = response.content.decode()
    assert "the wrong one was left out" in html and titles(html) == ["Troops"]


def test_an_empty_result_says_so_and_suggests(client):
    make_article(title="Troops")
    make_annotation(make_article(), 0, 5, tags=[make_tag("Iraq")])
    html = client.get("/search/?q=zebras").content.decode()
    assert "Nothing matches “zebras”" in html
    assert "fewer or more general words" in html and "#Iraq" in html
    narrowed = client.get("/search/?q=troops&outlet=nowhere").content.decode()
    assert "with these filters" in narrowed and "Search again without the filters" in narrowed


def test_search_syntax_never_breaks_the_page(client):
    make_article(title="Troops")
    for q in ['"unclosed', "a & b | !c", "-", "or or", "(", "’", "x" * 200, "\\"]:
        assert client.get("/search/", {"q": q}).status_code == 200


def test_search_takes_a_fixed_number_of_queries(client, django_assert_num_queries):
    tag, speaker = make_tag("t"), make_speaker("Someone")

    def grow():
        for _ in range(5):
            article = make_article(title="Troops withdraw")
            make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=speaker, tags=[tag])
            make_annotation(article, 6, 9, Annotation.Kind.CLAIM, note="troops")

    for _ in range(2):
        grow()
        # Ranked ids, the page with its snippets, the facets (outlet, year, tag, speaker,
        # kind: one UNION ALL of grouped selects), the matching speakers and quotes.
        with django_assert_num_queries(5):
            client.get("/search/?q=troops")
        with django_assert_num_queries(5):
            client.get("/search/?q=troops&tag=t&kind=quote", headers={"HX-Request": "true"})
    # No match: the ranked ids (none), speakers and quotes (none), the suggested tags.
    with django_assert_num_queries(4):
        client.get("/search/?q=zebras")
    # Nothing to search for: no query at all.
    with django_assert_num_queries(0):
        client.get("/search/?q=-zebras")


def test_htmx_gets_the_results_fragment_only(client):
    make_article(title="Troops")
    response = client.get(
        "/search/?q=troops", headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html and 'id="q"' not in html
    assert "HX-Request" in response["Vary"]


def test_the_search_box_searches_as_you_type_through_htmx(client):
    html = client.get("/search/").content.decode()
    assert 'hx-trigger="input changed delay:300ms from:#q' in html
    assert 'hx-target="#search-results"' in html and 'hx-push-url="true"' in html


@pytest.mark.parametrize("q", ["example.com", "c++ code", "x[1] (a|b)", "a\\b", "50% off", "ılık*"])
def test_query_characters_that_mean_something_to_a_regex_are_harmless(client, q):
    make_article(title="Example", body=f"Before. Look at example.com and c++ code, x[1] (a|b) {q}.")
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert titles(response.content.decode()) == ["Example"]


def test_narrowing_to_an_outlet_keeps_its_newest_matches(client, django_assert_num_queries):
    bbc, other = make_outlet("BBC"), make_outlet("Other")
    for day in range(1, 4):
        make_article(title=f"Troops {day}", outlet=bbc, published_on=datetime.date(2021, 1, day))
        make_article(title=f"Troops elsewhere {day}", outlet=other)
    with django_assert_num_queries(5):
        html = client.get("/search/?q=troops&outlet=bbc").content.decode()
    assert sorted(titles(html)) == ["Troops 1", "Troops 2", "Troops 3"]


def facet_counts(client, q: str = "troops") -> dict[str, dict[str, int]]:
    import re

    html = client.get("/search/", {"q": q}).content.decode()
    facets = {}
    for heading, items in re.findall(r"<h2>([^<]+)</h2><ul>(.*?)</ul>", html, re.S):
        facets[heading] = {
            label: int(n)
            for label, n in re.findall(r">([^<]+)</a> <span class=\"count\">(\d+)</span>", items)
        }
    return facets


def test_facets_follow_every_write_to_annotations_and_their_tags(client):
    from articles.models import ArticleFacets

    iraq, pentagon = make_tag("Iraq"), make_tag("Pentagon")
    esper = make_speaker("Mark Esper")
    first, second = make_article(title="Troops one"), make_article(title="Troops two")
    quote = make_annotation(
        first, 0, 5, Annotation.Kind.QUOTE, speaker=esper, status=Annotation.Status.SUGGESTED
    )
    # Suggestions are not counted.
    assert "Speaker" not in facet_counts(client)
    Annotation.objects.filter(pk=quote.pk).update(status=Annotation.Status.PUBLISHED)
    assert facet_counts(client)["Speaker"] == {"Mark Esper": 1}
    claim = make_annotation(first, 6, 9, Annotation.Kind.CLAIM, tags=[iraq])
    make_annotation(second, 0, 5, Annotation.Kind.CLAIM, tags=[iraq, pentagon])
    # Two claims on one article count one article.
    assert facet_counts(client)["Has annotations"] == {"Claims": 2, "Quotes": 1}
    assert facet_counts(client)["Tag"] == {"#Iraq": 2, "#Pentagon": 1}
    claim.tags.remove(iraq)
    assert facet_counts(client)["Tag"] == {"#Iraq": 1, "#Pentagon": 1}
    claim.tags.add(pentagon)
    assert facet_counts(client)["Tag"] == {"#Pentagon": 2, "#Iraq": 1}
    claim.delete()
    assert facet_counts(client)["Has annotations"] == {"Claims": 1, "Quotes": 1}
    quote.delete()
    assert ArticleFacets.objects.filter(article=first).count() == 0
    second.delete()
    assert ArticleFacets.objects.count() == 0


def test_words_only_left_out_say_there_is_nothing_to_search_for(client):
    make_article(title="Trump speaks")
    html = client.get("/search/?q=-trump").content.decode()
    assert "Nothing to search for" in html and "only leaves words out" in html
    assert titles(html) == []


def test_speakers_come_first_as_cards_then_quotes_then_stories(client):
    milley = make_speaker("Mark Milley")
    article = make_article(title="Letter to Baghdad", body="We are leaving Iraq, he said.")
    quote = make_annotation(article, 0, 19, Annotation.Kind.QUOTE, speaker=milley)
    html = client.get("/search/?q=milley").content.decode()
    card = html.index('class="speaker-card"')
    quotes = html.index('id="quotes-heading"')
    stories = html.index('id="results-heading"')
    assert card < quotes < stories
    assert f'<a href="{milley.get_absolute_url()}">Mark Milley</a>' in html
    assert "1 quote" in html
    assert f'href="{article.get_absolute_url()}#annotation-{quote.pk}"' in html
    assert "“We are leaving Iraq”" in html
    assert titles(html) == ["Letter to Baghdad"]


def test_claims_in_results_show_their_verdict(client):
    article = make_article(title="Figures", body="Unemployment fell by half last year.")
    make_annotation(article, 0, 35, Annotation.Kind.CLAIM, verdict=Annotation.Verdict.FALSE)
    make_annotation(
        make_article(title="More figures", body="Unemployment is rising."),
        0,
        22,
        Annotation.Kind.CLAIM,
    )
    html = client.get("/search/?q=unemployment").content.decode()
    assert verdict_badge(Annotation.Verdict.FALSE) in html
    assert "No verdict yet" in html
    assert "<mark>Unemployment</mark> fell by half last year" in html


def test_a_title_only_match_shows_its_title_marked_and_its_first_sentence(client):
    make_article(
        title="Ceasefire holds",
        body="Guns fell silent on Sunday, officials said. Talks resume on Monday.",
    )
    html = client.get("/search/?q=ceasefire").content.decode()
    assert '<a href="/articles/' in html and "><mark>Ceasefire</mark> holds</a>" in html
    assert (
        '<p class="story-summary result-snippet">Guns fell silent on Sunday, officials said.</p>'
        in html
    )


def test_a_story_with_only_quotes_matching_still_lists_the_quotes(client):
    make_speaker("Nobody Quoted")
    html = client.get("/search/?q=nobody").content.decode()
    assert "No story matches “nobody”" in html and 'class="speaker-card"' in html
