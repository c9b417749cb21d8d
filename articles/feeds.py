"""Atom feeds: the latest articles, and the latest articles carrying a tag, quoting a
speaker or from an outlet.

Each entry has the story's excerpt (its summary, or its first sentence), its quotes with
their speakers and its claims with their verdicts (templates/articles/feed_entry.html), the
story's language as the entry's `xml:lang`, and `updated` when its text last changed. Titles
are as written in the data (pages show capitals in sentence case; feeds do not).
"""

from __future__ import annotations

import datetime
import hashlib
import io

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Prefetch
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date

from articles.models import OPENING_CHARS, Annotation, Article, Outlet, Speaker, Tag

FEED_SIZE = 30
FEED_CACHE_SECONDS = 3600


def entry_versions(items) -> list:
    """For each entry of a feed, its id, times, outlet name (an edited title or summary
    moves `updated_at`) and annotations version (its quotes, claims and their speakers'
    names: articles/sql/annotations_version.sql): one query the size of the feed's own,
    without the text."""
    return list(
        items.prefetch_related(None).values_list(
            "id", "updated_at", "text_modified_at", "outlet__name", "annotations_version__version"
        )
    )


class AnnotatedAtomFeed(Atom1Feed):
    """Atom with each entry's language: a Turkish story in an English feed says `tr`."""

    def item_attributes(self, item: dict) -> dict:
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


class LatestArticlesFeed(Feed):
    feed_type = AnnotatedAtomFeed
    description_template = "articles/feed_entry.html"
    title = "Newsreader: latest stories"
    subtitle = "News stories with their quotes, claims and verdicts annotated by editors."

    def link(self) -> str:
        return reverse("articles:home")

    def feed_url(self) -> str:
        return reverse("articles:latest_feed")

    def articles(self):
        """The entries' stories with their opening words and, in one query more whatever
        their number, their published quotes (with speakers) and claims in text order."""
        annotations = (
            Annotation.objects.published()
            .filter(kind__in=[Annotation.Kind.QUOTE, Annotation.Kind.CLAIM])
            .select_related("speaker")
            .only("article_id", "kind", "exact", "verdict", "start", "speaker__name")
            .in_text_order()
        )
        return (
            Article.objects.select_related("outlet")
            .defer("body", "structure", "search_vector")
            .annotate(opening=Substr("body", 1, OPENING_CHARS))
            .prefetch_related(
                Prefetch("annotations", queryset=annotations, to_attr="feed_annotations")
            )
        )

    def items(self):
        return self.articles().latest_first()[:FEED_SIZE]

    def version(self, obj: object) -> list:
        """What the feed shows, as comparable values (see `entry_versions`)."""
        return entry_versions(self.items())

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The feed with a strong ETag (a digest of `version`, scheme and host: the entries'
        links are absolute) and shared-cache headers; a 304 for If-None-Match before the
        feed is built. Feeds hold nothing personal, so signed-in readers get the same.

        The feed built is kept FEED_CACHE_SECONDS under its ETag and path: building 30
        entries with their quotes and claims costs 20 ms and more, and feed readers poll."""
        obj = self.get_object(request, *args, **kwargs)
        parts = [self.version(obj), request.scheme, request.get_host()]
        etag = '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:40] + '"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            key = "feed:" + hashlib.sha256(repr([etag, request.path]).encode()).hexdigest()
            stored = cache.get(key)
            if stored is None:
                feed = self.get_feed(obj, request)
                content = io.StringIO()
                feed.write(content, "utf-8")
                modified = http_date(feed.latest_post_date().timestamp())
                stored = (feed.content_type, modified, content.getvalue())  # type: ignore[attr-defined]
                cache.set(key, stored, FEED_CACHE_SECONDS)
            content_type, modified, text = stored
            response = HttpResponse(text, content_type=content_type)
            response["Last-Modified"] = modified
        response["ETag"] = etag
        patch_cache_control(
            response,
            public=True,
            max_age=settings.HTTP_CACHE_MAX_AGE,
            stale_while_revalidate=settings.HTTP_CACHE_STALE_WHILE_REVALIDATE,
        )
        return response

    def item_title(self, item: Article) -> str:
        return item.title

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"language": item.language}

    def item_author_name(self, item: Article) -> str:
        return item.outlet.name

    def item_pubdate(self, item: Article) -> datetime.datetime:
        return datetime.datetime.combine(item.published_on, datetime.time(), tzinfo=datetime.UTC)

    def item_updateddate(self, item: Article) -> datetime.datetime:
        # A corrected or updated text is the change readers care about.
        return item.text_modified_at or item.updated_at


class TagFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag: Tag) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"Newsreader: stories tagged {tag.name}"

    def subtitle(self, tag: Tag) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"The latest stories with quotes, claims or highlights tagged {tag.name}."

    def link(self, tag: Tag) -> str:  # type: ignore[override]  # Feed takes the object or not
        return tag.get_absolute_url()

    def feed_url(self, tag: Tag) -> str:  # type: ignore[override]  # Feed takes the object or not
        return reverse("articles:tag_feed", args=[tag.slug])

    def items(self, tag: Tag):  # type: ignore[override]  # Feed takes the object or not
        return self.articles().tagged(tag).latest_first()[:FEED_SIZE]

    def version(self, tag: Tag) -> list:  # type: ignore[override]  # the feed's object
        # The tag's name is in the feed's title and subtitle.
        return [tag.name, *entry_versions(self.items(tag))]


class SpeakerFeed(LatestArticlesFeed):
    """The latest stories quoting a speaker; a merged speaker's feed moved (301)."""

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        found, moved = Speaker.objects.at_address(kwargs["slug"])
        if moved is not None:
            return HttpResponsePermanentRedirect(
                reverse("articles:speaker_feed", args=[moved.slug])
            )
        if found is None:
            raise Http404("No speaker at this address.")
        request.speaker = found  # type: ignore[attr-defined]  # read once, by get_object
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, slug: str) -> Speaker:
        return request.speaker  # type: ignore[attr-defined]

    def title(self, speaker: Speaker) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"Newsreader: stories quoting {speaker.name}"

    def subtitle(self, speaker: Speaker) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"The latest stories with quotes by {speaker.name}, and their claims and verdicts."

    def link(self, speaker: Speaker) -> str:  # type: ignore[override]  # Feed takes the object or not
        return speaker.get_absolute_url()

    def feed_url(self, speaker: Speaker) -> str:  # type: ignore[override]  # Feed takes the object or not
        return reverse("articles:speaker_feed", args=[speaker.slug])

    def items(self, speaker: Speaker):  # type: ignore[override]  # Feed takes the object or not
        return self.articles().quoting(speaker).latest_first()[:FEED_SIZE]

    def version(self, speaker: Speaker) -> list:  # type: ignore[override]  # the feed's object
        return [speaker.name, *entry_versions(self.items(speaker))]


class OutletFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Outlet:
        return get_object_or_404(Outlet, slug=slug)

    def title(self, outlet: Outlet) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"Newsreader: stories from {outlet.name}"

    def subtitle(self, outlet: Outlet) -> str:  # type: ignore[override]  # Feed takes the object or not
        return f"The latest stories from {outlet.name}, with their quotes, claims and verdicts."

    def link(self, outlet: Outlet) -> str:  # type: ignore[override]  # Feed takes the object or not
        return outlet.get_absolute_url()

    def feed_url(self, outlet: Outlet) -> str:  # type: ignore[override]  # Feed takes the object or not
        return reverse("articles:outlet_feed", args=[outlet.slug])

    def items(self, outlet: Outlet):  # type: ignore[override]  # Feed takes the object or not
        return self.articles().filter(outlet=outlet).latest_first()[:FEED_SIZE]

    def version(self, outlet: Outlet) -> list:  # type: ignore[override]  # the feed's object
        return [outlet.name, *entry_versions(self.items(outlet))]
