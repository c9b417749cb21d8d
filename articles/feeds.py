"""Atom feeds: the latest articles, and the latest articles carrying a tag."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.models import Article, Tag

FEED_SIZE = 30


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
