"""CACHE_URL / REDIS_URL: which cache `caches_from_url` configures."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsreader.settings import caches_from_url


@pytest.mark.parametrize(
    "url", ["redis://redis:6379/0", "rediss://cache.example.org:6380/1", "unix:///run/redis.sock"]
)
def test_a_redis_url_selects_djangos_redis_cache(url):
    from django.core.cache.backends.redis import RedisCache
    from django.utils.module_loading import import_string

    default = caches_from_url(url, key_prefix="site-a")["default"]
    assert issubclass(import_string(default["BACKEND"]), RedisCache)
    assert default["LOCATION"] == url and default["KEY_PREFIX"] == "site-a"


@pytest.mark.parametrize("url", ["", "locmem://"])
def test_unset_or_locmem_keeps_each_processes_memory(url):
    default = caches_from_url(url)["default"]
    assert default["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_an_unknown_scheme_is_refused_with_the_accepted_ones():
    with pytest.raises(ImproperlyConfigured, match=r"memcached://x.*redis://host:6379/0"):
        caches_from_url("memcached://x:11211")


def test_redis_url_is_read_when_cache_url_is_unset(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {"REDIS_URL": "redis://elsewhere:6379/2", "DEBUG": "true"}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from newsreader import settings; print(settings.CACHES['default']['LOCATION'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "redis://elsewhere:6379/2"
