from decimal import Decimal

from rest_framework import serializers

from catalog.api.serializers import MovieBriefSerializer
from catalog.models import Movie
from cinema.api.fields import CalendarDateTimeField, LocalDateTimeField
from pricing.models import PriceCard
from scheduling.models import Session
from venues.api.serializers import CinemaBriefSerializer, HallBriefSerializer
from venues.models import Hall

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0"), "max_value": Decimal("100000")}


class SessionSerializer(serializers.ModelSerializer):
    """A session as customers see it: times in the cinema's zone, prices per seat category."""

    movie = MovieBriefSerializer(read_only=True)
    cinema = CinemaBriefSerializer(source="hall.cinema", read_only=True)
    hall = HallBriefSerializer(read_only=True)
    starts_at = LocalDateTimeField("hall.cinema.tz")
    ends_at = LocalDateTimeField("hall.cinema.tz")
    prices = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = (
            "id",
            "movie",
            "cinema",
            "hall",
            "starts_at",
            "ends_at",
            "format",
            "audio_language",
            "subtitles_language",
            "status",
            "is_premiere",
            "currency",
            "base_price",
            "prices",
            "price_card",
            "capacity",
            "seats_available",
            "seats_sold",
            "sales_open_at",
            "sales_close_at",
        )

    def get_prices(self, obj) -> dict[str, str]:
        return obj.price_texts


class SessionWriteSerializer(serializers.Serializer):
    movie = serializers.PrimaryKeyRelatedField(queryset=Movie.objects.all())
    hall = serializers.PrimaryKeyRelatedField(queryset=Hall.objects.select_related("cinema"))
    starts_at = CalendarDateTimeField()
    base_price = serializers.DecimalField(
        **MONEY, required=False, help_text="standard seat price; may be left out when the price card has adult prices"
    )
    premium_price = serializers.DecimalField(**MONEY, required=False)
    vip_price = serializers.DecimalField(**MONEY, required=False)
    love_price = serializers.DecimalField(**MONEY, required=False)
    wheelchair_price = serializers.DecimalField(**MONEY, required=False)
    format = serializers.ChoiceField(choices=Session._meta.get_field("format").choices, required=False)
    price_card = serializers.PrimaryKeyRelatedField(
        queryset=PriceCard.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="left out on create: the card matching the format, weekday and start time; null: none",
    )
    audio_language = serializers.CharField(max_length=8, required=False)
    subtitles_language = serializers.CharField(max_length=8, required=False, allow_blank=True)
    is_premiere = serializers.BooleanField(required=False)
    sales_open_at = CalendarDateTimeField(required=False, allow_null=True)
    sales_close_at = CalendarDateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=["scheduled", "on_sale"], required=False)
