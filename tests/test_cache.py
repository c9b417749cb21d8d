"""newsreader/cache.py: with Redis unreachable the cache misses, and pages are still served."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache, caches

from newsreader.cache import ResilientRedisCache
from tests.factories import make_article

# Nothing listens there: every command fails at once with a connection error.
UNREACHABLE = {
    "default": {
        "BACKEND": "newsreader.cache.ResilientRedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock",
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    yield caches["default"]
    caches["default"].close()


def test_every_operation_is_a_miss_or_a_no_op(redis_down, caplog):
    assert isinstance(redis_down, ResilientRedisCache)
    ResilientRedisCache._warned_at = 0.0
    with caplog.at_level(logging.WARNING, logger="newsreader.cache"):
        assert cache.get("k", "default") == "default"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.get_many(["k"]) == {}
        assert cache.has_key("k") is False
        assert cache.delete("k") is False
        with pytest.raises(ValueError):
            cache.incr("k")
    # One warning per outage and minute, not one per command.
    assert [r.getMessage() for r in caplog.records if r.name == "newsreader.cache"][0].startswith(
        "The cache (Redis) is unreachable"
    )
    assert len([r for r in caplog.records if r.name == "newsreader.cache"]) == 1


@pytest.mark.django_db
def test_pages_and_api_refusals_are_served_while_redis_is_down(redis_down, client):
    article = make_article(title="Served without its cache")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and b"Served without its cache" in response.content
    refused = client.get("/api/articles/", headers={"Authorization": "Bearer nr_unknown"})
    assert refused.status_code == 401


def test_a_redis_that_hangs_costs_a_bounded_wait():
    options = ResilientRedisCache("redis://10.255.255.1:6379/0", {}).__dict__["_options"]
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 0.5
