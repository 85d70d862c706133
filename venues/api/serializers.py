from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from venues.layout import DERIVED_FIELDS
from venues.models import Cinema, Hall


class CinemaSerializer(serializers.ModelSerializer):
    amenities = serializers.ListField(child=serializers.CharField(), read_only=True)
    slug = serializers.SlugField(
        max_length=220, required=False, validators=[UniqueValidator(queryset=Cinema.objects.all())]
    )

    class Meta:
        model = Cinema
        fields = (
            "id",
            "name",
            "slug",
            "address",
            "city",
            "postal_code",
            "latitude",
            "longitude",
            "timezone",
            "phone",
            "email",
            "website",
            "description",
            "opening_time",
            "closing_time",
            "amenities",
            "has_parking",
            "has_cafe",
            "has_wheelchair_access",
            "has_kids_room",
            "has_vip_lounge",
            "is_active",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")


class CinemaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cinema
        fields = ("id", "name", "city", "address", "timezone")


class NearbyCinemaSerializer(CinemaSerializer):
    distance_km = serializers.FloatField(read_only=True)

    class Meta(CinemaSerializer.Meta):
        fields = (*CinemaSerializer.Meta.fields, "distance_km")


class NearbyQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    radius_km = serializers.FloatField(min_value=0.1, max_value=1000, default=10)


class HallSerializer(serializers.ModelSerializer):
    """A hall with its layout; the counts derived from the layout are read-only."""

    class Meta:
        model = Hall
        fields = ("id", "cinema", *Hall.EDITABLE_FIELDS, *DERIVED_FIELDS)
        read_only_fields = ("cinema", *DERIVED_FIELDS)


class HallBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hall
        fields = ("id", "name", "number", "hall_type", "capacity")
