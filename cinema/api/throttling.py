"""Rate limits that hold under concurrency.

DRF's ``SimpleRateThrottle`` reads a list of timestamps from the cache and
writes it back: parallel requests overwrite each other and the limit leaks.
These throttles count with one atomic increment per request in a fixed window
(a Lua script on Redis — ``INCR``, and ``EXPIRE`` on a window's first count —
in one round trip for all of a request's limits, when ``REDIS_URL`` is set;
``cache.add`` + ``cache.incr`` on a lock-guarded dict in local memory
otherwise), so N parallel clients get at most the rate through per window,
across every worker that shares the cache.

When Redis cannot be reached the limits fail open: the request is counted as
the first of its windows, the failure is logged (a warning, once per failure
of Redis, not per request) and counted in ``cinema_throttle_fail_open_total``.
nginx's ``limit_req`` still stands in front.
"""

import logging
import time

from django.core.cache import cache
from prometheus_client import Counter
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from cinema.cache_backends import CacheUnavailable

log = logging.getLogger(__name__)

fail_open = Counter("cinema_throttle_fail_open_total", "Requests let through unlimited: the cache was unavailable")


def _incr_windows(windows: list[tuple[str, int]]) -> list[int]:
    """Count one more in each ``(key, timeout)`` window; the new counts."""
    if hasattr(cache, "incr_windows"):  # Redis: one atomic round trip for all of them
        try:
            return cache.incr_windows(windows)
        except CacheUnavailable as exc:
            fail_open.inc()
            if exc.fresh:
                log.warning("rate limits not enforced: the cache is unavailable (nginx's limits still apply)")
            return [1] * len(windows)
    return [_incr_local(key, timeout) for key, timeout in windows]


def _incr_local(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


class AtomicRateThrottle(BaseThrottle):
    scope: str = ""

    def __init__(self):
        self.num_requests, self.duration = self.parse_rate(self.get_rate())
        self._wait = 0.0

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    @staticmethod
    def parse_rate(rate: str) -> tuple[int, int]:
        count, period = rate.split("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        return int(count), seconds

    def get_ident_key(self, request, view) -> str | None:
        """The identity to count for; ``None`` means this throttle does not apply."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        window = self.window(request, view)
        return window is None or self.judge(_incr_windows([window])[0])

    def hit(self, ident: str) -> bool:
        return self.judge(_incr_windows([self._window_of(ident)])[0])

    def window(self, request, view) -> tuple[str, int] | None:
        """The ``(cache key, timeout)`` this request counts in, or ``None`` if the limit does not apply."""
        ident = self.get_ident_key(request, view)
        return None if ident is None else self._window_of(ident)

    def _window_of(self, ident: str) -> tuple[str, int]:
        now = time.time()
        window = int(now // self.duration)
        self._wait = (window + 1) * self.duration - now  # reported only if the request is refused
        return f"throttle:{self.scope}:{ident}:{window}", self.duration + 1

    def judge(self, count: int) -> bool:
        """Whether the ``count``-th request of its window may pass."""
        return count <= self.num_requests

    def wait(self) -> float:
        return self._wait


class OneTripThrottlesMixin:
    """For views with several rate limits: counts the request in all of them
    in one cache round trip instead of one each. Refuses as DRF does, with the
    longest wait of the limits exceeded."""

    def check_throttles(self, request):
        throttles = self.get_throttles()
        counted = [(t, t.window(request, self)) for t in throttles if isinstance(t, AtomicRateThrottle)]
        counted = [(t, window) for t, window in counted if window is not None]
        counts = _incr_windows([window for _, window in counted]) if counted else []
        waits = [t.wait() for (t, _), count in zip(counted, counts, strict=True) if not t.judge(count)]
        others = [t for t in throttles if not isinstance(t, AtomicRateThrottle)]
        waits += [t.wait() for t in others if not t.allow_request(request, self)]
        if waits:
            self.throttled(request, max((w for w in waits if w is not None), default=None))


class AnonRateThrottle(AtomicRateThrottle):
    scope = "anon"

    def get_ident_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserRateThrottle(AtomicRateThrottle):
    scope = "user"

    def get_ident_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None


class ScopedUserThrottle(AtomicRateThrottle):
    """Per user (or per IP when anonymous) for a named scope, e.g. booking."""

    def get_ident_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{self.get_ident(request)}"


class BookingThrottle(ScopedUserThrottle):
    scope = "booking"


class PaymentThrottle(ScopedUserThrottle):
    scope = "payment"


class RegisterThrottle(ScopedUserThrottle):
    scope = "register"


class LoginIPThrottle(AtomicRateThrottle):
    scope = "login_ip"

    def get_ident_key(self, request, view):
        return self.get_ident(request)


class PasswordResetIPThrottle(LoginIPThrottle):
    scope = "password_reset_ip"
