"""Reads about sessions."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.db.models import Q

from venues.models import Cinema


def local_date_range_q(date_from, date_to, prefix: str = "") -> Q:
    """Sessions whose start falls on [date_from, date_to] in their own cinema's zone.

    One range per time zone in use (a handful), so the start index still serves."""
    q = Q(pk__in=[])
    for tz_name in Cinema.objects.order_by().values_list("timezone", flat=True).distinct():
        tz = zoneinfo.ZoneInfo(tz_name)
        start = datetime.combine(date_from, time.min, tzinfo=tz)
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        q |= Q(
            **{
                f"{prefix}hall__cinema__timezone": tz_name,
                f"{prefix}starts_at__gte": start,
                f"{prefix}starts_at__lt": end,
            }
        )
    return q
