"""Cancelling tickets and sessions, and refunding what was paid."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from booking import metrics
from booking.errors import RefundNotAllowed, SalesClosed, TicketNotUsable
from booking.models import Booking, BookingStatus, Payment, PaymentKind, PaymentStatus, Ticket, TicketStatus
from booking.payments import get_gateway
from booking.selectors import seat_map_changed
from booking.services._locks import count_refund, lock_booking, lock_session, lock_tickets
from scheduling.models import Session, SessionStatus

logger = logging.getLogger("booking")


def notifications():
    """The customer's messages (``notifications.services``): that app reads
    bookings to write them, so it is imported when called, not at import time."""
    from notifications import services

    return services


def _refund_paid_tickets(*, booking: Booking, tickets: list[Ticket], now, reason: str) -> Decimal:
    """Refund paid tickets of one locked booking in full; returns the amount."""
    charge = booking.payments.filter(kind=PaymentKind.CHARGE, status=PaymentStatus.APPROVED).first()
    gateway = get_gateway()
    refunded = Decimal("0")
    for ticket in tickets:
        result = gateway.refund(
            charge_reference=charge.provider_reference if charge else booking.payment_reference,
            amount=ticket.price,
            currency=booking.currency,
            idempotency_key=f"refund:{ticket.pk}",
        )
        Payment.objects.create(
            booking=booking,
            ticket=ticket,
            user_id=ticket.user_id,
            kind=PaymentKind.REFUND,
            status=PaymentStatus.APPROVED if result.approved else PaymentStatus.DECLINED,
            amount=ticket.price,
            currency=booking.currency,
            method=ticket.payment_method,
            provider=gateway.name,
            provider_reference=result.reference,
            decline_reason=result.decline_reason or reason,
        )
        if not result.approved:
            raise RefundNotAllowed(f"The payment provider refused the refund: {result.decline_reason}")
        ticket.status = TicketStatus.REFUNDED
        ticket.refund_amount = ticket.price
        ticket.refunded_at = now
        ticket.cancelled_at = now
        ticket.save(update_fields=["status", "refund_amount", "refunded_at", "cancelled_at", "updated_at"])
        refunded += ticket.price
        metrics.count(metrics.refunds)
    if tickets:
        count_refund(session_id=booking.session_id, user_id=booking.user_id, tickets=len(tickets), amount=refunded)
    return refunded


def _settle_booking_status(booking: Booking, now) -> None:
    """A booking whose tickets are all gone is cancelled (never paid) or refunded."""
    statuses = set(booking.tickets.values_list("status", flat=True))
    if statuses & {TicketStatus.RESERVED, TicketStatus.PAID, TicketStatus.USED}:
        return
    new = BookingStatus.REFUNDED if TicketStatus.REFUNDED in statuses else BookingStatus.CANCELLED
    if booking.status == BookingStatus.RESERVED and statuses <= {TicketStatus.EXPIRED}:
        new = BookingStatus.EXPIRED
    if booking.status != new:
        booking.status = new
        booking.save(update_fields=["status", "updated_at"])


def ticket_cancel(*, ticket: Ticket, by: User) -> Ticket:
    """Cancel a held ticket, or refund a paid one until REFUND_CUTOFF_MINUTES before the start."""
    now = timezone.now()
    with transaction.atomic():
        session = lock_session(ticket.session_id)
        booking = lock_booking(ticket.booking_id)
        (ticket,) = lock_tickets(Ticket.objects.filter(pk=ticket.pk))
        if ticket.status == TicketStatus.RESERVED:
            ticket.status = TicketStatus.CANCELLED
            ticket.cancelled_at = now
            ticket.save(update_fields=["status", "cancelled_at", "updated_at"])
            remaining = booking.tickets.filter(status=TicketStatus.RESERVED).aggregate(total=Sum("price"))["total"]
            booking.total = remaining or Decimal("0")
            booking.save(update_fields=["total", "updated_at"])
        elif ticket.status == TicketStatus.PAID:
            cutoff = session.starts_at - timedelta(minutes=settings.REFUND_CUTOFF_MINUTES)
            if now >= cutoff:
                raise RefundNotAllowed(
                    f"Paid tickets can be refunded until {settings.REFUND_CUTOFF_MINUTES} minutes before the start.",
                    extra={"refund_deadline": cutoff.isoformat()},
                )
            refunded = _refund_paid_tickets(booking=booking, tickets=[ticket], now=now, reason="cancelled by customer")
            notifications().notify_tickets_refunded(booking=booking, tickets=[ticket], amount=refunded)
        else:
            raise TicketNotUsable(
                f"A {ticket.get_status_display().lower()} ticket cannot be cancelled.", extra={"status": ticket.status}
            )
        _settle_booking_status(booking, now)
        seat_map_changed(session.pk)
    logger.info(
        "ticket cancelled", extra={"event": "ticket_cancelled", "ticket": ticket.number, "status": ticket.status}
    )
    return ticket


@dataclass(frozen=True)
class SessionCancellation:
    session: Session
    refunded_tickets: int
    refunded_amount: Decimal
    released_holds: int


def session_cancel(*, session: Session, by: User | None, reason: str = "") -> SessionCancellation:
    """Cancel a session: every paid ticket refunded in full, every hold released, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        session = lock_session(session.pk, exclusive=True)
        if session.status == SessionStatus.CANCELLED:
            raise SalesClosed("The session is already cancelled.", code="session_cancelled")
        if session.status == SessionStatus.FINISHED:
            raise SalesClosed("A finished session cannot be cancelled.", code="session_finished")
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = now
        session.cancel_reason = reason[:255]
        session.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        metrics.count(metrics.sessions_cancelled)
        seat_map_changed(session.pk)

        released = Ticket.objects.filter(session=session, status=TicketStatus.RESERVED).update(
            status=TicketStatus.CANCELLED, cancelled_at=now, updated_at=now
        )
        refunded_tickets, refunded_amount = 0, Decimal("0")
        bookings = Booking.objects.select_for_update().filter(session=session).order_by("pk")
        for booking in bookings:
            paid = lock_tickets(booking.tickets.filter(status=TicketStatus.PAID))
            refunded = _refund_paid_tickets(booking=booking, tickets=paid, now=now, reason="session cancelled")
            if paid:
                notify = notifications().notify_session_cancelled
                notify(session=session, booking=booking, tickets=paid, amount=refunded)
            refunded_amount += refunded
            refunded_tickets += len(paid)
            _settle_booking_status(booking, now)
    logger.info(
        "session cancelled",
        extra={
            "event": "session_cancelled",
            "session": session.pk,
            "refunded": refunded_tickets,
            "released": released,
        },
    )
    session.refresh_from_db()
    return SessionCancellation(session, refunded_tickets, refunded_amount, released)
