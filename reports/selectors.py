"""Sales reports: by film, cinema, hall, day or ticket type; and the
distributor report — per film per film week (Thursday to Wednesday), per
cinema: sessions, admissions, gross, gross net of VAT.

Money: a ticket's ``price`` is what the customer paid; its ``fee`` (the
cinema's booking fee) is not box office, so *gross* = price − fee. Dates are
the sessions' local dates, as in the sales statistics.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import SOLD_STATUSES, Ticket
from cinema.errors import ValidationFailed
from pricing.models import DEFAULT_TICKET_TYPE
from scheduling.models import Session, SessionStatus
from scheduling.selectors import local_date_range_q

MAX_DAYS = 366
CENT = Decimal("0.01")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))

SALES_GROUPS = {
    # name: (label, {output key: ticket field path})
    "movie": (_("Film"), {"movie": "session__movie__title"}),
    "cinema": (_("Cinema"), {"cinema": "session__hall__cinema__name"}),
    "hall": (_("Hall"), {"cinema": "session__hall__cinema__name", "hall": "session__hall__name"}),
    "day": (_("Day"), {"day": "day"}),
    "ticket_type": (_("Ticket type"), {"ticket_type": "type_code"}),
}


def check_range(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Both dates given, ordered, at most a year apart (``ValidationFailed``)."""
    if date_from is None or date_to is None:
        raise ValidationFailed(
            "date_from and date_to are required (YYYY-MM-DD).",
            fields={
                name: ["Required (YYYY-MM-DD)."]
                for name, v in (("date_from", date_from), ("date_to", date_to))
                if v is None
            },
        )
    if date_to < date_from:
        raise ValidationFailed("date_to is before date_from.", fields={"date_to": ["Before date_from."]})
    if (date_to - date_from).days + 1 > MAX_DAYS:
        message = f"At most {MAX_DAYS} days at a time."
        raise ValidationFailed(message, code="range_too_long", fields={"date_to": [message]})
    return date_from, date_to


def _sold_tickets(date_from, date_to, cinema_id=None, movie_id=None):
    tickets = Ticket.objects.filter(status__in=SOLD_STATUSES).exclude(session__status=SessionStatus.CANCELLED)
    tickets = tickets.filter(local_date_range_q(date_from, date_to, prefix="session__"))
    if cinema_id:
        tickets = tickets.filter(session__hall__cinema_id=cinema_id)
    if movie_id:
        tickets = tickets.filter(session__movie_id=movie_id)
    return tickets


def sales_report(*, date_from: date, date_to: date, group_by: str = "movie", cinema_id=None, movie_id=None) -> dict:
    """Sold tickets grouped by ``group_by`` (a key of ``SALES_GROUPS``): tickets,
    gross, discounts, booking fees and money taken, with totals. Two queries."""
    date_from, date_to = check_range(date_from, date_to)
    if group_by not in SALES_GROUPS:
        raise ValidationFailed(f"group_by: one of {', '.join(SALES_GROUPS)}.", fields={"group_by": ["Unknown."]})
    fields = SALES_GROUPS[group_by][1]
    tickets = _sold_tickets(date_from, date_to, cinema_id, movie_id).annotate(
        day=TruncDate("session__starts_at"),
        type_code=Coalesce("ticket_type__code", Value(DEFAULT_TICKET_TYPE)),
    )
    money = {
        "tickets": Count("id"),
        "taken": Coalesce(Sum("price"), ZERO),
        "fees": Coalesce(Sum("fee"), ZERO),
        "discounts": Coalesce(Sum("discount"), ZERO),
    }
    rows = tickets.values(*fields.values()).annotate(**money).order_by(*fields.values())
    totals = tickets.aggregate(**money)
    return {
        "group_by": group_by,
        "columns": list(fields),
        "rows": [{**{k: row[path] for k, path in fields.items()}, **_money_row(row)} for row in rows],
        "totals": _money_row(totals),
    }


def _money_row(row) -> dict:
    return {
        "tickets": row["tickets"],
        "gross": _cents(row["taken"] - row["fees"]),
        "discounts": _cents(row["discounts"]),
        "fees": _cents(row["fees"]),
        "taken": _cents(row["taken"]),
    }


def _cents(value) -> Decimal:
    """Money to the kopeck (SQLite's sums carry more places)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def film_week_start(day: date) -> date:
    """The Thursday that opens ``day``'s film week (Thursday to Wednesday)."""
    return day - timedelta(days=(day.weekday() - 3) % 7)


@dataclass
class DistributorRow:
    week_start: date
    movie: str
    movie_id: int
    cinema: str
    cinema_id: int
    sessions: int = 0
    admissions: int = 0
    gross: Decimal = Decimal("0.00")

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def net(self) -> Decimal:
        return net_of_vat(self.gross)

    @property
    def vat(self) -> Decimal:
        return self.gross - self.net


def net_of_vat(gross: Decimal, rate: Decimal | None = None) -> Decimal:
    rate = settings.REPORT_VAT_RATE if rate is None else rate
    return (gross / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def distributor_report(*, date_from: date, date_to: date) -> list[DistributorRow]:
    """Per film week, film and cinema (in that order): the sessions that were
    not cancelled, their admissions (tickets sold) and gross. Two queries:
    the sessions with their ticket sums, grouped here by local date."""
    date_from, date_to = check_range(date_from, date_to)
    sold = Q(tickets__status__in=SOLD_STATUSES)
    sessions = (
        Session.objects.exclude(status=SessionStatus.CANCELLED)
        .filter(local_date_range_q(date_from, date_to))
        .values(
            "id",
            "starts_at",
            "movie_id",
            "movie__title",
            "hall__cinema_id",
            "hall__cinema__name",
            "hall__cinema__timezone",
        )
        .annotate(
            admissions=Count("tickets", filter=sold),
            gross=Coalesce(Sum(F("tickets__price") - F("tickets__fee"), filter=sold), ZERO),
        )
        .order_by()
    )
    rows: dict[tuple, DistributorRow] = {}
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    for s in sessions.iterator(chunk_size=2000):
        tz = zones.setdefault(s["hall__cinema__timezone"], zoneinfo.ZoneInfo(s["hall__cinema__timezone"]))
        week = film_week_start(timezone.localtime(s["starts_at"], tz).date())
        key = (week, s["movie__title"], s["movie_id"], s["hall__cinema__name"], s["hall__cinema_id"])
        row = rows.get(key) or rows.setdefault(key, DistributorRow(week, key[1], key[2], key[3], key[4]))
        row.sessions += 1
        row.admissions += s["admissions"]
        row.gross += _cents(s["gross"])
    return [rows[key] for key in sorted(rows)]
