"""Retiring lapsed holds (the periodic tidy-up; a lapsed hold frees its seat at once anyway)."""

import logging

from django.db import transaction
from django.utils import timezone

from booking import metrics
from booking.models import Booking, BookingStatus, Ticket, TicketStatus

logger = logging.getLogger("booking")


def holds_expire(*, now=None, batch: int = 1000) -> tuple[int, int]:
    """Mark lapsed holds expired: (tickets, bookings). Safe beside live traffic.

    Rows are locked in id order like every other writer, in short batches, and
    rows another transaction holds (a payment in progress) are skipped: the
    next run gets them, and the status re-check leaves a booking paid
    meanwhile alone.
    """
    now = now or timezone.now()
    tickets = _expire_in_batches(Ticket.objects.lapsed(now), batch, now)
    bookings = _expire_in_batches(
        Booking.objects.filter(status=BookingStatus.RESERVED, reserved_until__lte=now).exclude(
            tickets__status__in=[TicketStatus.PAID, TicketStatus.USED]
        ),
        batch,
        now,
    )
    if tickets:
        metrics.holds_expired.inc(tickets)
        logger.info("holds expired", extra={"event": "holds_expired", "tickets": tickets})
    return tickets, bookings


def _expire_in_batches(queryset, batch: int, now) -> int:
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return done
            # Re-check the condition on the locked rows, then retire them.
            done += queryset.filter(pk__in=ids).update(status="expired", updated_at=now)
        if len(ids) < batch:
            return done
