"""The URL configuration: one namespace and one naming style for the app's pages."""

from __future__ import annotations

import re

from articles import urls


def test_every_route_is_named_in_snake_case_under_the_articles_namespace():
    assert urls.app_name == "articles"
    names = [pattern.name for pattern in urls.urlpatterns]
    assert all(name and re.fullmatch(r"[a-z]+(_[a-z]+)*", name) for name in names), names
    assert len(names) == len(set(names))
