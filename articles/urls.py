from __future__ import annotations

from django.urls import path, register_converter
from django.urls.converters import StringConverter
from django.views.decorators.http import require_safe

from articles import feeds
from articles.views import (
    annotate,
    autocomplete,
    browse,
    claim_reviews,
    copies,
    desk,
    hubs,
    reading,
    reviews,
    search,
    speakers,
    suggestions,
    tokens,
    verdicts,
    versions,
    web_annotation,
)

app_name = "articles"


class UnicodeSlugConverter(StringConverter):
    """Slugs in any script ("κυριάκος", "київ", "東京"; see `names.name_slug`): letters, digits,
    "-" and "_", as `SlugField(allow_unicode=True)` validates them. Django's `<slug:…>` is
    ASCII-only, so a Greek tag's page would not resolve (and its link not reverse)."""

    regex = r"[-\w]+"


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", reading.home, name="home"),
    path("articles/<uslug:slug>/", reading.article_detail, name="article"),
    path(
        "articles/<uslug:slug>/suggestions/find/",
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
    path("tags/", hubs.tags_index, name="tags"),
    path("tags/<uslug:slug>/", browse.tag, name="tag"),
    path("tags/<uslug:slug>/feed/", require_safe(feeds.TagFeed()), name="tag_feed"),
    path("speakers/", hubs.speakers_index, name="speakers"),
    path("speakers/<uslug:slug>/", browse.speaker, name="speaker"),
    path("speakers/<uslug:slug>/feed/", require_safe(feeds.SpeakerFeed()), name="speaker_feed"),
    path("outlets/", hubs.outlets_index, name="outlets"),
    path("outlets/<uslug:slug>/", browse.outlet, name="outlet"),
    path("outlets/<uslug:slug>/feed/", require_safe(feeds.OutletFeed()), name="outlet_feed"),
    path("claims/", browse.claims, name="claims"),
    path("claims/feed.jsonld", claim_reviews.claim_review_feed_view, name="claim_review_feed"),
    path("search/", search.search, name="search"),
    # W3C Web Annotation Protocol (read-only); see articles/web_annotation.py for the IRIs.
    path("anno/", web_annotation.container, name="anno_container"),
    path("anno/<int:pk>/", web_annotation.annotation, name="anno_annotation"),
    path(
        "anno/articles/<uslug:slug>/",
        web_annotation.article_collection,
        name="anno_article_collection",
    ),
    path("feeds/latest/", require_safe(feeds.LatestArticlesFeed()), name="latest_feed"),
    path(
        "articles/<uslug:slug>/annotations/", annotate.annotation_create, name="annotation_create"
    ),
    path("articles/<uslug:slug>/history/", annotate.article_history, name="article_history"),
    path("articles/<uslug:slug>/correct/", versions.article_correct_view, name="article_correct"),
    path(
        "articles/<uslug:slug>/correct/preview/",
        versions.correction_preview_view,
        name="correction_preview",
    ),
    path("articles/<uslug:slug>/versions/", versions.article_versions, name="article_versions"),
    path(
        "articles/<uslug:slug>/versions/<int:number>/text/",
        versions.article_version_text,
        name="article_version_text",
    ),
    path(
        "articles/<uslug:slug>/copies/<uslug:source>/carry/",
        copies.annotations_carry_view,
        name="annotations_carry",
    ),
    path("articles/<uslug:slug>/review/", reviews.article_reviews, name="article_reviews"),
    path("reviews/<int:pk>/accept/", reviews.review_accept, name="review_accept"),
    path("reviews/<int:pk>/span/", reviews.review_respan, name="review_respan"),
    path("reviews/<int:pk>/keep/", reviews.review_keep, name="review_keep"),
    path("reviews/<int:pk>/delete/", reviews.review_delete, name="review_delete"),
    path("reviews/<int:pk>/undo/", reviews.review_undo, name="review_undo"),
    path("verdicts/<int:pk>/", verdicts.verdict_view, name="verdict"),
    path("verdicts/<int:pk>/submit/", verdicts.verdict_submit, name="verdict_submit"),
    path("verdicts/<int:pk>/approve/", verdicts.verdict_approve, name="verdict_approve"),
    path("verdicts/<int:pk>/send-back/", verdicts.verdict_send_back, name="verdict_send_back"),
    path("desk/", desk.desk, name="desk"),
    path("desk/suggestions/", desk.desk_suggestions_bulk, name="desk_suggestions_bulk"),
    path("desk/suggestions/undo/", desk.desk_suggestions_undo, name="desk_suggestions_undo"),
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
    path("account/tokens/", tokens.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:pk>/revoke/",
        tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
