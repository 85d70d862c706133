"""Serializer fields shared by the apps."""

from rest_framework import serializers


class LocalDateTimeField(serializers.DateTimeField):
    """A UTC datetime shown in a zone taken from the object (the cinema's)."""

    def __init__(self, tz_source: str, **kwargs):
        self.tz_source = tz_source  # dotted attribute path to a ZoneInfo, e.g. "hall.cinema.tz"
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        # No state kept on the field between calls: shared fields (``SharedFieldsSerializer``) are used by many.
        value = super().get_attribute(instance)
        if value is None:
            return None
        zone = instance
        for part in self.tz_source.split("."):
            zone = getattr(zone, part)
        return value.astimezone(zone)

    def to_representation(self, value):
        return None if value is None else value.isoformat()


class SharedFieldsSerializer(serializers.Serializer):
    """A read-only serializer for answers given many times a second.

    DRF deep-copies a serializer's declared fields for every instance, which
    cost more than the rest of rendering a booking. Here they are built and
    bound once per class and shared; so its fields, and methods called by a
    ``SerializerMethodField``, must keep no state between calls. Its
    ``fields`` (what the schema is generated from) are DRF's as usual.
    """

    @property
    def _readable_fields(self):
        cls = type(self)
        shared = cls.__dict__.get("_shared_readable_fields")
        if shared is None:
            prototype = cls()
            shared = [field for field in prototype.fields.values() if not field.write_only]
            cls._shared_readable_fields = shared
        return shared
