from decimal import Decimal

import pytest
from django.utils import timezone

from booking import services
from booking.selectors import sales_statistics
from conftest import make_user

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


def _sell(session, email, seats, key):
    user = make_user(email)
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=seats)
    services.booking_pay(user=user, booking=booking, idempotency_key=key, method="card", card_number=CARD)
    return booking


def test_statistics_add_up_sales_refunds_and_occupancy(session):
    first = _sell(session, "a@example.com", [(2, 1), (5, 1)], "a")
    _sell(session, "b@example.com", [(3, 3)], "b")
    services.ticket_cancel(ticket=first.tickets.get(row=2), by=first.user)  # refunded
    stats = sales_statistics()
    overall = stats["overall"]
    assert overall["tickets_sold"] == 2
    assert Decimal(overall["revenue"]) == session.vip_price + session.base_price
    assert (overall["refunds"], Decimal(overall["refunded_amount"])) == (1, session.base_price)
    assert overall["occupancy"] == round(2 / session.capacity, 4)
    assert stats["by_movie"][0]["tickets"] == 2 and stats["by_hall"][0]["capacity"] == session.capacity
    assert stats["sessions"][0]["sold"] == 2


def test_statistics_take_a_fixed_number_of_queries(session, django_assert_max_num_queries):
    for i in range(3):
        _sell(session, f"u{i}@example.com", [(4, i + 1)], f"k{i}")
    with django_assert_max_num_queries(13):
        sales_statistics(cinema_id=session.hall.cinema_id)
    for i in range(3, 6):
        _sell(session, f"u{i}@example.com", [(4, i + 1)], f"k{i}")
    with django_assert_max_num_queries(13):
        day = timezone.localtime(session.starts_at, session.hall.cinema.tz).date()  # the filter means the cinema's date
        stats = sales_statistics(date_from=day, date_to=day)
    assert stats["overall"]["tickets_sold"] == 6


def test_statistics_endpoint_refuses_reversed_dates(manager_client):
    response = manager_client.get("/api/v1/tickets/statistics/?date_from=2026-12-02&date_to=2026-12-01")
    assert response.status_code == 400 and "date_to" in response.json()["errors"]
