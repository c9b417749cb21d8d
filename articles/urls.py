from django.urls import path

from articles import feeds
from articles.views import browse, reading, search

urlpatterns = [
    path("", reading.home, name="home"),
    path("articles/<slug:slug>/", reading.article_detail, name="article"),
    path("tags/<slug:slug>/", browse.tag, name="tag"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("speakers/<slug:slug>/", browse.speaker, name="speaker"),
    path("outlets/<slug:slug>/", browse.outlet, name="outlet"),
    path("claims/", browse.claims, name="claims"),
    path("search/", search.search, name="search"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="latest-feed"),
]
