"""The Redis cache backend and the throttles' atomic window counter, on a real Redis."""

import os
import threading

import pytest
from django.core.cache import caches
from django.test import override_settings

from cinema.api.throttling import AtomicRateThrottle

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "cinema.cache_backends.RedisCache",
        "LOCATION": REDIS,
        "KEY_PREFIX": "test",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5, "circuit_seconds": 5},  # as in settings
    }
}


@pytest.fixture
def redis_cache():
    with override_settings(CACHES=CACHES):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache.client.get_client(write=True)
    assert redis_cache.client.get_client() is client
    redis_cache.set("k", {"a": 1}, 30)
    assert redis_cache.get("k") == {"a": 1}


def test_the_window_counter_counts_and_always_expires(redis_cache):
    assert [redis_cache.incr_windows([("w", 30)])[0] for _ in range(3)] == [1, 2, 3]
    assert redis_cache.incr_windows([("w", 30), ("v", 60), ("w", 30)]) == [4, 1, 5]  # several, one round trip
    client = redis_cache.client.get_client()
    ttl = client.ttl(redis_cache.make_and_validate_key("w"))
    assert 0 < ttl <= 30
    assert redis_cache.get("w") == 5  # readable through the cache as well
    client.script_flush()  # a restarted Redis forgets the script: it is loaded again
    assert redis_cache.incr_windows([("w", 30)]) == [6]


class _TenPerDay(AtomicRateThrottle):
    scope = "test"

    def get_rate(self):
        return "10/day"  # one window for the whole test


def test_parallel_hits_let_exactly_the_limit_through(redis_cache):
    allowed = []
    start = threading.Barrier(8)

    def hammer():
        throttle = _TenPerDay()
        start.wait()
        allowed.extend(ok for ok in (throttle.hit("same-client") for _ in range(5)) if ok)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 10  # of 40 attempts


@pytest.mark.django_db
def test_a_hold_counts_in_both_its_limits_in_one_round_trip(redis_cache, customer, session, monkeypatch):
    from django.conf import settings as dj
    from django.test import override_settings

    from conftest import client_for

    trips = []
    real = type(redis_cache).incr_windows
    monkeypatch.setattr(type(redis_cache), "incr_windows", lambda self, w: trips.append(len(w)) or real(self, w))
    rates = {**dj.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "booking": "2/min", "user": "1000/min"}
    with override_settings(REST_FRAMEWORK={**dj.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
        client = client_for(customer)
        statuses = [
            client.post(
                "/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 2, "seat": n}]}, format="json"
            ).status_code
            for n in (1, 2, 3)
        ]
    assert statuses == [201, 201, 429]
    assert trips == [2, 2, 2]  # the user and the booking limit, counted together
