from django.urls import path

from articles import feeds
from articles.views import browse, reading, search, suggestions

urlpatterns = [
    path("", reading.home, name="home"),
    path("articles/<slug:slug>/", reading.article_detail, name="article"),
    path(
        "articles/<slug:slug>/suggestions/find/",
        suggestions.suggestions_find,
        name="suggestions-find",
    ),
    path(
        "suggestions/<int:pk>/accept/",
        suggestions.suggestion_accept_view,
        name="suggestion-accept",
    ),
    path(
        "suggestions/<int:pk>/reject/",
        suggestions.suggestion_reject_view,
        name="suggestion-reject",
    ),
    path("suggestions/<int:pk>/edit/", suggestions.suggestion_edit, name="suggestion-edit"),
    path("tags/<slug:slug>/", browse.tag, name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("speakers/<slug:slug>/", browse.speaker, name="speaker"),
    path("outlets/<slug:slug>/", browse.outlet, name="outlet"),
    path("claims/", browse.claims, name="claims"),
    path("search/", search.search, name="search"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="latest-feed"),
]
