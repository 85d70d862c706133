"""The Redis cache backend: django-redis, made to degrade when Redis is down,
with the throttles' window counter as one script.

Redis is a cache here, never the record: when it cannot be reached a read is a
miss, a write is dropped, and the throttles' counter raises ``CacheUnavailable``
(the throttles then let the request through). After a failure the backend skips
Redis for ``circuit_seconds`` (``CircuitBreaker``), so a dead Redis costs each
process one connection timeout per interval instead of one per call. Each
failure is logged once, as a warning, and counted in ``cinema_cache_errors_total``;
calls skipped meanwhile in ``cinema_cache_skipped_total``.

django-redis keeps one ``redis.Redis`` per server for the process (Django's own
backend builds a new one for every cache call, and redis-py's constructor then
copies its table of response callbacks: about 0.5 ms a call, docs/PERFORMANCE.md).
With its default ``IGNORE_EXCEPTIONS = False`` it re-raises redis-py's own
errors, which ``_guarded`` turns into a miss, a dropped write or
``CacheUnavailable``.
"""

import logging
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache as DjangoRedisCache
from prometheus_client import Counter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

cache_errors = Counter("cinema_cache_errors_total", "Cache calls that failed: Redis unreachable", ["operation"])
cache_skipped = Counter("cinema_cache_skipped_total", "Cache calls not sent: Redis failed moments ago", ["operation"])

# Redis unreachable, refusing, or slower than the socket timeout (redis-py wraps
# socket errors in its own; OSError for what it does not wrap).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CacheUnavailable(Exception):
    """The cache cannot answer; ``fresh`` is False when Redis was not even tried
    (it failed moments ago), so callers log only fresh failures."""

    def __init__(self, operation: str, *, fresh: bool):
        super().__init__(f"cache unavailable ({operation})")
        self.fresh = fresh


class CircuitBreaker:
    """Open for ``seconds`` after a failure: calls skip Redis meanwhile, and the
    first call after that tries it again. ``clock`` is for tests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._open_until = float("-inf")

    def is_open(self) -> bool:
        return self.clock() < self._open_until

    def trip(self) -> None:
        self._open_until = self.clock() + self.seconds


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


class RedisCache(DjangoRedisCache):
    """``OPTIONS``: django-redis's (``SOCKET_CONNECT_TIMEOUT``, ``SOCKET_TIMEOUT``…)
    and ``circuit_seconds``, how long Redis is skipped after a failure (default 5).

    Reads (``get``, ``get_many``, ``has_key``) answer a miss and writes (``set``,
    ``set_many``, ``delete``, ``delete_many``, ``touch``)
    are dropped while Redis is unreachable; ``incr_windows`` raises
    ``CacheUnavailable``. The other calls (``add``, ``incr``, ``clear``…) raise
    as Django's backend does: their callers must decide."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.breaker = CircuitBreaker(float(options.pop("circuit_seconds", 5)))
        super().__init__(server, {**params, "OPTIONS": options})
        self.incr_script = None  # registered on first use: EVALSHA, the script loaded once per server

    def _guarded(self, operation: str, fallback, call, *args, **kwargs):
        """``call(*args, **kwargs)``, or ``fallback`` if Redis is unreachable or
        failed moments ago (then ``CacheUnavailable`` if ``fallback`` is that class)."""
        if self.breaker.is_open():
            cache_skipped.labels(operation).inc()
            if fallback is CacheUnavailable:
                raise CacheUnavailable(operation, fresh=False)
            return fallback
        try:
            return call(*args, **kwargs)
        except UNREACHABLE as exc:
            self.breaker.trip()
            cache_errors.labels(operation).inc()
            log.warning(
                "cache unavailable: %s skipped Redis (%s: %s); Redis is not tried again for %g s",
                operation,
                exc.__class__.__name__,
                exc,
                self.breaker.seconds,
            )
            if fallback is CacheUnavailable:
                raise CacheUnavailable(operation, fresh=True) from exc
            return fallback

    def get(self, key, default=None, version=None, client=None):
        return self._guarded("get", default, super().get, key, default, version, client)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set_many", list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", None, super().delete_many, keys, version)

    def incr_windows(self, windows: list[tuple[str, int]]) -> list[int]:
        """Count one more in fixed windows: for each ``(key, timeout)``, add one
        (a missing key starts at 1 and expires after ``timeout`` seconds) and
        return the counts — all in one round trip, atomically (a Lua script).
        ``CacheUnavailable`` if Redis cannot be reached."""
        keys = [self.make_and_validate_key(key) for key, _ in windows]
        return self._guarded("incr_windows", CacheUnavailable, self._incr_windows, keys, [t for _, t in windows])

    def _incr_windows(self, keys: list[str], timeouts: list[int]) -> list[int]:
        client = self.client.get_client(write=True)
        if self.incr_script is None:
            self.incr_script = client.register_script(_INCR_WINDOWS)
        return self.incr_script(keys=keys, args=timeouts, client=client)
