"""Tickets and bookings, rendered by hand, render exactly what their declared fields render through DRF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from booking import services
from booking.api.serializers import BookingSerializer, TicketSerializer
from booking.models import Booking
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.models import Cinema
from venues.services import hall_create

pytestmark = pytest.mark.django_db


class PlainBooking(BookingSerializer):
    to_representation = serializers.Serializer.to_representation  # DRF's own, field by field


class PlainTicket(TicketSerializer):
    to_representation = serializers.Serializer.to_representation


def test_hand_rendering_matches_the_declared_fields(customer, session, movie):
    far = Cinema.objects.create(
        name="Океан", slug="okean", city="Владивосток", address="Набережная, 3",
        latitude=Decimal("43.1155"), longitude=Decimal("131.8855"), timezone="Asia/Vladivostok",
    )  # fmt: skip
    far_hall = hall_create(cinema=far, name="Зал 1", number=1, layout=rectangular_layout(3, 3), cleaning_minutes=15)
    far_session = session_create(
        movie=movie, hall=far_hall, starts_at=timezone.now() + timedelta(days=1), base_price=Decimal("300")
    )
    moscow = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 1), (2, 2)])
    services.booking_pay(user=customer, booking=moscow, idempotency_key="k", method="card", card_number="4242")
    services.ticket_cancel(ticket=moscow.tickets.order_by("pk").last(), by=customer)  # refunded: amount and times set
    vladivostok = services.ticket_hold(user=customer, session_id=far_session.pk, seats=[(3, 1)])
    moscow, vladivostok = (Booking.objects.get(pk=b.pk) for b in (moscow, vladivostok))  # read back, tickets and all

    # Rendered alternately, in two zones: a field that kept the last instance's zone would show it here.
    for booking in (moscow, vladivostok, moscow):
        shared = BookingSerializer(booking).data
        assert shared == PlainBooking(booking).data and list(shared) == list(BookingSerializer().fields)
        for ticket, rendered in zip(booking.tickets.order_by("pk"), shared["tickets"], strict=True):
            assert TicketSerializer(ticket).data == PlainTicket(ticket).data == rendered
            assert list(rendered) == list(TicketSerializer().fields)
    assert BookingSerializer(moscow).data["tickets"][0]["starts_at"].endswith("+03:00")
    assert BookingSerializer(vladivostok).data["tickets"][0]["starts_at"].endswith("+10:00")
    refunded = BookingSerializer(moscow).data["tickets"]
    assert [t["status"] for t in refunded] == ["paid", "refunded"] and refunded[1]["refund_amount"] == "400.00"
