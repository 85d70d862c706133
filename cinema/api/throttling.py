"""Rate limits that hold under concurrency.

DRF's ``SimpleRateThrottle`` reads a list of timestamps from the cache and
writes it back: parallel requests overwrite each other and the limit leaks.
These throttles count with one atomic increment per request in a fixed window
(Redis ``SET NX EX`` + ``INCR`` in one MULTI/EXEC round trip when
``REDIS_URL`` is set; ``cache.add`` + ``cache.incr`` on a lock-guarded dict in
local memory otherwise), so N parallel
clients get at most the rate through per window, across every worker that
shares the cache.
"""

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle


def _incr_window(key: str, timeout: int) -> int:
    if hasattr(cache, "incr_window"):  # Redis: one atomic round trip
        return cache.incr_window(key, timeout)
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
        ident = self.get_ident_key(request, view)
        if ident is None:
            return True
        return self.hit(ident)

    def hit(self, ident: str) -> bool:
        now = time.time()
        window = int(now // self.duration)
        key = f"throttle:{self.scope}:{ident}:{window}"
        count = _incr_window(key, self.duration + 1)
        if count > self.num_requests:
            self._wait = (window + 1) * self.duration - now
            return False
        return True

    def wait(self) -> float:
        return self._wait


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


class LoginAccountThrottle(AtomicRateThrottle):
    """Counts attempts per e-mail address, so spreading over IPs does not help."""

    scope = "login_account"

    def get_ident_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        return email.strip().lower()[:254]
