import re

from django.utils import timezone
from rest_framework import serializers

from booking.models import BookingStatus, PaymentMethod, TicketStatus
from cinema.api.fields import CalendarDateField, LocalDateTimeField
from venues.models import SeatCategory


class SeatRefSerializer(serializers.Serializer):
    row = serializers.IntegerField(min_value=1, max_value=10_000)
    seat = serializers.IntegerField(min_value=1, max_value=10_000)


# The two requests of the booking path take a fast path for input that is
# plainly valid: building the fields (DRF deep-copies them per serializer)
# cost more than the check. Anything else — a string for a number, a missing
# or extra key, an out-of-range value — goes through the declared fields, so
# errors are DRF's; a test checks that both paths give the same result.


def _plain_int(value, field: serializers.IntegerField) -> bool:
    """An int (not a bool, not a string) within the declared field's bounds."""
    return type(value) is int and field.min_value <= value <= field.max_value


class HoldRequestSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**62)
    seats = SeatRefSerializer(many=True, allow_empty=False, max_length=100)

    def run_validation(self, data=serializers.empty):
        fields, seat_fields = (
            type(self)._declared_fields,
            SeatRefSerializer._declared_fields,
        )  # the declarations, not copies
        if (
            type(data) is dict
            and data.keys() == {"session", "seats"}
            and _plain_int(data["session"], fields["session"])
            and type(data["seats"]) is list
            and 1 <= len(data["seats"]) <= fields["seats"].max_length
            and all(
                type(seat) is dict
                and seat.keys() == {"row", "seat"}
                and _plain_int(seat["row"], seat_fields["row"])
                and _plain_int(seat["seat"], seat_fields["seat"])
                for seat in data["seats"]
            )
        ):
            return {"session": data["session"], "seats": [{"row": s["row"], "seat": s["seat"]} for s in data["seats"]]}
        return super().run_validation(data)


# Tickets and bookings answer every hold, payment and ticket list. They are
# rendered by hand: DRF's per-field machinery cost more than the rest of the
# answer. The declared fields still define the schema, and a test checks that
# both render the same.
MONEY = {"max_digits": 10, "decimal_places": 2, "read_only": True}
_AMOUNT = serializers.DecimalField(max_digits=12, decimal_places=2)


def _when(value, zone):
    """ISO 8601 in ``zone`` (the current one), as DRF's DateTimeField renders it."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _money(value):
    return None if value is None else _AMOUNT.to_representation(value)


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    booking = serializers.CharField(source="booking.reference", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True)
    movie = serializers.CharField(source="session.movie.title", read_only=True)
    cinema = serializers.CharField(source="session.hall.cinema.name", read_only=True)
    hall = serializers.CharField(source="session.hall.name", read_only=True)
    starts_at = LocalDateTimeField("session.hall.cinema.tz", source="session.starts_at")
    row = serializers.IntegerField(read_only=True)
    seat = serializers.IntegerField(read_only=True)
    category = serializers.ChoiceField(choices=SeatCategory.choices, read_only=True)
    price = serializers.DecimalField(**MONEY)
    status = serializers.ChoiceField(choices=TicketStatus.choices, read_only=True)
    reserved_until = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True)
    payment_method = serializers.CharField(read_only=True)
    checked_in_at = serializers.DateTimeField(read_only=True)
    cancelled_at = serializers.DateTimeField(read_only=True)
    refund_amount = serializers.DecimalField(**MONEY, allow_null=True)
    refunded_at = serializers.DateTimeField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, ticket, zone=None):
        zone = zone or timezone.get_current_timezone()  # looked up once: it costs more than rendering a date
        session = ticket.session
        cinema = session.hall.cinema
        return {
            "id": ticket.pk,
            "number": ticket.number,
            "booking": ticket.booking.reference,
            "session": ticket.session_id,
            "movie": session.movie.title,
            "cinema": cinema.name,
            "hall": session.hall.name,
            "starts_at": session.starts_at.astimezone(cinema.tz).isoformat(),
            "row": ticket.row,
            "seat": ticket.seat,
            "category": str(ticket.category),
            "price": _money(ticket.price),
            "status": str(ticket.status),
            "reserved_until": _when(ticket.reserved_until, zone),
            "paid_at": _when(ticket.paid_at, zone),
            "payment_method": ticket.payment_method,
            "checked_in_at": _when(ticket.checked_in_at, zone),
            "cancelled_at": _when(ticket.cancelled_at, zone),
            "refund_amount": _money(ticket.refund_amount),
            "refunded_at": _when(ticket.refunded_at, zone),
            "created_at": _when(ticket.created_at, zone),
        }


class BookingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True)
    status = serializers.ChoiceField(choices=BookingStatus.choices, read_only=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)
    reserved_until = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True)
    payment_method = serializers.CharField(read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    tickets = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, booking):
        zone = timezone.get_current_timezone()
        return {
            "id": booking.pk,
            "reference": booking.reference,
            "session": booking.session_id,
            "status": str(booking.status),
            "total": _money(booking.total),
            "currency": booking.currency,
            "reserved_until": _when(booking.reserved_until, zone),
            "paid_at": _when(booking.paid_at, zone),
            "payment_method": booking.payment_method,
            "payment_reference": booking.payment_reference,
            "tickets": self.get_tickets(booking, zone),
            "created_at": _when(booking.created_at, zone),
        }

    def get_tickets(self, obj, zone=None) -> list[dict]:
        tickets = getattr(obj, "ticket_list", None)  # set by the service that just wrote them
        if tickets is None:
            tickets = obj.tickets.select_related("session__movie", "session__hall__cinema", "booking").order_by("pk")
        return [_TICKET.to_representation(ticket, zone) for ticket in tickets]


_TICKET = TicketSerializer()  # rendering keeps no state on the serializer


_CARD = re.compile(r"^[0-9 ]{12,23}$")
_METHODS = frozenset(PaymentMethod.values)  # an enum's .values builds a new list on every access


class PayRequestSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    card_number = serializers.RegexField(
        _CARD.pattern,
        required=False,
        allow_blank=True,
        help_text="card payments: 12–19 digits (the fake gateway's test cards "
        "4000000000000002 and 4000000000009995 decline)",
    )

    def run_validation(self, data=serializers.empty):
        if type(data) is dict and data.keys() <= {"payment_method", "card_number"}:
            method, card = data.get("payment_method", PaymentMethod.CARD.value), data.get("card_number", "")
            if (
                type(method) is str
                and method in _METHODS
                and type(card) is str
                and (card == "" or (_CARD.match(card) and card == card.strip()))
                and (card or method != PaymentMethod.CARD)
            ):
                return self.validate({"payment_method": method, "card_number": card})
        return super().run_validation(data)

    def validate(self, attrs):
        attrs["card_number"] = attrs.get("card_number", "").replace(" ", "")
        if attrs["payment_method"] == PaymentMethod.CARD and not attrs["card_number"]:
            raise serializers.ValidationError({"card_number": "A card number is required for card payments."})
        return attrs


class CheckInRequestSerializer(serializers.Serializer):
    payload = serializers.CharField(max_length=500)


class CheckInResultSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    row = serializers.IntegerField()
    seat = serializers.IntegerField()
    category = serializers.CharField()
    movie = serializers.CharField()
    cinema = serializers.CharField()
    hall = serializers.CharField()
    starts_at = serializers.CharField()
    checked_in_at = serializers.DateTimeField()


class SessionCancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class StatisticsQuerySerializer(serializers.Serializer):
    date_from = CalendarDateField(required=False)
    date_to = CalendarDateField(required=False)
    cinema = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    movie = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": "Before date_from."})
        return attrs


class SeatSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    seat = serializers.IntegerField()
    category = serializers.ChoiceField(choices=SeatCategory.choices)
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    status = serializers.ChoiceField(choices=["free", "held", "sold", "blocked"])
    x = serializers.IntegerField(help_text="position from the left, gaps included")
    y = serializers.IntegerField(help_text="row position from the screen, aisles included")


class SeatMapHallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    hall_type = serializers.CharField()
    capacity = serializers.IntegerField()
    rows_count = serializers.IntegerField()
    seats_per_row = serializers.IntegerField()


class SeatMapSerializer(serializers.Serializer):
    """Documents the seat map (the view renders it itself)."""

    session = serializers.IntegerField()
    status = serializers.CharField()
    hall = SeatMapHallSerializer()
    prices = serializers.DictField(child=serializers.DecimalField(max_digits=10, decimal_places=2))
    seats = SeatSerializer(many=True)
