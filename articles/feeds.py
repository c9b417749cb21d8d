"""Atom feeds: the latest articles, and the latest articles carrying a tag."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date

from articles.models import Article, Tag

FEED_SIZE = 30


def entry_versions(items) -> list:
    """For each entry of a feed, its id, times and outlet name (an edited title or summary
    moves `updated_at`): one query the size of the feed's own, without the text."""
    return list(items.values_list("id", "updated_at", "text_modified_at", "outlet__name"))


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed
    title = "Newsreader: latest stories"
    subtitle = "News stories with their quotes, claims and verdicts annotated by editors."

    def link(self) -> str:
        return reverse("articles:home")

    def feed_url(self) -> str:
        return reverse("articles:latest_feed")

    def articles(self):
        return Article.objects.select_related("outlet").defer("body", "structure", "search_vector")

    def items(self):
        return self.articles().latest_first()[:FEED_SIZE]

    def version(self, obj: object) -> list:
        """What the feed shows, as comparable values (see `entry_versions`)."""
        return entry_versions(self.items())

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The feed with a strong ETag (a digest of `version`, scheme and host: the entries'
        links are absolute) and shared-cache headers; a 304 for If-None-Match before the
        feed is built. Feeds hold nothing personal, so signed-in readers get the same."""
        obj = self.get_object(request, *args, **kwargs)
        parts = [self.version(obj), request.scheme, request.get_host()]
        etag = '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:40] + '"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            feed = self.get_feed(obj, request)
            response = HttpResponse(content_type=feed.content_type)  # type: ignore[attr-defined]
            response["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
            feed.write(response, "utf-8")
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

    def item_description(self, item: Article) -> str:
        return item.summary or f"{item.outlet.name}, {item.published_on:%-d %B %Y}"

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
