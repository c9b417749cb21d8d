from django.urls import path

from articles.views import reading

urlpatterns = [
    path("", reading.home, name="home"),
    path("articles/<slug:slug>/", reading.article_detail, name="article"),
]
