"""The seat map is served from a cache that never shows a freed seat as taken."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking import services
from booking.selectors import SEAT_MAP_TTL, seat_map_ttl

pytestmark = pytest.mark.django_db


def _status(response, row, seat):
    return next(s["status"] for s in response.json()["seats"] if (s["row"], s["seat"]) == (row, seat))


def test_second_read_costs_no_query_and_a_hold_refreshes_it(
    anon_client, customer, session, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = f"/api/v1/sessions/{session.pk}/seats/"
    with django_assert_num_queries(2):
        assert _status(anon_client.get(url), 2, 2) == "free"
    with django_assert_num_queries(0):
        assert _status(anon_client.get(url), 2, 2) == "free"
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    assert _status(anon_client.get(url), 2, 2) == "held"
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_cancel(ticket=booking.tickets.get(), by=customer)
    assert _status(anon_client.get(url), 2, 2) == "free"


def test_a_cached_map_lives_no_longer_than_its_first_hold():
    now = timezone.now()
    assert seat_map_ttl(None, now) == SEAT_MAP_TTL
    assert seat_map_ttl(now + timedelta(seconds=7, milliseconds=900), now) == 7
    assert seat_map_ttl(now + timedelta(minutes=15), now) == SEAT_MAP_TTL
    assert seat_map_ttl(now, now) == 1


def test_unknown_session_is_404_in_the_envelope(anon_client):
    response = anon_client.get("/api/v1/sessions/987654/seats/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_on_redis_the_next_read_after_a_hold_a_payment_or_a_cancel_sees_it(
    anon_client, customer, session, django_capture_on_commit_callbacks
):
    from django.core.cache import caches
    from django.test import override_settings

    from cinema.tests.test_redis_cache import CACHES

    with override_settings(CACHES=CACHES):
        caches["default"].clear()
        url = f"/api/v1/sessions/{session.pk}/seats/"
        assert _status(anon_client.get(url), 2, 3) == "free"  # now cached
        with django_capture_on_commit_callbacks(execute=True):
            booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 3)])
        assert _status(anon_client.get(url), 2, 3) == "held"  # the very next read: the version write was acknowledged
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_pay(
                user=customer, booking=booking, idempotency_key="k", method="card", card_number="4242424242424242"
            )
        assert _status(anon_client.get(url), 2, 3) == "sold"
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_cancel(ticket=booking.tickets.get(), by=customer)  # a refund frees the seat
        assert _status(anon_client.get(url), 2, 3) == "free"
