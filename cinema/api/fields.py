"""Serializer fields and filters shared by the apps."""

from datetime import UTC, date

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The dates the API accepts in queries and bodies. A date at the edge of the
# calendar (0001-01-01, 9999-12-31) cannot take a day more or a time zone
# (OverflowError); no showing, sale or report lies outside this range.
CALENDAR_FIRST = date(2000, 1, 1)
CALENDAR_LAST = date(2100, 12, 31)


def validate_calendar_date(value: date) -> None:
    if not CALENDAR_FIRST <= value <= CALENDAR_LAST:
        raise ValidationError(
            _("Enter a date from %(first)s to %(last)s."),
            code="date_out_of_range",
            params={"first": CALENDAR_FIRST.isoformat(), "last": CALENDAR_LAST.isoformat()},
        )


class CalendarDateField(serializers.DateField):
    """A date within CALENDAR_FIRST..CALENDAR_LAST."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_calendar_date)


class CalendarDateTimeField(serializers.DateTimeField):
    """A datetime whose UTC date is within CALENDAR_FIRST..CALENDAR_LAST.

    Far outside it a zone's offset is local mean time with seconds
    (``+02:30:17`` in year 370), which RFC 3339 and the clients cannot read back.
    """

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
            validate_calendar_date(parsed.astimezone(UTC).date())
        except (ValidationError, OverflowError):
            # OverflowError: a naive 0001-01-01 in the current zone is before the first UTC instant
            raise serializers.ValidationError(
                _("Enter a date and time from %(first)s to %(last)s.")
                % {"first": CALENDAR_FIRST.isoformat(), "last": CALENDAR_LAST.isoformat()},
                code="date_out_of_range",
            ) from None
        return parsed


class CalendarDateFilter(django_filters.DateFilter):
    """A query-string date within CALENDAR_FIRST..CALENDAR_LAST."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_calendar_date])
        super().__init__(*args, **kwargs)


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
