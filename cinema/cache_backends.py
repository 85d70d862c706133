"""The Redis cache backend, with one client per connection pool, the
throttles' window counter as one script, and writes that need no reply.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every
cache call; redis-py's constructor copies its table of response callbacks each
time, which cost about 0.5 ms per call here — more than the round trip. The
client is thread-safe (it takes connections from the pool), so one per pool
serves every call.
"""

import os
import threading

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError

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
        self._quiet = None  # (process id, connection on which Redis does not reply)
        self._quiet_lock = threading.Lock()

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

    def set_unacknowledged(self, key: str, value) -> None:
        """``SET key value`` (no expiry) sent on a connection of this process
        that told Redis not to reply (``CLIENT REPLY OFF``): the caller does
        not wait for Redis. A connection Redis closed (a restart) is noticed
        before sending, as it turns readable, and opened again."""
        value = self._serializer.dumps(value)
        with self._quiet_lock:
            for last_try in (False, True):
                connection = self._quiet_connection()
                try:
                    connection.send_command("SET", key, value, check_health=False)
                    return
                except (RedisConnectionError, OSError):
                    connection.disconnect()
                    self._quiet = None
                    if last_try:
                        raise

    def _quiet_connection(self):
        pid = os.getpid()
        if self._quiet is not None:
            owner, connection = self._quiet
            try:
                closed = owner != pid or connection.can_read(timeout=0)  # never a reply: readable means closed
            except (RedisConnectionError, OSError):
                closed = True
            if not closed:
                return connection
            if owner == pid:
                connection.disconnect()
        pool = self._get_connection_pool(True)
        connection = pool.connection_class(**pool.connection_kwargs)
        connection.connect()  # the handshake (database, credentials) still has its replies
        connection.send_command("CLIENT", "REPLY", "OFF")
        self._quiet = (pid, connection)
        return connection


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

    def set_unacknowledged(self, key: str, value, version=None) -> None:
        """``set(key, value, None)`` without waiting for Redis's reply. For a
        write whose loss would do no harm (Redis restarting at that moment):
        under load, waiting for the reply cost a request more than sending."""
        self._cache.set_unacknowledged(self.make_and_validate_key(key, version=version), value)
