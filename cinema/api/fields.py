"""Serializer fields shared by the apps."""

from rest_framework import serializers


class LocalDateTimeField(serializers.DateTimeField):
    """A UTC datetime shown in a zone taken from the object (the cinema's)."""

    def __init__(self, tz_source: str, **kwargs):
        self.tz_source = tz_source  # dotted attribute path to a ZoneInfo, e.g. "hall.cinema.tz"
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        self._tz = instance
        for part in self.tz_source.split("."):
            self._tz = getattr(self._tz, part)
        return super().get_attribute(instance)

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(self._tz).isoformat()
