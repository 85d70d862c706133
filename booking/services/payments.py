"""Paying for a held booking, once per idempotency key."""

import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from booking import metrics
from booking.errors import AlreadyPaid, BookingNotFound, HoldExpired, IdempotencyKeyReused, SalesClosed
from booking.models import Booking, BookingStatus, Payment, PaymentKind, PaymentStatus, Ticket, TicketStatus
from booking.payments import get_gateway
from booking.selectors import seat_map_changed
from booking.services._locks import count_sale, lock_booking, lock_session, lock_tickets
from cinema.errors import ValidationFailed
from scheduling.models import SessionStatus

logger = logging.getLogger("booking")


@dataclass(frozen=True)
class PaymentOutcome:
    booking: Booking
    payment: Payment
    replayed: bool

    @property
    def approved(self) -> bool:
        return self.payment.status == PaymentStatus.APPROVED


def _fingerprint(booking_id: int, method: str, card_number: str) -> str:
    """What a payment request asked for, the whole of it, as a keyed hash.

    The same Idempotency-Key with any other request (another card, even one
    with the same last four digits) is refused, not answered with the first
    outcome. A keyed hash (HMAC on SECRET_KEY), not a plain one: a card number
    has too few unknown digits to survive a plain hash being read from the
    database, and the number itself is never stored."""
    request = json.dumps(
        {"booking": booking_id, "payment_method": method, "card_number": card_number},
        sort_keys=True,
        separators=(",", ":"),
    )
    return salted_hmac("booking.payment-request", request, algorithm="sha256").hexdigest()


def booking_pay(
    *, user: User, booking: Booking, idempotency_key: str, method: str, card_number: str = ""
) -> PaymentOutcome:
    """Charge a held booking (its id and session are used) once. A decline is
    recorded and returned (the hold stays).

    The same ``idempotency_key`` returns the first outcome again; concurrent
    calls wait on the booking lock, so money is taken at most once (and the
    database allows one approved charge per booking).
    """
    return _pay(user, booking.pk, booking.session_id, idempotency_key, method, card_number)


def ticket_pay(
    *, user: User, ticket_id: int, idempotency_key: str, method: str, card_number: str = ""
) -> PaymentOutcome:
    """``booking_pay`` for the booking of one of the user's tickets; ``BookingNotFound`` if it is not theirs."""
    # A ticket never changes booking or session: no lock needed to find them.
    found = Ticket.objects.filter(pk=ticket_id, user_id=user.pk).values_list("booking_id", "session_id").first()
    if found is None:
        raise BookingNotFound("Ticket not found.")
    return _pay(user, *found, idempotency_key, method, card_number)


def _pay(user, booking_id: int, session_id: int, idempotency_key, method, card_number) -> PaymentOutcome:
    with transaction.atomic():
        session = lock_session(session_id)
        booking = lock_booking(booking_id, user_id=user.pk)
        if booking is None:
            raise BookingNotFound("Booking not found.")
        if not idempotency_key or len(idempotency_key) > 255:  # after "not found": not yours is 404 either way
            raise ValidationFailed(
                "An Idempotency-Key header (1–255 characters) is required.", code="idempotency_key_required"
            )
        # The tickets, each with the payment an earlier request with this key
        # made (at most one: the key is unique per user). Read in a statement
        # after the booking lock: a request with the same key that held the
        # lock before us has committed by now, and this statement sees it.
        earlier_payment = Payment.objects.filter(
            user_id=user.pk, idempotency_key=idempotency_key, kind=PaymentKind.CHARGE
        ).values("pk")[:1]
        tickets = lock_tickets(
            Ticket.objects.filter(booking_id=booking.pk).annotate(earlier_payment=Subquery(earlier_payment))
        )
        earlier = None
        if tickets and tickets[0].earlier_payment is not None:
            earlier = Payment.objects.get(pk=tickets[0].earlier_payment)
        fingerprint = _fingerprint(booking.pk, method, card_number)
        if earlier is not None:
            if earlier.request_fingerprint != fingerprint:
                raise IdempotencyKeyReused("This Idempotency-Key was used for a different payment request.")
            replayed = Booking.objects.select_related("session").get(pk=earlier.booking_id)
            return PaymentOutcome(booking=replayed, payment=earlier, replayed=True)
        now = timezone.now()  # after the locks: waiting must not stretch a hold
        if booking.status == BookingStatus.PAID:
            raise AlreadyPaid("This booking is already paid.", extra={"booking": booking.reference})
        held = [t for t in tickets if t.status == TicketStatus.RESERVED]
        if booking.status != BookingStatus.RESERVED or booking.reserved_until <= now or not held:
            raise HoldExpired("The hold on these seats has lapsed; hold them again.")
        if session.status == SessionStatus.CANCELLED or session.starts_at <= now:
            raise SalesClosed("The session is no longer on sale.")

        amount = sum((t.price for t in held), Decimal("0"))
        gateway = get_gateway()
        result = gateway.charge(
            amount=amount,
            currency=booking.currency,
            method=method,
            card_number=card_number,
            description=f"Booking {booking.reference}",
            idempotency_key=f"{user.pk}:{idempotency_key}",
        )
        payment = Payment(
            booking=booking,
            user_id=user.pk,
            kind=PaymentKind.CHARGE,
            amount=amount,
            currency=booking.currency,
            method=method,
            provider=gateway.name,
            provider_reference=result.reference,
            status=PaymentStatus.APPROVED if result.approved else PaymentStatus.DECLINED,
            decline_reason=result.decline_reason,
            card_last4=card_number[-4:] if card_number else "",
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
        )
        metrics.count(metrics.payments, outcome="approved" if result.approved else "declined")
        if not result.approved:
            payment.save(force_insert=True)
            logger.info("payment declined", extra={"event": "payment_declined", "booking": booking.reference})
            return PaymentOutcome(booking=booking, payment=payment, replayed=False)

        # The writes in protocol order (tickets, booking, counters), then the payment.
        paid = {
            "status": TicketStatus.PAID,
            "paid_at": now,
            "reserved_until": None,
            "payment_method": method,
            "payment_reference": result.reference,
            "updated_at": now,
        }
        Ticket.objects.filter(booking_id=booking.pk, status=TicketStatus.RESERVED).update(**paid)
        for ticket in held:
            for field, value in paid.items():
                setattr(ticket, field, value)
        booking.status = BookingStatus.PAID
        booking.total = amount
        booking.paid_at = now
        booking.payment_method = method
        booking.payment_reference = result.reference
        booking.save(update_fields=["status", "total", "paid_at", "payment_method", "payment_reference", "updated_at"])
        count_sale(session_id=session.pk, user_id=user.pk, tickets=len(held), amount=amount)
        payment.save(force_insert=True)
        from notifications.services import notify_booking_paid  # that app reads bookings: imported when used

        notify_booking_paid(booking=booking)
        for ticket in tickets:
            ticket.session, ticket.booking = session, booking
        booking.session = session
        booking.ticket_list = tickets
        metrics.count(metrics.tickets_sold, len(held))
        seat_map_changed(session.pk)
    logger.info("booking paid", extra={"event": "booking_paid", "booking": booking.reference, "amount": str(amount)})
    return PaymentOutcome(booking=booking, payment=payment, replayed=False)
