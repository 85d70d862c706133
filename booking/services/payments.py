"""Paying for a booking at the payment provider, and settling what it tells us.

No call to the provider is made inside a transaction (nor, so, under a row
lock): paying is three steps,

1. a short transaction validates, locks (the protocol's order), records a
   ``pending`` payment with the client's idempotency key and commits;
2. the provider is called with no transaction open;
3. a short transaction stores the provider's payment id and confirmation URL.

The outcome arrives by the provider's webhook (``payment_webhook_handle``) or
is fetched by ``payments_reconcile``, which also repairs a crash between the
steps. Both settle a payment in one short transaction
(``payment_settle``): tickets paid, counters, the confirmation e-mail queued.
"""

import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from booking import metrics
from booking.errors import (
    AlreadyPaid,
    BookingNotFound,
    HoldExpired,
    IdempotencyKeyReused,
    PaymentInProgress,
    PaymentProviderUnavailable,
    SalesClosed,
)
from booking.models import (
    CHARGED_STATUSES,
    Booking,
    BookingStatus,
    Payment,
    PaymentStatus,
    ProcessedWebhookEvent,
    Refund,
    RefundReason,
    Ticket,
    TicketStatus,
)
from booking.providers import get_provider
from booking.providers.base import CANCELED, SUCCEEDED, ProviderError, ProviderPayment, Receipt, ReceiptItem
from booking.selectors import seat_map_changed
from booking.services._locks import count_sale, lock_booking, lock_session, lock_tickets
from booking.services.refunds import refund_record, refund_succeeded, refunds_requeue
from cinema.errors import ValidationFailed
from scheduling.models import Session, SessionStatus

logger = logging.getLogger("booking")

# Cancellation reasons that mean "the customer's card said no" (failed), as
# opposed to "nobody confirmed in time" or "called off" (canceled).
_NOT_DECLINES = {"", "expired_on_confirmation", "expired_on_capture", "canceled_by_merchant", "not_started"}


@dataclass(frozen=True)
class PaymentStart:
    payment: Payment
    booking: Booking
    replayed: bool


def _fingerprint(booking_id: int, method: str, return_url: str) -> str:
    """What a payment request asked for, the whole of it, as a keyed hash (HMAC on SECRET_KEY):
    the same Idempotency-Key with any other request is refused, not answered with the first outcome."""
    request = json.dumps(
        {"booking": booking_id, "payment_method": method, "return_url": return_url},
        sort_keys=True,
        separators=(",", ":"),
    )
    return salted_hmac("booking.payment-request", request, algorithm="sha256").hexdigest()


def _lock_booking(session_id: int, booking_id: int) -> tuple[Session, Booking, list[Ticket]]:
    """Steps 1–3 of the lock protocol for one booking: its session (shared with
    holds), the booking, its tickets in id order."""
    session = lock_session(session_id)
    booking = lock_booking(booking_id)
    tickets = lock_tickets(Ticket.objects.filter(booking_id=booking_id))
    return session, booking, tickets


def ticket_pay(
    *, user: User, ticket_id: int, idempotency_key: str, method: str = "card", return_url: str = ""
) -> PaymentStart:
    """Start paying the booking of one of ``user``'s tickets at the provider.

    Returns the pending payment with its confirmation URL (where the customer
    confirms). The same ``idempotency_key`` with the same request returns it
    again (``replayed``); with another request ``IdempotencyKeyReused`` (409).
    ``BookingNotFound`` (404) when the ticket is not the user's, ``AlreadyPaid``
    and ``HoldExpired`` (409), ``PaymentInProgress`` (409) while another
    payment of the booking waits for its customer.
    """
    found = Ticket.objects.filter(pk=ticket_id, user_id=user.pk).values_list("session_id", "booking_id").first()
    if found is None:
        raise BookingNotFound("Ticket not found.")
    if not idempotency_key or len(idempotency_key) > 255:  # after "not found": not yours is 404 either way
        raise ValidationFailed(
            "An Idempotency-Key header (1–255 characters) is required.", code="idempotency_key_required"
        )
    session_id, booking_id = found
    return_url = return_url or settings.PAYMENT_DEFAULT_RETURN_URL
    fingerprint = _fingerprint(booking_id, method, return_url)
    try:
        with transaction.atomic():
            started = _record_pending(user, session_id, booking_id, idempotency_key, method, return_url, fingerprint)
    except IntegrityError:  # the same key, at the same moment, for another booking of the user's
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different payment request.") from None
    if started.payment.provider_reference:
        return started
    return _start_at_provider(started, user)


def _record_pending(user, session_id, booking_id, idempotency_key, method, return_url, fingerprint) -> PaymentStart:
    """Step 1: validate under the locks, extend a short hold, record the pending payment."""
    session, booking, tickets = _lock_booking(session_id, booking_id)
    # Read after the booking lock, so a request with the same key that held it first is
    # seen: this key's payment, and a payment of the booking waiting for its customer.
    found = list(
        Payment.objects.filter(
            Q(user_id=user.pk, idempotency_key=idempotency_key) | Q(booking_id=booking.pk, status=PaymentStatus.PENDING)
        )
    )
    earlier = next((p for p in found if p.idempotency_key == idempotency_key and p.user_id == user.pk), None)
    if earlier is not None:
        if earlier.request_fingerprint != fingerprint:
            raise IdempotencyKeyReused("This Idempotency-Key was used for a different payment request.")
        return PaymentStart(payment=earlier, booking=booking, replayed=True)
    now = timezone.now()  # after the locks: waiting must not stretch a hold
    if booking.status == BookingStatus.PAID:
        raise AlreadyPaid("This booking is already paid.", extra={"booking": booking.reference})
    held = [t for t in tickets if t.status == TicketStatus.RESERVED]
    if booking.status != BookingStatus.RESERVED or booking.reserved_until <= now or not held:
        raise HoldExpired("The hold on these seats has lapsed; hold them again.")
    if session.status == SessionStatus.CANCELLED or session.starts_at <= now:
        raise SalesClosed("The session is no longer on sale.")
    waiting = next((p for p in found if p.booking_id == booking.pk and p.status == PaymentStatus.PENDING), None)
    if waiting is not None:
        raise PaymentInProgress(
            "A payment of this booking is waiting for confirmation.",
            extra={"payment": waiting.pk, "confirmation_url": waiting.confirmation_url},
        )

    # Give the customer time to confirm at the provider, once, within a limit.
    wanted = now + timedelta(minutes=settings.PAYMENT_CONFIRM_MINUTES)
    limit = booking.created_at + timedelta(minutes=settings.PAYMENT_HOLD_LIMIT_MINUTES)
    until = min(wanted, limit)
    if until > booking.reserved_until:
        booking.reserved_until = until
        booking.save(update_fields=["reserved_until", "updated_at"])
        Ticket.objects.filter(pk__in=[t.pk for t in held]).update(reserved_until=until, updated_at=now)
        for ticket in held:
            ticket.reserved_until = until

    payment = Payment.objects.create(
        booking=booking,
        user_id=user.pk,
        status=PaymentStatus.PENDING,
        amount=sum((t.price for t in held), Decimal("0")),
        currency=booking.currency,
        method=method,
        provider=settings.PAYMENT_PROVIDER,
        return_url=return_url,
        expires_at=booking.reserved_until,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    email = getattr(user, "email", "") or User.objects.values_list("email", flat=True).get(pk=user.pk)
    payment.receipt = _receipt(email, session.movie.title, held)
    for ticket in tickets:  # the answer shows them with their session, locked above
        ticket.session, ticket.booking = session, booking
    booking.ticket_list = tickets
    metrics.count(metrics.payments, outcome="pending")
    return PaymentStart(payment=payment, booking=booking, replayed=False)


def _receipt(email: str, title: str, tickets) -> Receipt:
    """One receipt line per ticket (54-FZ: what was sold, for how much)."""
    return Receipt(
        email=email,
        items=[ReceiptItem(description=f"{title}: row {t.row}, seat {t.seat}", amount=t.price) for t in tickets],
    )


def _receipt_of(payment: Payment) -> Receipt:
    """The receipt of a payment recorded earlier (a replay resuming step 2)."""
    tickets = Ticket.objects.filter(booking_id=payment.booking_id, status=TicketStatus.RESERVED).order_by("pk")
    title = payment.booking.session.movie.title
    return _receipt(payment.user.email, title, tickets)


def _start_at_provider(started: PaymentStart, user) -> PaymentStart:
    """Steps 2 and 3 (also run again by a replay whose first run stopped after step 1)."""
    payment = started.payment
    provider = get_provider(payment.provider)
    receipt = getattr(payment, "receipt", None) or _receipt_of(payment)
    try:
        answer = provider.create_payment(
            idempotency_key=f"payment-{payment.pk}",
            amount=payment.amount,
            currency=payment.currency,
            description=f"Booking {started.booking.reference}",
            return_url=payment.return_url,
            metadata={"booking": started.booking.reference, "payment": str(payment.pk)},
            receipt=receipt,
        )
    except ProviderError:
        # Nothing was shown to the customer, so nothing can be confirmed: the
        # payment failed, and its key is freed so that the same request can try again.
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING, provider_reference="").update(
            status=PaymentStatus.FAILED,
            failure_reason="provider_unavailable",
            idempotency_key=None,
            updated_at=timezone.now(),
        )
        metrics.count(metrics.payments, outcome="provider_unavailable")
        raise PaymentProviderUnavailable() from None
    # Step 3. A webhook may have settled it meanwhile: only fill what is missing.
    stored = Payment.objects.filter(pk=payment.pk, provider_reference="").update(
        provider_reference=answer.id, confirmation_url=answer.confirmation_url, updated_at=timezone.now()
    )
    if stored:
        payment.provider_reference, payment.confirmation_url = answer.id, answer.confirmation_url
    else:  # a webhook got there first
        payment.refresh_from_db()
    logger.info(
        "payment started",
        extra={"event": "payment_started", "booking": started.booking.reference, "payment": payment.pk},
    )
    return PaymentStart(payment=payment, booking=started.booking, replayed=started.replayed)


# --- Settling: webhooks and reconciliation ---------------------------------------------


def _find_payment(provider: str, answer: ProviderPayment) -> Payment | None:
    payment = Payment.objects.filter(provider=provider, provider_reference=answer.id).first()
    if payment is None and str(answer.metadata.get("payment", "")).isdigit():
        # Confirmed before step 3 stored the provider's id (or step 3 never ran).
        payment = Payment.objects.filter(
            pk=int(answer.metadata["payment"]), provider=provider, provider_reference=""
        ).first()
    return payment


def payment_webhook_handle(*, provider: str, event) -> str:
    """Act on a verified provider event once; returns what was done (for the log)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedWebhookEvent.objects.create(provider=provider, event_id=event.id, event_type=event.type)
        except IntegrityError:
            outcome = "duplicate"
        else:
            if event.refund is not None:
                outcome = _refund_event(provider, event.refund)
            else:
                payment = _find_payment(provider, event.payment)
                if payment is None:
                    outcome = "unknown_payment"
                    transaction.set_rollback(True)  # not recorded: a later copy may find it
                else:
                    outcome = payment_settle(payment_id=payment.pk, answer=event.payment)
    logger.info(
        "payment webhook",
        extra={"event": "payment_webhook", "provider": provider, "event_id": event.id, "outcome": outcome},
    )
    return outcome


def _refund_event(provider: str, answer) -> str:
    refund = Refund.objects.filter(payment__provider=provider, provider_reference=answer.id).first()
    if refund is None:
        return "unknown_refund"
    return "refund_succeeded" if refund_succeeded(refund_id=refund.pk, provider_reference=answer.id) else "no_change"


def payment_settle(*, payment_id: int, answer: ProviderPayment) -> str:
    """Apply the provider's word on a payment. Never moves it backwards: a
    payment that succeeded stays so whatever arrives later."""
    if answer.status == SUCCEEDED:
        return _succeeded(payment_id, answer)
    if answer.status == CANCELED:
        return _canceled(payment_id, answer.failure_reason)
    return "no_change"


def _canceled(payment_id: int, reason: str) -> str:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return "no_change"
        payment.status = PaymentStatus.CANCELED if reason in _NOT_DECLINES else PaymentStatus.FAILED
        payment.failure_reason = reason or "canceled"
        payment.save(update_fields=["status", "failure_reason", "updated_at"])
    metrics.count(metrics.payments, outcome=payment.status)
    logger.info("payment not made", extra={"event": "payment_failed", "payment": payment.pk, "reason": reason})
    return str(payment.status)


def _succeeded(payment_id: int, answer: ProviderPayment) -> str:
    """One short transaction: the payment succeeded, its tickets paid (or, when
    their seats went to someone else meanwhile, a refund recorded), counters,
    and the customer's e-mail queued."""
    with transaction.atomic():
        ids = Payment.objects.filter(pk=payment_id).values_list("booking__session_id", "booking_id").get()
        session, booking, tickets = _lock_booking(*ids)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status in CHARGED_STATUSES:
            return "no_change"
        now = timezone.now()
        if answer.amount is not None and answer.amount != payment.amount:
            logger.warning(
                "payment amount differs", extra={"payment": payment.pk, "provider_amount": str(answer.amount)}
            )
        payment.status, payment.paid_at, payment.failure_reason = PaymentStatus.SUCCEEDED, now, ""
        payment.provider_reference = payment.provider_reference or answer.id
        payment.save(update_fields=["status", "paid_at", "failure_reason", "provider_reference", "updated_at"])
        metrics.count(metrics.payments, outcome="succeeded")

        sold = _issue_tickets(session, booking, tickets, payment, now)
        if sold is None:
            refund_record(payment=payment, amount=payment.amount, reason=RefundReason.LATE_PAYMENT)
            _notify_late_payment_refunded(booking=booking, payment=payment)
            logger.info("late payment refunded", extra={"event": "late_payment_refunded", "booking": booking.reference})
            return "refunded"
        _notify_booking_paid(booking=booking)
    logger.info("booking paid", extra={"event": "booking_paid", "booking": booking.reference, "tickets": sold})
    return "paid"


def _issue_tickets(session: Session, booking: Booking, tickets: list[Ticket], payment: Payment, now) -> int | None:
    """Mark the booking's tickets paid; ``None`` when they cannot be (the seats
    were sold again after the hold lapsed, the booking was cancelled or paid
    otherwise, the session is off)."""
    if booking.status == BookingStatus.PAID or session.status == SessionStatus.CANCELLED or session.starts_at <= now:
        return None
    if booking.status == BookingStatus.RESERVED:
        wanted = [t for t in tickets if t.status in (TicketStatus.RESERVED, TicketStatus.EXPIRED)]
    elif booking.status == BookingStatus.EXPIRED:  # lapsed while the customer was paying
        wanted = [t for t in tickets if t.status == TicketStatus.EXPIRED]
    else:
        return None
    if not wanted:
        return None
    revived = [t for t in wanted if t.status == TicketStatus.EXPIRED]
    if revived:
        # The seats are ours again only if no one holds or bought them since:
        # lapsed holds of others are retired as a new hold would, then the
        # unique index on live seats decides.
        seats = Q()
        for t in revived:
            seats |= Q(row=t.row, seat=t.seat)
        Ticket.objects.filter(session_id=session.pk).filter(seats).lapsed(now).exclude(booking_id=booking.pk).update(
            status=TicketStatus.EXPIRED, updated_at=now
        )
    # Only a revived ticket can meet the unique index on live seats (a held one
    # is live already): the savepoint that catches its refusal is for them.
    try:
        with transaction.atomic() if revived else nullcontext():
            Ticket.objects.filter(pk__in=[t.pk for t in wanted]).update(
                status=TicketStatus.PAID,
                paid_at=now,
                reserved_until=None,
                payment_method=payment.method,
                payment_reference=payment.provider_reference,
                updated_at=now,
            )
    except IntegrityError:
        return None
    count, total = len(wanted), sum((t.price for t in wanted), Decimal("0"))
    if total < payment.amount:  # a ticket was released while the customer paid: its share goes back
        refund_record(payment=payment, amount=payment.amount - total, reason=RefundReason.CUSTOMER)
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.PAID,
        total=total,
        paid_at=now,
        payment_method=payment.method,
        payment_reference=payment.provider_reference,
        updated_at=now,
    )
    count_sale(session_id=session.pk, user_id=booking.user_id, tickets=count, amount=total)
    metrics.count(metrics.tickets_sold, count)
    seat_map_changed(session.pk)
    return count


def _notify_booking_paid(*, booking: Booking) -> None:
    """The customer's confirmation e-mail, queued with this transaction."""
    from notifications.services import notify_booking_paid  # that app reads bookings: imported when used

    notify_booking_paid(booking=booking)


def _notify_late_payment_refunded(*, booking: Booking, payment: Payment) -> None:
    """Tell the customer their late payment is on its way back (their seats were sold)."""
    from notifications.services import notify_tickets_refunded  # imported when used, as above

    notify_tickets_refunded(booking=booking, tickets=list(booking.tickets.order_by("pk")), amount=payment.amount)


@dataclass(frozen=True)
class Reconciliation:
    checked: int
    settled: int
    abandoned: int
    refunds_requeued: int


def payments_reconcile(*, now=None) -> Reconciliation:
    """Finish what webhooks and crashes left open: pending payments older than
    PAYMENT_RECONCILE_AFTER_MINUTES are looked up at the provider (no
    transaction open while asking) and settled; those that never reached it
    (a crash after step 1) are cancelled; refunds whose job was lost are queued again."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    stale = list(Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=cutoff).order_by("created_at"))
    settled = abandoned = 0
    abandon_after = timedelta(minutes=settings.PAYMENT_ABANDON_AFTER_MINUTES)
    for payment in stale:
        if not payment.provider_reference:
            settled += _canceled(payment.pk, "not_started") != "no_change"
            continue
        try:
            answer = get_provider(payment.provider).get_payment(payment.provider_reference)
        except ProviderError:
            logger.warning("reconcile: provider not answering", extra={"payment": payment.pk})
            continue
        if answer.status == SUCCEEDED or answer.status == CANCELED:
            settled += payment_settle(payment_id=payment.pk, answer=answer) != "no_change"
        elif (payment.expires_at or payment.created_at) + abandon_after < now:
            abandoned += _canceled(payment.pk, "expired_on_confirmation") != "no_change"
    requeued = refunds_requeue(now=now)
    report = Reconciliation(checked=len(stale), settled=settled, abandoned=abandoned, refunds_requeued=requeued)
    logger.info("payments reconciled", extra={"event": "payments_reconciled", **report.__dict__})
    return report
