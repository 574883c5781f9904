"""The Redis cache backend (settings.CACHES with REDIS_URL): Django's, keeping one client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache operation. With redis-py 5 and later that
constructor registers a few hundred response callbacks each time: about 0.1 ms of CPU per `cache.get`, more
than the round trip to Redis itself, on every rate-limit check, navigation count and cached page part
(measured with bench/_profile_pages.py). A `redis.Redis` is thread-safe and holds nothing but its pool, so one
per pool serves every call of the process; the pools themselves stay Django's (one per server, made lazily,
so a gunicorn worker forked from its master makes its own).
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # Django's, not in its stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = redis.Redis(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
