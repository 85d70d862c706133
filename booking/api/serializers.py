import re
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking.errors import CardDataNotAccepted
from booking.models import BookingStatus, PaymentMethod, PaymentStatus, TicketStatus
from cinema.api.fields import CalendarDateField, LocalDateTimeField
from scheduling.api.serializers import SessionSerializer
from venues.models import SeatCategory

# The bounds of a hold request, declared once for the fields and the fast path below.
_SEAT_NUMBER_MAX = 10_000
_ID_MAX = 2**62
_SEATS_PER_REQUEST_MAX = 100


class SeatRefSerializer(serializers.Serializer):
    row = serializers.IntegerField(min_value=1, max_value=_SEAT_NUMBER_MAX)
    seat = serializers.IntegerField(min_value=1, max_value=_SEAT_NUMBER_MAX)


class HoldSeatSerializer(SeatRefSerializer):
    ticket_type = serializers.SlugField(
        max_length=32, required=False, help_text="a code from the seat map's ticket_types; default adult"
    )


# The two requests of the booking path take a fast path for input that is
# plainly valid: building the fields (DRF deep-copies them per serializer)
# cost more than the check. Anything else — a string for a number, a missing
# or extra key, an out-of-range value — goes through the declared fields, so
# errors are DRF's; a test checks that both paths give the same result.


def _plain_int(value, maximum: int) -> bool:
    """An int (not a bool, not a string) from 1 to ``maximum``."""
    return type(value) is int and 1 <= value <= maximum


class HoldRequestSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=_ID_MAX)
    seats = HoldSeatSerializer(many=True, allow_empty=False, max_length=_SEATS_PER_REQUEST_MAX)
    promo_code = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="case-insensitive; 400 promo_invalid says why not"
    )

    def run_validation(self, data=serializers.empty):
        if (
            type(data) is dict
            and data.keys() == {"session", "seats"}
            and _plain_int(data["session"], _ID_MAX)
            and type(data["seats"]) is list
            and 1 <= len(data["seats"]) <= _SEATS_PER_REQUEST_MAX
            and all(
                type(seat) is dict
                and seat.keys() == {"row", "seat"}
                and _plain_int(seat["row"], _SEAT_NUMBER_MAX)
                and _plain_int(seat["seat"], _SEAT_NUMBER_MAX)
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
    ticket_type = serializers.CharField(
        source="ticket_type_code", read_only=True, help_text="ticket type code (adult…)"
    )
    price = serializers.DecimalField(**MONEY, help_text="what the ticket costs: the type's price − discount + fee")
    discount = serializers.DecimalField(**MONEY, help_text="the promo code's discount on this ticket")
    fee = serializers.DecimalField(**MONEY, help_text="the cinema's booking fee, included in price")
    status = serializers.ChoiceField(choices=TicketStatus.choices, read_only=True)
    reserved_until = serializers.DateTimeField(read_only=True, allow_null=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    payment_method = serializers.CharField(read_only=True)
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    refund_amount = serializers.DecimalField(**MONEY, allow_null=True)
    refunded_at = serializers.DateTimeField(read_only=True, allow_null=True)
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
            "ticket_type": ticket.ticket_type_code,
            "price": _money(ticket.price),
            "discount": _money(ticket.discount),
            "fee": _money(ticket.fee),
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
    total = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="to pay: the tickets' prices, fees included"
    )
    discount = serializers.SerializerMethodField(help_text="the promo code's discount on the tickets counted in total")
    booking_fees = serializers.SerializerMethodField(help_text="the booking fees included in total")
    promo_code = serializers.CharField(source="promo_code.code", read_only=True, allow_null=True, default=None)
    currency = serializers.CharField(read_only=True)
    reserved_until = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)
    payment_method = serializers.CharField(read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    tickets = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, booking):
        zone = timezone.get_current_timezone()
        tickets = self.get_tickets(booking, zone)
        counted = _counted(booking, tickets)
        return {
            "id": booking.pk,
            "reference": booking.reference,
            "session": booking.session_id,
            "status": str(booking.status),
            "total": _money(booking.total),
            "discount": _sum(counted, "discount"),
            "booking_fees": _sum(counted, "fee"),
            "promo_code": booking.promo_code.code if booking.promo_code_id else None,
            "currency": booking.currency,
            "reserved_until": _when(booking.reserved_until, zone),
            "paid_at": _when(booking.paid_at, zone),
            "payment_method": booking.payment_method,
            "payment_reference": booking.payment_reference,
            "tickets": tickets,
            "created_at": _when(booking.created_at, zone),
        }

    def get_discount(self, obj) -> str:
        return _sum(_counted(obj, self.get_tickets(obj)), "discount")

    def get_booking_fees(self, obj) -> str:
        return _sum(_counted(obj, self.get_tickets(obj)), "fee")

    @extend_schema_field(TicketSerializer(many=True))
    def get_tickets(self, obj, zone=None) -> list[dict]:
        tickets = getattr(obj, "ticket_list", None)  # set by the service that just wrote them
        if tickets is None:
            tickets = obj.tickets.select_related("session__movie", "session__hall__cinema", "booking").order_by("pk")
        return [_TICKET.to_representation(ticket, zone) for ticket in tickets]


_TICKET = TicketSerializer()  # rendering keeps no state on the serializer
# A held or paid booking's discount and fees are those of the tickets it still
# counts (its total likewise leaves out tickets cancelled from it).
_OPEN = (BookingStatus.RESERVED, BookingStatus.PAID)
_NOT_COUNTED = (TicketStatus.CANCELLED, TicketStatus.EXPIRED, TicketStatus.REFUNDED)


def _counted(booking, tickets: list[dict]) -> list[dict]:
    return [t for t in tickets if t["status"] not in _NOT_COUNTED] if booking.status in _OPEN else tickets


def _sum(tickets: list[dict], field: str) -> str:
    return _money(sum((Decimal(t[field]) for t in tickets), Decimal("0")))


# Fields that would carry card data: refused outright (PCI DSS), the card goes to the provider's page.
CARD_DATA_FIELDS = frozenset(
    {
        "card",
        "card_number",
        "number",
        "pan",
        "cvc",
        "cvc2",
        "cvv",
        "cvv2",
        "expiry",
        "exp",
        "exp_month",
        "exp_year",
        "expiry_month",
        "expiry_year",
        "expiration",
        "cardholder",
        "card_holder",
    }
)


_PAY_METHODS = {PaymentMethod.CARD.value, PaymentMethod.SBP.value}
# A return URL the fast path takes: a path on this site or an https URL, printable
# ASCII without spaces or backslashes, within the field's length (any other goes
# through the declared field and ``validate_return_url``).
_PLAIN_RETURN_URL = re.compile(r"/(?:[!-.0-\[\]-~][!-\[\]-~]{0,998})?|https://[!-\[\]-~]{1,992}")


def _plain_choice(value, choices: set[str]) -> bool:
    return type(value) is str and value in choices


def _plain_return_url(value) -> bool:
    return type(value) is str and _PLAIN_RETURN_URL.fullmatch(value) is not None


def _return_url_allowed(url: str) -> bool:
    """Our own pages (a path) or an https address: where the provider sends the customer back."""
    return (url.startswith("/") and not url.startswith("//") and "\\" not in url) or url.startswith("https://")


class PayRequestSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(
        choices=[PaymentMethod.CARD, PaymentMethod.SBP],
        default=PaymentMethod.CARD,
        help_text="confirmed on the payment provider's page; card data is never sent to this API",
    )
    return_url = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="where the provider sends the customer back: a path on this site or an https URL (default /tickets/)",
    )

    def run_validation(self, data=serializers.empty):
        if isinstance(data, dict):
            card_fields = sorted(CARD_DATA_FIELDS & {str(key).lower() for key in data})
            if card_fields:
                raise CardDataNotAccepted(
                    "Card data is not accepted here: the customer enters it on the payment provider's page.",
                    fields={name: ["Not accepted."] for name in card_fields},
                )
        if (  # the fast path, as for holds: plainly valid input only
            type(data) is dict
            and data.keys() <= {"payment_method", "return_url"}
            and _plain_choice(data.get("payment_method", PaymentMethod.CARD.value), _PAY_METHODS)
            and ("return_url" not in data or _plain_return_url(data["return_url"]))
        ):
            return {"payment_method": data.get("payment_method", PaymentMethod.CARD), **data}
        return super().run_validation(data)

    def validate_return_url(self, value):
        if value and not _return_url_allowed(value):
            raise serializers.ValidationError("Use a path on this site or an https URL.")
        return value


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if url.startswith("/") and request is not None else url


class PaymentStartSerializer(serializers.Serializer):
    """The payment just started (``POST /tickets/{id}/pay/``): where to confirm it, and until when."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)
    confirmation_url = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, payment):  # by hand, as tickets and bookings are
        return {
            "id": payment.pk,
            "status": str(payment.status),
            "amount": _money(payment.amount),
            "currency": payment.currency,
            "confirmation_url": _absolute(self.context.get("request"), payment.confirmation_url),
            "expires_at": _when(payment.expires_at, timezone.get_current_timezone()),
        }


class PaymentSerializer(serializers.Serializer):
    """A payment as its buyer and managers see it (poll it after returning from the provider)."""

    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(read_only=True)
    booking = serializers.CharField(source="booking.reference", read_only=True, help_text="booking reference")
    confirmation_url = serializers.CharField(read_only=True)
    failure_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    paid_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, payment):
        data = super().to_representation(payment)
        data["confirmation_url"] = _absolute(self.context.get("request"), payment.confirmation_url)
        return data


class PayResultSerializer(serializers.Serializer):
    payment = PaymentStartSerializer(read_only=True)
    booking = BookingSerializer(read_only=True)


class WebhookEventSerializer(serializers.Serializer):
    """A provider's notification (the fake provider's shape; YooKassa's is its own and read back from its API)."""

    id = serializers.CharField(help_text="event id (unique per event)")
    type = serializers.ChoiceField(choices=["payment.succeeded", "payment.canceled", "refund.succeeded"])
    object = serializers.DictField(
        help_text='{"id": provider payment (or refund) id, "status", "amount": {"value", "currency"}, '
        '"metadata": {"booking": reference}}'
    )


class CheckInRequestSerializer(serializers.Serializer):
    payload = serializers.CharField(max_length=500)


class CheckInResultSerializer(serializers.Serializer):
    ticket = serializers.CharField()
    row = serializers.IntegerField()
    seat = serializers.IntegerField()
    category = serializers.CharField()
    ticket_type = serializers.CharField(help_text="ticket type code (adult, child…)")
    check_id = serializers.BooleanField(help_text="true: ask for a document (age, student card) before admitting")
    movie = serializers.CharField()
    cinema = serializers.CharField()
    hall = serializers.CharField()
    starts_at = serializers.CharField()
    checked_in_at = serializers.DateTimeField()


class SessionCancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class SessionCancelResultSerializer(serializers.Serializer):
    """Documents the answer of a session's cancellation (the view renders it)."""

    session = SessionSerializer()
    refunded_tickets = serializers.IntegerField(help_text="paid tickets refunded in full")
    refunded_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    released_holds = serializers.IntegerField(help_text="held seats set free")


class StatisticsQuerySerializer(serializers.Serializer):
    date_from = CalendarDateField(required=False)
    date_to = CalendarDateField(required=False)
    cinema = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    movie = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": "Before date_from."})
        return attrs


# The sales statistics (``booking.selectors.sales_statistics``), documented field by field.
_STAT_MONEY = {"max_digits": 14, "decimal_places": 2}


class StatisticsFiltersSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    cinema = serializers.IntegerField(allow_null=True)
    movie = serializers.IntegerField(allow_null=True)


class StatisticsOverallSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(**_STAT_MONEY)
    tickets_sold = serializers.IntegerField()
    average_price = serializers.DecimalField(**_STAT_MONEY, allow_null=True)
    refunds = serializers.IntegerField()
    refunded_amount = serializers.DecimalField(**_STAT_MONEY)
    sessions = serializers.IntegerField()
    capacity = serializers.IntegerField()
    occupancy = serializers.FloatField(help_text="seats sold ÷ sellable seats, 0–1")


class StatisticsRowSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    tickets = serializers.IntegerField()
    revenue = serializers.DecimalField(**_STAT_MONEY)
    capacity = serializers.IntegerField()
    occupancy = serializers.FloatField()


class StatisticsDaySerializer(StatisticsRowSerializer):
    day = serializers.DateField()


class StatisticsMovieSerializer(StatisticsRowSerializer):
    movie_id = serializers.IntegerField()
    movie = serializers.CharField()


class StatisticsCinemaSerializer(StatisticsRowSerializer):
    cinema_id = serializers.IntegerField()
    cinema = serializers.CharField()


class StatisticsHallSerializer(StatisticsRowSerializer):
    hall_id = serializers.IntegerField()
    hall = serializers.CharField()
    cinema = serializers.CharField()


class StatisticsSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    movie = serializers.CharField()
    cinema = serializers.CharField()
    hall = serializers.CharField()
    starts_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    sold = serializers.IntegerField()
    occupancy = serializers.FloatField()


class StatisticsSerializer(serializers.Serializer):
    """Documents the statistics (the selector renders them)."""

    filters = StatisticsFiltersSerializer()
    overall = StatisticsOverallSerializer()
    by_day = StatisticsDaySerializer(many=True)
    by_movie = StatisticsMovieSerializer(many=True)
    by_cinema = StatisticsCinemaSerializer(many=True)
    by_hall = StatisticsHallSerializer(many=True)
    sessions = StatisticsSessionSerializer(many=True, help_text="the first 200 sessions, by start")


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


class SeatMapTicketTypeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="what a hold's seat names as ticket_type")
    name = serializers.CharField(help_text="English")
    names = serializers.DictField(child=serializers.CharField(), help_text="by language: en, ru")
    check_id = serializers.BooleanField(help_text="the door checks a document (age, student card)")
    prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2),
        help_text="seat category -> price, before the booking fee; a category missing is not sold at this type",
    )


class SeatMapSerializer(serializers.Serializer):
    """Documents the seat map (the view renders it itself)."""

    session = serializers.IntegerField()
    status = serializers.CharField()
    hall = SeatMapHallSerializer()
    prices = serializers.DictField(
        child=serializers.DecimalField(max_digits=10, decimal_places=2),
        help_text="seat category -> adult price, before the booking fee",
    )
    booking_fee = serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text="added to every ticket, shown separately; 0.00: none"
    )
    ticket_types = SeatMapTicketTypeSerializer(many=True)
    seats = SeatSerializer(many=True)
