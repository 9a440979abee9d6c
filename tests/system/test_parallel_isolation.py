"""The suite runs on several processes (pytest-xdist, `make pytest`) that may share one Redis
database: each keeps its cache entries under its own prefix, and the per-test clean-up deletes
only its own (tests/conftest.py)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache

from tests.stackutil import redis_server_url, require


def test_this_process_caches_under_its_own_worker_prefix(worker_id):
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"test-{worker_id}"
    cache.set("probe", 1)
    assert cache.make_key("probe").startswith(f"test-{worker_id}:")


def redis_cache(prefix: str, location: str) -> BaseCache:
    from django_redis.cache import RedisCache

    return RedisCache(location, {"KEY_PREFIX": prefix})


def test_one_workers_clean_up_leaves_another_workers_keys_on_a_shared_redis():
    location = os.environ.get("REDIS_URL") or redis_server_url()
    require("Redis", location, 6379)
    run = uuid.uuid4().hex[:8]
    mine, theirs = redis_cache(f"test-a-{run}", location), redis_cache(f"test-b-{run}", location)
    try:
        mine.set("counter", 3)
        theirs.set("counter", 7)
        mine.delete_pattern("*")  # what tests/conftest.py's _fresh_cache does on Redis
        assert mine.get("counter") is None
        assert theirs.get("counter") == 7
    finally:
        theirs.delete_pattern("*")
