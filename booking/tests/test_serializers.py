"""Tickets and bookings, rendered by hand, render exactly what their declared fields render through DRF."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from booking import services
from booking.api.serializers import BookingSerializer, TicketSerializer
from booking.models import Booking
from conftest import pay_booking
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
    pay_booking(customer, moscow)
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


# --- Requests: the fast path for plain input gives what the declared fields give ---

HOLDS = [
    {"session": 7, "seats": [{"row": 1, "seat": 2}]},
    {"session": 2**62, "seats": [{"row": 10_000, "seat": 1}, {"row": 3, "seat": 3}]},
    {"session": 7, "seats": [{"row": 1, "seat": 2}] * 100},
    {"session": "7", "seats": [{"row": "1", "seat": 2}]},  # strings: the fields' path
    {"session": 7, "seats": [{"row": 1, "seat": 2, "x": 1}]},  # an extra key: the fields' path
    {"session": 7, "seats": [{"row": 1.0, "seat": 2}]},
    {"session": 0, "seats": [{"row": 1, "seat": 2}]},
    {"session": 2**62 + 1, "seats": [{"row": 1, "seat": 2}]},
    {"session": True, "seats": [{"row": 1, "seat": 2}]},
    {"session": 7, "seats": [{"row": 0, "seat": 2}]},
    {"session": 7, "seats": [{"row": 1, "seat": 10_001}]},
    {"session": 7, "seats": []},
    {"session": 7, "seats": [{"row": 1, "seat": 2}] * 101},
    {"session": 7, "seats": {"row": 1, "seat": 2}},
    {"session": 7},
    {"seats": [{"row": 1, "seat": 2}]},
    {"session": None, "seats": None},
    [],
    "text",
]
PAYS = [
    {"payment_method": "card"},
    {"payment_method": "sbp", "return_url": "/tickets/"},
    {},
    {"return_url": "https://shop.example/back"},
    {"payment_method": "cash"},
    {"payment_method": "bitcoin"},
    {"payment_method": ""},
    {"payment_method": None},
    {"payment_method": "card", "return_url": "//evil.example/"},
    {"payment_method": "card", "return_url": "http://evil.example/"},
    {"payment_method": "card", "extra": 1},
    {"payment_method": "card", "return_url": "/"},
    {"payment_method": "card", "return_url": " /tickets/ "},  # trimmed by the field
    {"payment_method": "card", "return_url": "/a\\b"},
    {"payment_method": "card", "return_url": "/" + "a" * 999},
    {"payment_method": "card", "return_url": "/" + "a" * 1000},
    {"payment_method": "card", "return_url": "https://"},
    {"payment_method": "card", "return_url": 5},
    {"payment_method": ["card"]},
    {"payment_method": "CARD"},
    ["card"],
]


def _both(serializer_class, data):
    """(valid, validated data or errors) by the serializer, and by its declared fields alone."""

    class Fields(serializer_class):
        run_validation = serializers.Serializer.run_validation  # DRF's own, field by field

    results = []
    for cls in (serializer_class, Fields):
        s = cls(data=data)
        valid = s.is_valid()
        results.append((valid, s.validated_data if valid else s.errors))
    return results


@pytest.mark.parametrize("data", HOLDS)
def test_hold_requests_validate_as_their_declared_fields_do(data):
    from booking.api.serializers import HoldRequestSerializer

    fast, fields = _both(HoldRequestSerializer, data)
    assert fast == fields


@pytest.mark.parametrize("data", [{"card_number": "4242424242424242"}, {"payment_method": "card", "CVV": "123"}])
def test_pay_requests_carrying_card_data_are_refused(data):
    from booking.api.serializers import PayRequestSerializer
    from booking.errors import CardDataNotAccepted

    with pytest.raises(CardDataNotAccepted):
        PayRequestSerializer(data=data).is_valid()


@pytest.mark.parametrize("data", PAYS)
def test_pay_requests_validate_as_their_declared_fields_do(data):
    from booking.api.serializers import PayRequestSerializer

    fast, fields = _both(PayRequestSerializer, data)
    assert fast == fields


def test_plain_requests_never_build_the_fields():
    from booking.api.serializers import HoldRequestSerializer, PayRequestSerializer

    plain = [(HoldRequestSerializer, d) for d in HOLDS[:3]] + [(PayRequestSerializer, d) for d in PAYS[:4]]
    for cls, data in plain:
        s = cls(data=data)
        assert s.is_valid() and "fields" not in vars(s), data  # DRF caches the built fields there
    s = HoldRequestSerializer(data=HOLDS[3])
    assert s.is_valid() and "fields" in vars(s)  # the other path, for the check above to mean something


def test_a_started_payment_is_rendered_as_its_declared_fields_render_it(customer, session, rf):
    from booking.api.serializers import PaymentStartSerializer

    class PlainPaymentStart(PaymentStartSerializer):
        def to_representation(self, payment):  # DRF's own, field by field, then the absolute URL
            data = serializers.Serializer.to_representation(self, payment)
            data["confirmation_url"] = self.context["request"].build_absolute_uri(payment.confirmation_url)
            return data

    booking = services.ticket_hold(user=customer, session_id=session.pk, seats=[(1, 1)])
    started = services.ticket_pay(user=customer, ticket_id=booking.ticket_list[0].pk, idempotency_key="render")
    context = {"request": rf.get("/")}
    rendered = PaymentStartSerializer(started.payment, context=context).data
    assert rendered == PlainPaymentStart(started.payment, context=context).data
    assert list(rendered) == list(PaymentStartSerializer().fields)
    assert rendered["confirmation_url"].startswith("http://testserver/") and rendered["status"] == "pending"
