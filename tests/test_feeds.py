from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from articles.models import Annotation
from articles.services.speakers import speaker_merge
from tests.factories import (
    make_annotation,
    make_article,
    make_outlet,
    make_speaker,
    make_tag,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str | None]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


def test_latest_feed_lists_the_newest_articles_first(client):
    make_article(title="Older", published_on=datetime.date(2020, 1, 1))
    make_article(title="Newer", published_on=datetime.date(2021, 1, 1), summary="The gist")
    response = client.get("/feeds/latest/")
    assert entries(response) == ["Newer", "Older"]
    assert b"The gist" in response.content
    assert b"/articles/" in response.content


def test_tag_feed_lists_only_stories_tagged(client):
    tag = make_tag("Iraq")
    tagged = make_article(title="Tagged")
    make_annotation(tagged, 0, 5, Annotation.Kind.QUOTE, tags=[tag])
    make_article(title="Not tagged")
    response = client.get("/tags/iraq/feed/")
    assert entries(response) == ["Tagged"]
    assert b"stories tagged Iraq" in response.content


def test_feeds_take_a_fixed_number_of_queries(client, django_assert_num_queries):
    tag = make_tag("t")
    for _ in range(5):
        make_annotation(make_article(), 0, 5, tags=[tag])
    # The entries' versions (the ETag), then the entries and their quotes and claims: one
    # query more than the feed alone, for a 304 that costs only the first.
    with django_assert_num_queries(3):
        client.get("/feeds/latest/")
    with django_assert_num_queries(4):
        client.get("/tags/t/feed/")
    speaker, outlet = make_speaker("Jo"), make_outlet("Wire")
    for _ in range(3):
        make_annotation(make_article(outlet=outlet), 0, 5, Annotation.Kind.QUOTE, speaker=speaker)
    with django_assert_num_queries(4):  # the speaker, then as above
        client.get("/speakers/jo/feed/")
    with django_assert_num_queries(4):  # the outlet, then as above
        client.get("/outlets/wire/feed/")


def test_unknown_tag_feed_is_404(client):
    assert client.get("/tags/nope/feed/").status_code == 404


def test_home_and_tag_pages_advertise_their_feeds(client):
    make_tag("t")
    assert b'type="application/atom+xml"' in client.get("/").content
    assert b'href="/tags/t/feed/"' in client.get("/tags/t/").content


def test_the_latest_feed_answers_304_to_its_etag_until_an_article_changes(
    client, settings, django_assert_num_queries
):
    settings.HTTP_CACHE_MAX_AGE = 45
    article = make_article(title="First")
    first = client.get("/feeds/latest/")
    etag = first["ETag"]
    assert etag.startswith('"') and first["Last-Modified"]
    assert "public" in first["Cache-Control"] and "max-age=45" in first["Cache-Control"]
    with django_assert_num_queries(1):  # the entries' versions, nothing rendered
        again = client.get("/feeds/latest/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    # Compressed, the middleware marks the ETag weak; If-None-Match compares weakly.
    gzipped = client.get("/feeds/latest/", headers={"Accept-Encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip" and gzipped["ETag"] == f"W/{etag}"
    weak = {"If-None-Match": gzipped["ETag"], "Accept-Encoding": "gzip"}
    assert client.get("/feeds/latest/", headers=weak).status_code == 304
    article.title = "First, corrected"
    article.save()
    changed = client.get("/feeds/latest/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert entries(changed) == ["First, corrected"]


def test_the_tag_feed_s_etag_changes_with_its_entries_and_the_tag_s_name(client):
    tag = make_tag("Iraq")
    tagged = make_article(title="Tagged")
    url = "/tags/iraq/feed/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    make_annotation(tagged, 0, 5, Annotation.Kind.QUOTE, tags=[tag])
    tagged_etag = client.get(url)["ETag"]
    assert tagged_etag != etag
    tag.name = "Irak"
    tag.save()
    renamed = client.get(url, headers={"If-None-Match": tagged_etag})
    assert renamed.status_code == 200 and b"stories tagged Irak" in renamed.content
    assert client.get("/tags/no-such-tag/feed/").status_code == 404


def feed_entries(response) -> list[ET.Element]:
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_entries_hold_the_excerpt_the_quotes_with_speakers_and_the_claims_with_verdicts(client):
    body = "The minister said the budget was balanced. Critics disagreed loudly."
    article = make_article(title="BUDGET ROW ERUPTS IN PARLIAMENT", body=body)
    minister = make_speaker("Ana Minister")
    quote = "the budget was balanced"
    at = body.index(quote)
    make_annotation(article, at, at + len(quote), Annotation.Kind.QUOTE, speaker=minister)
    make_annotation(article, at + 4, at + 10, Annotation.Kind.CLAIM, verdict="false")
    make_annotation(article, 0, 3, Annotation.Kind.CLAIM)
    make_annotation(article, 43, 50, Annotation.Kind.HIGHLIGHT)
    (entry,) = feed_entries(client.get("/feeds/latest/"))
    # Titles as written in the data: the pages' sentence case is for display only.
    assert entry.findtext(f"{ATOM}title") == "BUDGET ROW ERUPTS IN PARLIAMENT"
    summary = entry.findtext(f"{ATOM}summary") or ""
    assert "The minister said the budget was balanced." in summary  # no summary: the opening
    assert "Critics disagreed" not in summary  # the first sentence only
    assert "Quote by Ana Minister: “the budget was balanced”" in summary
    assert "Claim, judged False: “budget”" in summary
    assert "Claim, no verdict yet: “The”" in summary
    assert "Highlight" not in summary
    assert entry.findtext(f"{ATOM}updated")


def test_each_entry_says_its_story_s_language(client):
    make_article(title="Kuraklık", language="tr", published_on=datetime.date(2021, 1, 1))
    make_article(title="Drought", language="en", published_on=datetime.date(2020, 1, 1))
    turkish, english = feed_entries(client.get("/feeds/latest/"))
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert turkish.get(lang) == "tr" and english.get(lang) == "en"


def test_speaker_and_outlet_feeds_list_their_stories(client):
    jo, wire = make_speaker("Jo Quoted"), make_outlet("Wire")
    quoting = make_article(title="Quoting Jo", outlet=wire)
    make_annotation(quoting, 0, 5, Annotation.Kind.QUOTE, speaker=jo)
    make_article(title="Not quoting")
    make_article(title="Also from the wire", outlet=wire, published_on=datetime.date(2019, 1, 1))
    assert entries(client.get("/speakers/jo-quoted/feed/")) == ["Quoting Jo"]
    assert entries(client.get("/outlets/wire/feed/")) == ["Quoting Jo", "Also from the wire"]
    assert b'href="/speakers/jo-quoted/feed/"' in client.get("/speakers/jo-quoted/").content
    assert b'href="/outlets/wire/feed/"' in client.get("/outlets/wire/").content
    for url in ("/speakers/nobody/feed/", "/outlets/nowhere/feed/"):
        assert client.get(url).status_code == 404


def test_a_merged_speaker_s_feed_moved_for_good(client):
    keep, duplicate = make_speaker("Mark Milley"), make_speaker("Gen. Milley")
    speaker_merge(keep_id=keep.pk, duplicate_ids=[duplicate.pk], user=None)
    response = client.get("/speakers/gen-milley/feed/")
    assert response.status_code == 301 and response["Location"] == "/speakers/mark-milley/feed/"


def test_a_quote_s_change_changes_the_feed_s_etag(client):
    article = make_article()
    etag = client.get("/feeds/latest/")["ETag"]
    make_annotation(article, 0, 5, Annotation.Kind.QUOTE, speaker=make_speaker("Jo"))
    changed = client.get("/feeds/latest/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"Quote by Jo" in changed.content


def test_a_feed_built_is_kept_until_its_entries_change(client, django_assert_num_queries):
    make_article(title="Kept")
    client.get("/feeds/latest/")
    with django_assert_num_queries(1):  # the entries' versions; the feed itself was kept
        kept = client.get("/feeds/latest/")
    assert entries(kept) == ["Kept"]
    make_article(title="Newer", published_on=datetime.date(2030, 1, 1))
    assert entries(client.get("/feeds/latest/")) == ["Newer", "Kept"]
