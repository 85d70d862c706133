from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scheduling.services import session_create

pytestmark = pytest.mark.django_db


def test_a_session_without_a_card_sells_adult_tickets_at_its_own_prices(anon_client, session, ticket_types):
    body = anon_client.get(f"/api/v1/sessions/{session.pk}/seats/").json()
    assert [t["code"] for t in body["ticket_types"]] == ["adult"]
    assert body["ticket_types"][0]["prices"] == body["prices"] == session.price_texts
    assert body["booking_fee"] == "0.00"


def test_the_seat_map_lists_the_cards_types_prices_and_the_fee(anon_client, price_card, movie, hall):
    hall.cinema.booking_fee = Decimal("40")
    hall.cinema.save()
    show = session_create(movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2))
    body = anon_client.get(f"/api/v1/sessions/{show.pk}/seats/").json()
    assert body["ticket_types"] == [
        {
            "code": "adult",
            "name": "Adult",
            "names": {"en": "Adult", "ru": "Взрослый"},
            "check_id": False,
            "prices": {"standard": "500.00", "vip": "900.00"},
        },
        {
            "code": "child",
            "name": "Child (under 12)",
            "names": {"en": "Child (under 12)", "ru": "Детский (до 12 лет)"},
            "check_id": True,
            "prices": {"standard": "300.00"},
        },
    ]
    assert body["booking_fee"] == "40.00"


def test_changing_a_card_never_changes_a_held_ticket(customer, price_card, movie, hall):
    from booking import services
    from pricing.models import PriceCardPrice

    show = session_create(movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2))
    booking = services.ticket_hold(user=customer, session_id=show.pk, seats=[(2, 2)])
    PriceCardPrice.objects.filter(card=price_card).update(price=Decimal("999"))
    assert booking.tickets.get().price == Decimal("500")
