"""The Redis cache backend, with one client per connection pool and the
throttles' window counter as one script.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call; redis-py's constructor copies its table of response callbacks each
time, which cost more than the round trip (docs/PERFORMANCE.md). The
client is thread-safe (it takes connections from the pool), so one per pool
serves every call.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Count one more in each window (KEYS[i], expiring ARGV[i] seconds after its
# first count); the new counts. A script runs atomically: no key can lapse
# between its count and its expiry, and one command costs the client less to
# send and read than a MULTI/EXEC of two commands per window.
_INCR_WINDOWS = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call('INCR', key)
  if counts[i] == 1 then redis.call('EXPIRE', key, ARGV[i]) end
end
return counts
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_windows = None

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client

    def incr_windows(self, keys: list[str], timeouts: list[int]) -> list[int]:
        if self._incr_windows is None:  # EVALSHA, loading the script once per server
            self._incr_windows = self.get_client(write=True).register_script(_INCR_WINDOWS)
        return self._incr_windows(keys=keys, args=timeouts, client=self.get_client(write=True))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_windows(self, windows: list[tuple[str, int]]) -> list[int]:
        """Count one more in fixed windows: for each ``(key, timeout)``, add one
        (a missing key starts at 1 and expires after ``timeout`` seconds) and
        return the counts — all in one round trip, atomically (a Lua script)."""
        keys = [self.make_and_validate_key(key) for key, _ in windows]
        return self._cache.incr_windows(keys, [timeout for _, timeout in windows])
