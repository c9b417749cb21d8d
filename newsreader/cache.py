"""Django's built-in Redis cache, where an unreachable Redis is a cache miss, not a 500.

Everything kept in the cache can be rebuilt from PostgreSQL (rendered pages and fragments
under versions the database keeps; the API's failed-login counter), so while Redis is down
or restarting the site answers, slower, instead of failing every page. Each outage is logged,
at most once a minute per process. The socket timeouts bound what a Redis that hangs, rather
than refuses, costs a request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
SOCKET_TIMEOUT_SECONDS = 0.5
WARN_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    _warned_at = 0.0

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)

    def _down(self, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at >= WARN_EVERY_SECONDS:
            ResilientRedisCache._warned_at = now
            logger.warning("The cache (Redis) is unreachable, serving without it: %s", error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except REDIS_DOWN as error:
            self._down(error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except REDIS_DOWN as error:
            self._down(error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except REDIS_DOWN as error:
            self._down(error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except REDIS_DOWN as error:
            self._down(error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except REDIS_DOWN as error:
            self._down(error)
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except REDIS_DOWN as error:
            self._down(error)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except REDIS_DOWN as error:
            self._down(error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except REDIS_DOWN as error:
            self._down(error)
            # As for a missing key: callers already handle it (they set the value instead).
            raise ValueError(f"Key '{key}' not found: the cache is unreachable") from error

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except REDIS_DOWN as error:
            self._down(error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except REDIS_DOWN as error:
            self._down(error)

    def clear(self):
        try:
            return super().clear()
        except REDIS_DOWN as error:
            self._down(error)
            return False
