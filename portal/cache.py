"""Django's Redis cache, keeping one client per connection pool instead of one per call.

Django's backend builds a new redis.Redis for every cache operation, and redis-py's
constructor sets up its table of reply handlers each time: about a tenth of a millisecond,
paid on every session read and every cached page or banner. A client is safe to share
between threads (each command takes a connection from the pool), and the pool already
starts afresh in a forked worker, so one client per pool is kept for the process's life.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
