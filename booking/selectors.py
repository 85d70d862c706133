"""Reads of the booking engine: seat maps, ticket lists, sales statistics."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import orjson
from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, DecimalField, F, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from booking.models import SOLD_STATUSES, Booking, BookingStatus, Payment, Ticket, TicketStatus
from pricing.models import DEFAULT_TICKET_TYPE
from scheduling.models import Session, SessionStatus
from scheduling.selectors import local_date_range_q, session_ticket_prices
from venues.layout import parse_layout

SEAT_MAP_TTL = 30  # seconds; shorter when a hold on the map lapses sooner


def _taken_seats(session_id: int, now) -> tuple[dict[tuple[int, int], str], datetime | None]:
    """(row, seat) -> "held" or "sold" for every live ticket, and the earliest hold lapse."""
    taken, earliest = {}, None
    rows = Ticket.objects.filter(session_id=session_id).live(now).values_list("row", "seat", "status", "reserved_until")
    for row, seat, status, until in rows:
        if status == TicketStatus.RESERVED:
            taken[(row, seat)] = "held"
            earliest = until if earliest is None else min(earliest, until)
        else:
            taken[(row, seat)] = "sold"
    return taken, earliest


def _seats(session: Session, taken: dict, prices: dict[str, str] | None = None) -> list[dict]:
    prices = prices or session.price_texts
    return [
        {
            "row": s.row,
            "seat": s.seat,
            "category": s.category,
            "price": prices[s.category],
            "status": "blocked" if s.blocked else taken.get((s.row, s.seat), "free"),
            "x": s.x,
            "y": s.y,
        }
        for s in parse_layout(session.hall.layout)
    ]


def seat_map(session: Session, now=None) -> list[dict]:
    """Every seat of the session's hall with category, price and status
    (``free``, ``held``, ``sold``, ``blocked``), in layout order. One query."""
    taken, _ = _taken_seats(session.pk, now or timezone.now())
    return _seats(session, taken)


def seat_map_ttl(earliest_lapse: datetime | None, now: datetime) -> int:
    """Seconds a rendered map may live: never past the moment a hold on it lapses."""
    if earliest_lapse is None:
        return SEAT_MAP_TTL
    return max(1, min(SEAT_MAP_TTL, int((earliest_lapse - now).total_seconds())))


def _seat_map_version_key(session_id: int) -> str:
    return f"seatmap:version:{session_id}"


def seat_map_changed(session_id: int) -> None:
    """Called by every service that holds, sells or frees a seat, inside its
    transaction: once it commits, a new version is written (and acknowledged
    by the cache) before the request answers, so the next seat-map read —
    from any process — no longer uses the cached map."""
    key = _seat_map_version_key(session_id)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))


def seat_map_json(session_id: int) -> bytes | None:
    """The public seat map document, rendered once and cached (``None``: no such session).

    A cached map is dropped when a seat of the session changes (``seat_map_changed``)
    and lives at most until the first hold on it lapses, so it never shows a
    seat taken after it became free. On a miss: two queries.
    """
    # One round trip: the current version and the stored map (tagged with its version).
    version_key, key = _seat_map_version_key(session_id), f"seatmap:{session_id}"
    found = cache.get_many([version_key, key])
    version = found.get(version_key, "0")
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    session = Session.objects.select_related("hall__cinema").filter(pk=session_id).first()
    if session is None:
        return None
    now = timezone.now()
    taken, earliest = _taken_seats(session_id, now)
    hall = session.hall
    ticket_types = ticket_types_json(session)
    # A seat's price is the adult one: the card's as it is now, where it has one.
    adult = next((t["prices"] for t in ticket_types if t["code"] == DEFAULT_TICKET_TYPE), {})
    prices = {**session.price_texts, **adult}
    body = orjson.dumps(
        {
            "session": session.pk,
            "status": session.status,
            "hall": {
                "id": hall.pk,
                "name": hall.name,
                "number": hall.number,
                "hall_type": hall.hall_type,
                "capacity": hall.capacity,
                "rows_count": hall.rows_count,
                "seats_per_row": hall.seats_per_row,
            },
            "prices": prices,
            "booking_fee": _money(session.hall.cinema.booking_fee),
            "ticket_types": ticket_types,
            "seats": _seats(session, taken, prices),
        }
    )
    cache.set(key, (version, body), seat_map_ttl(earliest, now))
    return body


def ticket_types_json(session: Session) -> list[dict]:
    """The seat map's ticket types: code, name (English; ``names`` has both
    languages: the map is cached once for every reader), whether the door
    checks an ID, and the price per seat category (before the booking fee,
    which is shown once, beside them)."""
    return [
        {
            "code": ticket_type.code,
            "name": ticket_type.name,
            "names": {"en": ticket_type.name, "ru": ticket_type.name_ru or ticket_type.name},
            "check_id": ticket_type.check_id,
            "prices": {category: _money(price) for category, price in prices.items()},
        }
        for ticket_type, prices in session_ticket_prices(session)
    ]


# --- The customer's own orders (the web pages' reads) ----------------------------

# Tickets an order shows: what was bought, held or refunded (not lapsed or released holds).
_SHOWN_TICKETS = (TicketStatus.RESERVED, TicketStatus.PAID, TicketStatus.USED, TicketStatus.REFUNDED)
PAST_ORDERS_SHOWN = 50


def _order_queryset(user_id: int):
    tickets = Ticket.objects.filter(status__in=_SHOWN_TICKETS).select_related("ticket_type").order_by("row", "seat")
    return (
        Booking.objects.filter(user_id=user_id)
        .select_related("session__movie", "session__hall__cinema", "promo_code")
        .prefetch_related(Prefetch("tickets", queryset=tickets, to_attr="shown_tickets"))
    )


def customer_booking(*, user_id: int, reference: str) -> Booking | None:
    """One of the customer's bookings by reference (``None``: none of theirs),
    with its session, cinema, shown tickets (``shown_tickets``) and its latest
    payment (``last_payment``). Three queries."""
    booking = _order_queryset(user_id).filter(reference=reference.upper()[:16]).first()
    if booking is not None:
        booking.last_payment = Payment.objects.filter(booking_id=booking.pk).order_by("-pk").first()
    return booking


@dataclass(frozen=True)
class CustomerOrders:
    upcoming: list[Booking]  # by start, soonest first
    past: list[Booking]  # latest first, at most PAST_ORDERS_SHOWN


def customer_orders(*, user_id: int, now: datetime | None = None) -> CustomerOrders:
    """The customer's orders for "My tickets": paid, refunded, and holds still
    running, each with its shown tickets; upcoming (the film has not ended) and
    past. Three queries, however many orders."""
    now = now or timezone.now()
    orders = _order_queryset(user_id).filter(
        Q(status__in=(BookingStatus.PAID, BookingStatus.REFUNDED))
        | Q(status=BookingStatus.RESERVED, reserved_until__gt=now)
    )
    upcoming = list(orders.filter(session__ends_at__gt=now).order_by("session__starts_at", "pk"))
    past = list(orders.filter(session__ends_at__lte=now).order_by("-session__starts_at", "-pk")[:PAST_ORDERS_SHOWN])
    return CustomerOrders(upcoming=[b for b in upcoming if b.shown_tickets], past=[b for b in past if b.shown_tickets])


def sold_seats_in_future_sessions(hall, sellable: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Layout guard for venues: sold or held seats of future sessions missing from ``sellable``."""
    now = timezone.now()
    live = (
        Ticket.objects.filter(session__hall=hall, session__starts_at__gt=now)
        .live(now)
        .values_list("row", "seat")
        .distinct()
    )
    return {seat for seat in live if seat not in sellable}


def sales_statistics(*, date_from=None, date_to=None, cinema_id=None, movie_id=None) -> dict:
    """Revenue, tickets, refunds, average price and occupancy, overall and by day,
    film, cinema and hall — aggregated by the database in a fixed number of queries
    (13, or 14 with a date filter, whatever the number of tickets).

    The date filter uses the sessions' local dates; ``by_day`` groups by the date in
    the chain's TIME_ZONE. Occupancy = seats sold ÷ sellable seats of the sessions
    that were not cancelled (the sessions' exact ``seats_sold`` counters).
    """
    sessions = Session.objects.exclude(status=SessionStatus.CANCELLED)
    if cinema_id:
        sessions = sessions.filter(hall__cinema_id=cinema_id)
    if movie_id:
        sessions = sessions.filter(movie_id=movie_id)
    if date_from or date_to:
        date_from = date_from or (date_to - timedelta(days=3660))
        date_to = date_to or (date_from + timedelta(days=3660))
        sessions = sessions.filter(local_date_range_q(date_from, date_to))

    tickets = Ticket.objects.filter(session__in=sessions.values("pk"))
    sold = tickets.filter(status__in=SOLD_STATUSES)
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))

    totals = sold.aggregate(
        revenue=Coalesce(Sum("price"), zero),
        tickets=Count("id"),
        average_price=Avg("price"),
        fees=Coalesce(Sum("fee"), zero),
        discounts=Coalesce(Sum("discount"), zero),
    )
    refunds = tickets.filter(status=TicketStatus.REFUNDED).aggregate(
        count=Count("id"), amount=Coalesce(Sum("refund_amount"), zero)
    )
    seats = sessions.aggregate(
        sessions=Count("id"), capacity=Coalesce(Sum("capacity"), 0), sold=Coalesce(Sum("seats_sold"), 0)
    )

    def breakdown(fields: dict[str, str], order: str) -> list[dict]:
        """Group by ``fields`` (output name -> session field path): revenue from tickets,
        seats from sessions. Annotated as g0, g1… so names never clash with model fields."""
        keys = [f"g{i}" for i in range(len(fields))]
        paths = list(fields.values())
        revenue = sold.values(**{k: _expr(f"session__{p}") for k, p in zip(keys, paths, strict=True)}).annotate(
            revenue=Coalesce(Sum("price"), zero), tickets=Count("id")
        )
        capacity = (
            sessions.values(**{k: _expr(p) for k, p in zip(keys, paths, strict=True)})
            .annotate(sessions=Count("id"), capacity=Sum("capacity"), sold=Sum("seats_sold"))
            .order_by(f"g{list(fields).index(order)}")
        )
        by_key = {tuple(r[k] for k in keys): r for r in revenue}
        rows = []
        for row in capacity:
            money_row = by_key.get(tuple(row[k] for k in keys), {})
            rows.append(
                {
                    **{name: _plain(row[k]) for name, k in zip(fields, keys, strict=True)},
                    "sessions": row["sessions"],
                    "tickets": money_row.get("tickets", 0),
                    "revenue": _money(money_row.get("revenue", 0)),
                    "capacity": row["capacity"],
                    "occupancy": _occupancy(row["sold"], row["capacity"]),
                }
            )
        return rows

    per_session = sessions.order_by("starts_at", "id").values(
        "id", "movie__title", "hall__cinema__name", "hall__name", "starts_at", "capacity", "seats_sold"
    )[:200]
    average = totals["average_price"]
    return {
        "filters": {"date_from": _plain(date_from), "date_to": _plain(date_to), "cinema": cinema_id, "movie": movie_id},
        "overall": {
            "revenue": _money(totals["revenue"]),
            "tickets_sold": totals["tickets"],
            "average_price": _money(average) if average is not None else None,
            "booking_fees": _money(totals["fees"]),
            "discounts": _money(totals["discounts"]),
            "refunds": refunds["count"],
            "refunded_amount": _money(refunds["amount"]),
            "sessions": seats["sessions"],
            "capacity": seats["capacity"],
            "occupancy": _occupancy(seats["sold"], seats["capacity"]),
        },
        "by_day": breakdown({"day": "starts_at:date"}, "day"),
        "by_movie": breakdown({"movie_id": "movie_id", "movie": "movie__title"}, "movie"),
        "by_cinema": breakdown({"cinema_id": "hall__cinema_id", "cinema": "hall__cinema__name"}, "cinema"),
        "by_hall": breakdown({"hall_id": "hall_id", "hall": "hall__name", "cinema": "hall__cinema__name"}, "hall_id"),
        "by_ticket_type": _by_ticket_type(sold, zero),
        "sessions": [
            {
                "id": s["id"],
                "movie": s["movie__title"],
                "cinema": s["hall__cinema__name"],
                "hall": s["hall__name"],
                "starts_at": s["starts_at"].isoformat(),
                "capacity": s["capacity"],
                "sold": s["seats_sold"],
                "occupancy": _occupancy(s["seats_sold"], s["capacity"]),
            }
            for s in per_session
        ],
    }


def _by_ticket_type(sold, zero) -> list[dict]:
    """Sold tickets per ticket type (a ticket without one is adult), in the
    types' display order. One query."""
    rows = (
        sold.values(
            type_code=Coalesce("ticket_type_id", Value(DEFAULT_TICKET_TYPE)),
            type_name=Coalesce("ticket_type__name", Value("Adult")),
            type_order=Coalesce("ticket_type__sort_order", Value(0)),
        )
        .annotate(
            tickets=Count("id"),
            revenue=Coalesce(Sum("price"), zero),
            fees=Coalesce(Sum("fee"), zero),
            discounts=Coalesce(Sum("discount"), zero),
        )
        .order_by("type_order", "type_code")
    )
    return [
        {
            "ticket_type": row["type_code"],
            "name": row["type_name"],
            "tickets": row["tickets"],
            "revenue": _money(row["revenue"]),
            "booking_fees": _money(row["fees"]),
            "discounts": _money(row["discounts"]),
        }
        for row in rows
    ]


def _expr(path: str):
    """A field path, or ``path:date`` for its date in the chain's TIME_ZONE."""
    if path.endswith(":date"):
        return TruncDate(path.removesuffix(":date"))
    return F(path)


def _occupancy(sold: int, capacity: int) -> float:
    return round(sold / capacity, 4) if capacity else 0.0


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


def _plain(value):
    """Dates as ISO strings, everything else as it is (JSON-ready)."""
    return value.isoformat() if hasattr(value, "isoformat") else value
