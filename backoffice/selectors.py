"""Reads of the back office: the dashboard on the admin index.

Every sales figure comes from ``booking.selectors.sales_statistics`` (the same
numbers as ``GET /api/v1/tickets/statistics/`` for the same range); this module
only picks the ranges and arranges the results for the page.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice import charts
from booking.models import Ticket, TicketStatus
from booking.selectors import sales_statistics
from scheduling.models import Session, SessionStatus
from scheduling.selectors import local_date_range_q

WEEK_DAYS = 7
CHART_DAYS = 30
TOP_FILMS = 5


@dataclass
class CinemaFigures:
    cinema_id: int
    name: str
    today: dict = field(default_factory=dict)
    week: dict = field(default_factory=dict)


def _figures(row: dict | None) -> dict:
    row = row or {}
    return {
        "revenue": Decimal(row.get("revenue", "0")),
        "tickets": row.get("tickets", 0),
        "occupancy": round(100 * row.get("occupancy", 0.0), 1),
        "sessions": row.get("sessions", 0),
    }


def _overall(stats: dict) -> dict:
    return _figures({**stats["overall"], "tickets": stats["overall"]["tickets_sold"]})


def dashboard(*, today: date | None = None, now=None) -> dict:
    """Today and the last 7 days per cinema, today's sessions (sold / held / free),
    30 days of sales for the chart and the week's top films. A fixed number of
    queries whatever the number of cinemas, sessions and tickets."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    week_from = today - timedelta(days=WEEK_DAYS - 1)
    chart_from = today - timedelta(days=CHART_DAYS - 1)

    day_stats = sales_statistics(date_from=today, date_to=today)
    week_stats = sales_statistics(date_from=week_from, date_to=today)
    month_stats = sales_statistics(date_from=chart_from, date_to=today)

    cinemas: dict[int, CinemaFigures] = {}
    for key, stats in (("today", day_stats), ("week", week_stats)):
        for row in stats["by_cinema"]:
            figures = cinemas.setdefault(row["cinema_id"], CinemaFigures(row["cinema_id"], row["cinema"]))
            setattr(figures, key, _figures(row))
    for figures in cinemas.values():
        figures.today = figures.today or _figures(None)
        figures.week = figures.week or _figures(None)

    by_day = {row["day"]: Decimal(row["revenue"]) for row in month_stats["by_day"]}
    tickets_by_day = {row["day"]: row["tickets"] for row in month_stats["by_day"]}
    days = [chart_from + timedelta(days=i) for i in range(CHART_DAYS)]
    sales = [(day, by_day.get(day.isoformat(), Decimal("0")), tickets_by_day.get(day.isoformat(), 0)) for day in days]

    films = sorted(week_stats["by_movie"], key=lambda r: (-Decimal(r["revenue"]), -r["tickets"], r["movie"]))
    films = [f for f in films if f["tickets"]][:TOP_FILMS]
    best = max((Decimal(f["revenue"]) for f in films), default=Decimal("0"))

    return {
        "today": today,
        "week_from": week_from,
        "chart_from": chart_from,
        "totals": {"today": _overall(day_stats), "week": _overall(week_stats)},
        "cinemas": sorted(cinemas.values(), key=lambda c: c.name),
        "sessions": todays_sessions(today=today, now=now),
        "sales_chart": charts.day_bars(sales),
        "top_films": [
            {
                "movie": f["movie"],
                "tickets": f["tickets"],
                "revenue": Decimal(f["revenue"]),
                "bar": charts.share(Decimal(f["revenue"]), best),
            }
            for f in films
        ],
    }


def todays_sessions(*, today: date, now) -> list[dict]:
    """Today's sessions (local dates) with seats sold, held and free: one query
    for the sessions and their held seats, plus one for the time zones in use."""
    held = (
        Ticket.objects.filter(session=OuterRef("pk"), status=TicketStatus.RESERVED)
        .live(now)
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    sessions = (
        Session.objects.filter(local_date_range_q(today, today))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("movie", "hall__cinema")
        .annotate(held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))
        .order_by("hall__cinema__name", "starts_at", "id")
    )
    rows = []
    for s in sessions:
        free = max(s.capacity - s.seats_sold - s.held, 0)
        rows.append(
            {
                "session": s,
                "cinema": s.hall.cinema.name,
                "starts": f"{timezone.localtime(s.starts_at, s.hall.cinema.tz):%H:%M}",  # the cinema's time
                "sold": s.seats_sold,
                "held": s.held,
                "free": free,
                "bar": charts.stacked_bar([s.seats_sold, s.held, free]),
            }
        )
    return rows
