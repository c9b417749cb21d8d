from __future__ import annotations

from django.urls import path
from django.views.decorators.http import require_safe

from articles import feeds
from articles.views import (
    annotate,
    autocomplete,
    browse,
    reading,
    search,
    speakers,
    suggestions,
    versions,
)

app_name = "articles"

urlpatterns = [
    path("", reading.home, name="home"),
    path("articles/<slug:slug>/", reading.article_detail, name="article"),
    path(
        "articles/<slug:slug>/suggestions/find/",
        suggestions.suggestions_find,
        name="suggestions_find",
    ),
    path(
        "suggestions/<int:pk>/accept/",
        suggestions.suggestion_accept_view,
        name="suggestion_accept",
    ),
    path(
        "suggestions/<int:pk>/reject/",
        suggestions.suggestion_reject_view,
        name="suggestion_reject",
    ),
    path("suggestions/<int:pk>/edit/", suggestions.suggestion_edit, name="suggestion_edit"),
    path("tags/<slug:slug>/", browse.tag, name="tag"),
    path("tags/<slug:slug>/feed/", require_safe(feeds.TagFeed()), name="tag_feed"),
    path("speakers/<slug:slug>/", browse.speaker, name="speaker"),
    path("outlets/<slug:slug>/", browse.outlet, name="outlet"),
    path("claims/", browse.claims, name="claims"),
    path("search/", search.search, name="search"),
    path("feeds/latest/", require_safe(feeds.LatestArticlesFeed()), name="latest_feed"),
    path("articles/<slug:slug>/annotations/", annotate.annotation_create, name="annotation_create"),
    path("articles/<slug:slug>/history/", annotate.article_history, name="article_history"),
    path("articles/<slug:slug>/correct/", versions.article_correct_view, name="article_correct"),
    path(
        "articles/<slug:slug>/correct/preview/",
        versions.correction_preview_view,
        name="correction_preview",
    ),
    path("articles/<slug:slug>/versions/", versions.article_versions, name="article_versions"),
    path("articles/<slug:slug>/review/", versions.article_reviews, name="article_reviews"),
    path("reviews/<int:pk>/accept/", versions.review_accept, name="review_accept"),
    path("reviews/<int:pk>/delete/", versions.review_delete, name="review_delete"),
    path("annotations/<int:pk>/", annotate.annotation_detail, name="annotation_detail"),
    path("annotations/<int:pk>/edit/", annotate.annotation_edit, name="annotation_edit"),
    path("annotations/<int:pk>/delete/", annotate.annotation_delete, name="annotation_delete"),
    path("annotations/<int:pk>/restore/", annotate.annotation_restore, name="annotation_restore"),
    path(
        "editor/suggest/speakers/", autocomplete.speaker_autocomplete, name="speaker_autocomplete"
    ),
    path("editor/suggest/tags/", autocomplete.tag_autocomplete, name="tag_autocomplete"),
    path("editor/speakers/", speakers.speakers_manage, name="speakers_manage"),
    path("editor/speakers/<int:pk>/", speakers.speaker_edit, name="speaker_edit"),
    path("editor/speakers/<int:pk>/merge/", speakers.speaker_merge_into, name="speaker_merge"),
]
