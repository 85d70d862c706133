"""Business counters of the booking engine, exported at /metrics."""

from prometheus_client import Counter

holds_created = Counter("cinema_holds_created_total", "Seat holds created (bookings)")
seats_held = Counter("cinema_seats_held_total", "Seats held")
holds_expired = Counter("cinema_holds_expired_total", "Held tickets marked expired")
payments = Counter("cinema_payments_total", "Payment attempts by outcome", ["outcome"])
tickets_sold = Counter("cinema_tickets_sold_total", "Tickets paid")
refunds = Counter("cinema_refunds_total", "Tickets refunded")
check_ins = Counter("cinema_check_ins_total", "Tickets checked in at the door")
sessions_cancelled = Counter("cinema_sessions_cancelled_total", "Sessions cancelled")


def count(counter, amount: float = 1, **labels) -> None:
    """Add to a counter once the surrounding transaction commits (never for rolled-back work)."""
    from django.db import transaction

    target = counter.labels(**labels) if labels else counter
    transaction.on_commit(lambda: target.inc(amount))
