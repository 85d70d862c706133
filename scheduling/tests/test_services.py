from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cinema.errors import ValidationFailed
from scheduling.services import SessionOverlap, session_create, session_update

pytestmark = pytest.mark.django_db


def test_end_is_derived_from_ads_duration_and_cleaning(session, movie, hall, settings):
    assert session.ends_at - session.starts_at == timedelta(minutes=settings.SESSION_ADS_MINUTES + 161)
    assert session.busy_until - session.ends_at == timedelta(minutes=hall.cleaning_minutes)
    assert session.capacity == hall.capacity == session.seats_available


def test_category_prices_default_to_surcharges(session):
    assert session.base_price == Decimal("400")
    assert session.vip_price > session.premium_price > session.base_price


def test_overlapping_session_in_the_same_hall_is_refused_with_the_clash_named(session, movie, hall):
    with pytest.raises(SessionOverlap) as info:
        session_create(movie=movie, hall=hall, starts_at=session.busy_until - timedelta(minutes=5), base_price=300)
    assert "Сталкер" in info.value.message
    assert info.value.extra["conflicting_session"] == session.pk


def test_session_may_start_when_cleaning_ends(session, movie, hall):
    nxt = session_create(movie=movie, hall=hall, starts_at=session.busy_until, base_price=300)
    assert nxt.pk


def test_moving_a_session_onto_another_is_refused(session, movie, hall):
    later = session_create(movie=movie, hall=hall, starts_at=session.busy_until + timedelta(hours=1), base_price=1)
    with pytest.raises(SessionOverlap):
        session_update(session=later, starts_at=session.starts_at + timedelta(minutes=30))


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "starts_at"),
        ({"base_price": Decimal("-1")}, "base_price"),
        ({"vip_price": Decimal("1000000")}, "vip_price"),
    ],
)
def test_invalid_sessions_are_refused_per_field(movie, hall, changes, field):
    data = {"starts_at": timezone.now() + timedelta(days=2), "base_price": Decimal("300"), **changes}
    with pytest.raises(ValidationFailed) as info:
        session_create(movie=movie, hall=hall, **data)
    assert field in info.value.fields


def test_sales_must_close_before_the_start(movie, hall):
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationFailed) as info:
        session_create(movie=movie, hall=hall, starts_at=start, base_price=300, sales_close_at=start + timedelta(1))
    assert "sales_close_at" in info.value.fields
