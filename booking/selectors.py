"""Reads of the booking engine: seat maps, ticket lists, sales statistics."""

from django.utils import timezone

from booking.models import Ticket, TicketStatus
from scheduling.models import Session
from venues.layout import parse_layout


def seat_statuses(session_id: int, now=None) -> dict[tuple[int, int], str]:
    """(row, seat) -> "held" or "sold" for every seat a live ticket occupies."""
    rows = Ticket.objects.filter(session_id=session_id).live(now).values_list("row", "seat", "status")
    return {(row, seat): "held" if status == TicketStatus.RESERVED else "sold" for row, seat, status in rows}


def seat_map(session: Session, now=None) -> list[dict]:
    """Every seat of the session's hall with category, price and status
    (``free``, ``held``, ``sold``, ``blocked``), in layout order. One query."""
    taken = seat_statuses(session.pk, now or timezone.now())
    prices = {category: str(price) for category, price in session.prices.items()}
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
