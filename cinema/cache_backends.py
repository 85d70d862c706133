"""The Redis cache backend, with one client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call; redis-py's constructor copies its table of response callbacks each
time, which cost about 0.5 ms per call here — more than the round trip. The
client is thread-safe (it takes connections from the pool), so one per pool
serves every call.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_windows(self, windows: list[tuple[str, int]]) -> list[int]:
        """Count one more in fixed windows: for each ``(key, timeout)``, create
        the key at 0 expiring after ``timeout`` seconds if it is missing, add
        one, and return the counts — all in one round trip, atomically
        (MULTI/EXEC), so no key can lapse between the two and live on without
        an expiry."""
        pipe = self._cache.get_client(write=True).pipeline(transaction=True)
        for key, timeout in windows:
            key = self.make_and_validate_key(key)
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
        return pipe.execute()[1::2]
