"""Sessions with sales on given days (local noon), made through the real services."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from booking import services
from conftest import make_user
from scheduling.models import Session
from scheduling.services import session_create

CARD = "4242424242424242"


def sell(session, seats, *, email=None, pay=True):
    user = make_user(email or f"buyer{session.pk}-{seats[0][0]}-{seats[0][1]}@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=seats)
    if pay:
        services.booking_pay(
            user=user, booking=booking, idempotency_key=f"k{booking.pk}", method="card", card_number=CARD
        )
    return booking


def move_to(session, day, at=time(12, 0)):
    """Put a session (and its sales) on ``day``: sales happen before it moves,
    since a session in the past sells nothing."""
    starts = datetime.combine(day, at, tzinfo=session.hall.cinema_tz)
    shift = starts - session.starts_at
    Session.objects.filter(pk=session.pk).update(
        starts_at=starts,
        ends_at=session.ends_at + shift,
        busy_until=session.busy_until + shift,
        sales_close_at=None,
    )
    session.refresh_from_db()
    return session


@pytest.fixture
def sold_on(movie, hall):
    """``sold_on(day, seats, at=...)``: a session of ``hall`` on ``day`` with ``seats`` paid."""
    made = []

    def make(day, seats, at=time(12, 0), held=()):
        session = session_create(
            movie=movie,
            hall=hall,
            starts_at=timezone.now() + timedelta(days=30 + len(made)),
            base_price=Decimal("400"),
        )
        made.append(session)
        if seats:
            sell(session, seats)
        if held:
            sell(session, list(held), pay=False)
        return move_to(session, day, at)

    return make


def browser_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
