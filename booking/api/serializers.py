from rest_framework import serializers

from booking.models import BookingStatus, PaymentMethod, TicketStatus
from cinema.api.fields import LocalDateTimeField, SharedFieldsSerializer
from venues.models import SeatCategory


class SeatRefSerializer(serializers.Serializer):
    row = serializers.IntegerField(min_value=1, max_value=10_000)
    seat = serializers.IntegerField(min_value=1, max_value=10_000)


class HoldRequestSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**62)
    seats = SeatRefSerializer(many=True, allow_empty=False, max_length=100)


# Plain serializers with declared fields (not ModelSerializer): they answer every
# hold and payment, and introspecting the model per answer costs more than the SQL.
MONEY = {"max_digits": 10, "decimal_places": 2, "read_only": True}


class TicketSerializer(SharedFieldsSerializer):
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


class BookingSerializer(SharedFieldsSerializer):
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

    def get_tickets(self, obj) -> list[dict]:
        tickets = getattr(obj, "ticket_list", None)  # set by the service that just wrote them
        if tickets is None:
            tickets = obj.tickets.select_related("session__movie", "session__hall__cinema", "booking").order_by("pk")
        return TicketSerializer(tickets, many=True).data


class PayRequestSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, default=PaymentMethod.CARD)
    card_number = serializers.RegexField(
        r"^[0-9 ]{12,23}$",
        required=False,
        allow_blank=True,
        help_text="card payments: 12–19 digits (the fake gateway's test cards "
        "4000000000000002 and 4000000000009995 decline)",
    )

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
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    cinema = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    movie = serializers.IntegerField(required=False, min_value=1, max_value=2**62)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": "Before date_from."})
        return attrs


class SeatSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    seat = serializers.IntegerField()
    category = serializers.ChoiceField(choices=["standard", "premium", "vip", "love", "wheelchair"])
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
