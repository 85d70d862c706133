"""Cancelling tickets and sessions, and refunding what was paid, as jobs.

A cancellation releases its seats and records ``pending`` refunds in its own
transaction (``refund_record``); after it commits, a job per refund asks the
provider (``refund_attempt``, no transaction open) with the refund's own
idempotency key, so a retry never pays back twice. A refusal or an outage is
counted (``attempts``, ``last_error``) and retried with a growing pause; after
REFUND_MAX_ATTEMPTS the refund is ``failed`` and waits in the admin for a
manager's "retry". Nothing here can undo a refund the provider already made.
"""

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
from booking.models import (
    CHARGED_STATUSES,
    Booking,
    BookingStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
    Ticket,
    TicketStatus,
)
from booking.prices import promo_uses_give_back
from booking.providers import get_provider
from booking.providers.base import CANCELED, SUCCEEDED, ProviderError
from booking.selectors import seat_map_changed
from booking.services._locks import count_refund, lock_booking, lock_session, lock_tickets
from cinema.jobs import enqueue
from scheduling.models import Session, SessionStatus

logger = logging.getLogger("booking")


def notifications():
    """The customer's messages (``notifications.services``): that app reads
    bookings to write them, so it is imported when called, not at import time."""
    from notifications import services

    return services


def _refund_paid_tickets(*, booking: Booking, tickets: list[Ticket], now, reason: str) -> Decimal:
    """Release paid tickets of one locked booking and record a pending refund of
    each (a job pays it back after the commit, ``refund_attempt``); returns the amount."""
    charge = booking.payments.filter(status__in=CHARGED_STATUSES).order_by("pk").first()
    refunded = Decimal("0")
    for ticket in tickets:
        ticket.status = TicketStatus.REFUNDED
        ticket.refund_amount = ticket.price
        ticket.refunded_at = now
        ticket.cancelled_at = now
        ticket.save(update_fields=["status", "refund_amount", "refunded_at", "cancelled_at", "updated_at"])
        if charge is not None and ticket.price > 0:
            refund_record(payment=charge, ticket=ticket, amount=ticket.price, reason=reason)
        refunded += ticket.price
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
        if booking.status == BookingStatus.RESERVED and new in (BookingStatus.CANCELLED, BookingStatus.EXPIRED):
            promo_uses_give_back(bookings=[booking])  # a hold retired unpaid: its promo code's use is free again
        booking.status = new
        booking.save(update_fields=["status", "updated_at"])


def refund_deadline(starts_at):
    """Until when a paid ticket of a session starting at ``starts_at`` is refunded (the pages show it too)."""
    return starts_at - timedelta(minutes=settings.REFUND_CUTOFF_MINUTES)


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
            cutoff = refund_deadline(session.starts_at)
            if now >= cutoff:
                raise RefundNotAllowed(
                    f"Paid tickets can be refunded until {settings.REFUND_CUTOFF_MINUTES} minutes before the start.",
                    extra={"refund_deadline": cutoff.isoformat()},
                )
            refunded = _refund_paid_tickets(
                booking=booking,
                tickets=[ticket],
                now=now,
                reason=RefundReason.CUSTOMER if ticket.user_id == by.pk else RefundReason.ADMIN,
            )
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
            refunded = _refund_paid_tickets(
                booking=booking, tickets=paid, now=now, reason=RefundReason.SESSION_CANCELLED
            )
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


# --- Refund jobs ---------------------------------------------------------------

# A pending refund whose job has not touched it for this long is queued again by reconciliation.
_STALE_AFTER = timedelta(minutes=10)


def refund_record(*, payment: Payment, amount: Decimal, reason: str, ticket: Ticket | None = None) -> Refund:
    """Record a refund of ``amount`` of ``payment`` (inside the caller's
    transaction) and queue its job for after the commit."""
    key = f"ticket-{ticket.pk}" if ticket is not None else f"payment-{payment.pk}-{reason}"
    refund = Refund.objects.create(
        payment=payment,
        ticket=ticket,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=key,
    )
    _queue(refund.pk)
    return refund


def _queue(refund_id: int) -> None:
    from booking.tasks import refund_execute

    enqueue(refund_execute, refund_id)


def backoff_seconds(attempts: int) -> int:
    """The pause before attempt ``attempts + 1``: 30 s, 1 min, 2 min … at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def refund_attempt(*, refund_id: int) -> str:
    """Ask the provider for one pending refund. Returns ``succeeded``,
    ``retry`` (try again later), ``failed`` (gave up) or ``done`` (nothing to do)."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.status != RefundStatus.PENDING:
        return "done"
    try:
        answer = get_provider(refund.payment.provider).create_refund(
            idempotency_key=refund.idempotency_key,
            payment_id=refund.payment.provider_reference,
            amount=refund.amount,
            currency=refund.currency,
        )
    except ProviderError as exc:
        return _attempt_failed(refund.pk, str(exc))
    if answer.status == SUCCEEDED:
        refund_succeeded(refund_id=refund.pk, provider_reference=answer.id)
        return "succeeded"
    if answer.status == CANCELED:
        return _attempt_failed(refund.pk, answer.failure_reason or "The provider cancelled the refund.")
    # Accepted, not finished: its webhook (or the next attempt, same key) settles it.
    Refund.objects.filter(pk=refund.pk).update(provider_reference=answer.id, updated_at=timezone.now())
    return _attempt_failed(refund.pk, "The provider is still processing the refund.", count_only=True)


def _attempt_failed(refund_id: int, error: str, *, count_only: bool = False) -> str:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return "done"
        refund.attempts += 1
        refund.last_error = error[:500]
        if refund.attempts >= settings.REFUND_MAX_ATTEMPTS:
            refund.status = RefundStatus.FAILED
        refund.save(update_fields=["attempts", "last_error", "status", "updated_at"])
    if not count_only:
        logger.warning(
            "refund attempt failed",
            extra={"event": "refund_failed", "refund": refund_id, "attempts": refund.attempts, "error": error},
        )
    return "failed" if refund.status == RefundStatus.FAILED else "retry"


def refund_succeeded(*, refund_id: int, provider_reference: str) -> bool:
    """The provider paid a refund back: record it on the refund and its payment (once)."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == RefundStatus.SUCCEEDED:
            return False
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        now = timezone.now()
        refund.status, refund.succeeded_at, refund.last_error = RefundStatus.SUCCEEDED, now, ""
        refund.provider_reference = provider_reference
        refund.save(update_fields=["status", "succeeded_at", "last_error", "provider_reference", "updated_at"])
        payment.refunded_amount = min(payment.refunded_amount + refund.amount, payment.amount)
        payment.status = (
            PaymentStatus.REFUNDED if payment.refunded_amount >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    metrics.count(metrics.refunds)
    logger.info("refund made", extra={"event": "refund_succeeded", "refund": refund_id, "amount": str(refund.amount)})
    return True


def refund_retry(*, refund: Refund) -> Refund:
    """A manager sends a failed (or stuck) refund again: a fresh round of attempts, same idempotency key."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            raise RefundNotAllowed("This refund has already been made.")
        refund.status, refund.attempts = RefundStatus.PENDING, 0
        refund.save(update_fields=["status", "attempts", "updated_at"])
        _queue(refund.pk)
    return refund


def refunds_requeue(*, now=None) -> int:
    """Queue again the pending refunds no job has touched for a while (a lost job, a broker outage)."""
    now = now or timezone.now()
    ids = list(
        Refund.objects.filter(status=RefundStatus.PENDING, updated_at__lte=now - _STALE_AFTER).values_list(
            "pk", flat=True
        )
    )
    for refund_id in ids:
        _queue(refund_id)
    return len(ids)
