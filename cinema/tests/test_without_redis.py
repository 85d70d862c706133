"""Redis is a cache, not the record: with Redis unreachable the API still
sells (reads miss, writes are dropped, rate limits let requests through), and
the readiness probe says "degraded" instead of failing."""

import logging

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from booking.providers.fake.models import FakePspEvent, FakePspPayment
from booking.providers.fake.provider import pay_on_page, sign
from cinema.tests.test_redis_cache import redis_cache as redis_up  # noqa: F401 - a fixture
from conftest import client_for

pytestmark = pytest.mark.django_db

# A port where nothing listens: every connection is refused, as by a Redis that is down.
UNREACHABLE = {
    "default": {
        "BACKEND": "cinema.cache_backends.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    }
}


def _sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def redis_down():
    with override_settings(CACHES=UNREACHABLE):
        yield caches["default"]


def test_films_seat_map_hold_and_pay_work_with_redis_down(
    redis_down, customer, session, django_capture_on_commit_callbacks
):
    anon, client = client_for(), client_for(customer)
    films = anon.get("/api/v1/movies/")
    assert films.status_code == 200 and films.json()["results"][0]["title"] == session.movie.title
    assert anon.get("/api/v1/movies/")["X-Cache"] == "miss"  # nothing is stored: every read is the database's
    seats = anon.get(f"/api/v1/sessions/{session.pk}/seats/")
    assert seats.status_code == 200
    assert {"row": 2, "seat": 3} in [{"row": s["row"], "seat": s["seat"]} for s in seats.json()["seats"]]
    with django_capture_on_commit_callbacks(execute=True):  # the seat map's version is written after commit
        held = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 2, "seat": 3}]}, format="json")
    assert held.status_code == 201, held.content[:300]
    ticket = held.json()["tickets"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(
            f"/api/v1/tickets/{ticket}/pay/", {"payment_method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        )
    assert paid.status_code == 201, paid.content[:300]
    provider_id = paid.json()["payment"]["confirmation_url"].rstrip("/").rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):  # the provider's webhook, as it would arrive
        pay_on_page(FakePspPayment.objects.get(pk=provider_id), card_number="4242424242424242")
        event = FakePspEvent.objects.get()
        signed = anon.post(
            "/api/v1/payments/webhooks/fake/", data=event.body.encode(), content_type="application/json",
            HTTP_X_FAKE_PSP_SIGNATURE=sign(event.body.encode()),
        )  # fmt: skip
    assert signed.status_code == 200 and signed.json()["outcome"] == "paid", signed.content[:300]
    seat_map = anon.get(f"/api/v1/sessions/{session.pk}/seats/").json()["seats"]
    assert next(s["status"] for s in seat_map if (s["row"], s["seat"]) == (2, 3)) == "sold"


def test_rate_limits_fail_open_with_a_warning_and_a_count(redis_down, caplog, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login_ip": "1/min", "login_account": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    redis_down.breaker.clock = Clock()  # no time passes: Redis is tried once, then skipped
    before = _sample("cinema_throttle_fail_open_total")
    caplog.set_level(logging.WARNING)
    client = client_for()
    statuses = [
        client.post("/api/v1/auth/login/", {"email": "a@example.com", "password": "x"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 401]  # over a limit of 1/min: not counted, not refused
    assert _sample("cinema_throttle_fail_open_total") - before == 3
    warnings = [r.getMessage() for r in caplog.records if r.name == "cinema.api.throttling"]
    assert len(warnings) == 1 and "rate limits not enforced" in warnings[0]  # once per failure, not per request


def test_after_a_failure_redis_is_skipped_for_a_while_then_tried_again(redis_down, caplog):
    from cinema.cache_backends import CacheUnavailable

    clock = redis_down.breaker.clock = Clock()
    errors = lambda: _sample("cinema_cache_errors_total", operation="get_many")  # noqa: E731
    skipped = lambda: _sample("cinema_cache_skipped_total", operation="get_many")  # noqa: E731
    errors_before, skipped_before = errors(), skipped()
    caplog.set_level(logging.WARNING, logger="cinema.cache_backends")
    assert redis_down.get_many(["a"]) == {}  # tried: refused
    assert redis_down.get_many(["a"]) == {}  # skipped: no connection attempt
    clock.now += 4.9
    assert redis_down.get_many(["a"]) == {}
    assert (errors() - errors_before, skipped() - skipped_before) == (1, 2)
    clock.now += 0.2  # five seconds after the failure: tried again
    assert redis_down.get_many(["a"]) == {}
    assert errors() - errors_before == 2 and len(caplog.records) == 2
    with pytest.raises(CacheUnavailable) as skipped_count:
        redis_down.incr_windows([("w", 60)])
    assert skipped_count.value.fresh is False


def test_reads_miss_and_writes_are_dropped_with_redis_down(redis_down):
    assert redis_down.get("k", "default") == "default" and redis_down.has_key("k") is False
    redis_down.breaker.clock = lambda: 0.0
    redis_down.breaker.trip()
    redis_down.breaker.clock = lambda: 100.0  # the breaker closed: each call below really tries Redis
    redis_down.set("k", 1)
    assert redis_down.set_many({"a": 1, "b": 2}) == ["a", "b"]  # Django's contract: the keys not stored
    assert redis_down.delete("k") is False and redis_down.touch("k") is False
    redis_down.delete_many(["a"])


def test_ready_is_200_with_the_cache_degraded(redis_down):
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "degraded"}}


def test_ready_is_503_when_the_database_is_down(redis_down, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "error: OperationalError", "cache": "degraded"}


def test_with_redis_up_answers_are_cached_and_limits_enforced(redis_up, session, settings):  # noqa: F811
    anon = client_for()
    assert anon.get("/api/v1/movies/")["X-Cache"] == "miss"
    assert anon.get("/api/v1/movies/")["X-Cache"] == "hit"
    assert redis_up.get_many([f"seatmap:{session.pk}"]) == {}
    assert anon.get(f"/api/v1/sessions/{session.pk}/seats/").status_code == 200
    assert f"seatmap:{session.pk}" in redis_up.get_many([f"seatmap:{session.pk}"])  # stored in Redis
    assert redis_up.incr_windows([("w", 30)]) == [1] and redis_up.incr_windows([("w", 30)]) == [2]
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login_ip": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    statuses = [
        anon.post("/api/v1/auth/login/", {"email": "a@example.com", "password": "x"}, format="json").status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_redis_is_used_again_once_the_pause_after_a_failure_ends(redis_up):  # noqa: F811
    clock = redis_up.breaker.clock = Clock()
    redis_up.set("k", "stored", 30)
    redis_up.breaker.trip()  # as after a failure
    assert redis_up.get("k") is None  # skipped: a miss, though Redis has it
    clock.now += 5
    assert redis_up.get("k") == "stored"


def test_the_timeouts_and_the_pause_come_from_the_environment():
    from cinema.tests.test_operations import _manage

    show = "from django.conf import settings; from django.core.cache import cache; "
    show += "print(settings.CACHES['default']['OPTIONS'], cache.breaker.seconds)"
    result = _manage(
        "shell",
        "-c",
        show,
        REDIS_URL="redis://127.0.0.1:1/0",
        REDIS_CONNECT_TIMEOUT_MS="100",
        REDIS_TIMEOUT_MS="300",
        CACHE_RETRY_SECONDS="2",
    )
    options = "{'SOCKET_CONNECT_TIMEOUT': 0.1, 'SOCKET_TIMEOUT': 0.3, 'circuit_seconds': 2}"
    assert result.stdout.strip().splitlines()[-1] == f"{options} 2.0", result.stdout + result.stderr
