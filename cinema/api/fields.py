"""Serializer fields shared by the apps."""

from rest_framework import serializers


class LocalDateTimeField(serializers.DateTimeField):
    """A UTC datetime shown in a zone taken from the object (the cinema's)."""

    def __init__(self, tz_source: str, **kwargs):
        self.tz_source = tz_source  # dotted attribute path to a ZoneInfo, e.g. "hall.cinema.tz"
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None:
            return None
        zone = instance
        for part in self.tz_source.split("."):
            zone = getattr(zone, part)
        return value.astimezone(zone)

    def to_representation(self, value):
        return None if value is None else value.isoformat()
