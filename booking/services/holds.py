"""Holding seats: every requested seat of one session, or none."""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from booking import metrics, tokens
from booking.errors import SalesClosed, SeatUnavailable
from booking.models import LIVE_STATUSES, Booking, Ticket, TicketStatus
from booking.prices import hold_prices, promo_for_hold, promo_use_take
from booking.selectors import seat_map_changed
from booking.services._locks import lock_session, lock_tickets
from cinema.errors import ValidationFailed
from pricing.models import PromoCode
from scheduling.models import Session, SessionStatus
from venues.layout import describe_seats, hall_seats

logger = logging.getLogger("booking")

# No 0/O, 1/I: read aloud at a box office. 32 letters: a random byte picks each equally often.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code(length: int) -> str:
    """``length`` letters of ``_ALPHABET``, from one read of the system's
    random source (``secrets.choice`` reads it once per letter)."""
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in secrets.token_bytes(length))


def sales_problem(session: Session, now=None) -> str | None:
    """Why this session cannot be sold now, or ``None`` if it can."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        return "The session has been cancelled."
    if not session.movie.is_active or not session.hall.cinema.is_active:  # withdrawn from the listings
        return "This session is not on sale."
    if session.status == SessionStatus.FINISHED or session.starts_at <= now:
        return "The session has already started."
    if session.status == SessionStatus.SCHEDULED:
        return "Sales for this session have not opened yet."
    if session.sales_open_at and now < session.sales_open_at:
        return f"Sales open at {session.sales_open_at.isoformat()}."
    if now >= session.effective_sales_close():
        return "Sales for this session have closed."
    return None


def ticket_hold(
    *,
    user: User,
    session_id: int,
    seats: list[tuple[int, int]],
    ticket_types: list[str | None] | None = None,
    promo_code: str | None = None,
) -> Booking:
    """Hold every requested seat of one session for BOOKING_HOLD_MINUTES, or none.

    Raises ``SeatUnavailable`` (409) naming every requested seat that is
    not free, ``SalesClosed`` (409) when the session is not on sale, and
    ``ValidationFailed`` (400) for unknown, blocked or duplicate seats.

    ``ticket_types``: a code per seat (``None``: adult); a type the session's
    price card does not sell is ``TicketTypeNotOffered`` (400). ``promo_code``:
    its discount on each ticket it applies to and one use counted, exactly
    (``PromoInvalid``, 400, says why not). Each ticket also carries the
    cinema's booking fee; its ``price`` is what the customer pays for it.
    """
    if not seats:
        raise ValidationFailed("Choose at least one seat.", fields={"seats": ["Choose at least one seat."]})
    if len(seats) > settings.BOOKING_MAX_SEATS:
        message = f"At most {settings.BOOKING_MAX_SEATS} seats per booking."
        raise ValidationFailed(message, fields={"seats": [message]})
    if len(set(seats)) != len(seats):
        raise ValidationFailed("A seat is listed twice.", fields={"seats": ["A seat is listed twice."]})
    type_of = dict(zip(seats, ticket_types or [None] * len(seats), strict=True))
    # Every hold inserts its seats in the same order (row, seat): two holds that
    # want overlapping seats then queue on the first shared one instead of
    # deadlocking on each other's index entries.
    seats = sorted(seats)

    now = timezone.now()
    promo = promo_for_hold(code=promo_code, now=now) if promo_code else None
    wanted = Wanted(seats, [type_of[seat] for seat in seats], promo)
    try:
        try:
            # Most holds want free seats: insert at once, and let the unique
            # index refuse a seat that still has a ticket on it.
            with transaction.atomic():
                booking, tickets = _hold(user, session_id, wanted, now, look_first=False)
        except IntegrityError:
            # A ticket is on one of these seats (sold, held, or a lapsed hold
            # not yet retired), and the transaction is undone: look at them
            # this time, under their locks, and try once more.
            with transaction.atomic():
                booking, tickets = _hold(user, session_id, wanted, now, look_first=True)
    except IntegrityError:
        # Someone took a seat between our look and our insert: name the seats now taken.
        taken = list(
            Ticket.objects.filter(session_id=session_id).filter(_on_seats(seats)).live(now).values_list("row", "seat")
        )
        raise _taken_error(taken) from None
    booking.ticket_list = tickets  # the caller shows them without reading them back
    logger.info("hold created", extra={"event": "hold_created", "booking": booking.reference, "seats": len(seats)})
    return booking


def _on_seats(seats: list[tuple[int, int]]) -> Q:
    found = Q()
    for row, number in seats:
        found |= Q(row=row, seat=number)
    return found


@dataclass(frozen=True)
class Wanted:
    """What a hold asks for: seats in (row, seat) order, a ticket type code
    for each (``None``: adult), and the promo code to apply."""

    seats: list[tuple[int, int]]
    ticket_types: list[str | None]
    promo: PromoCode | None


def _hold(user: User, session_id: int, wanted: Wanted, now, *, look_first: bool) -> tuple[Booking, list[Ticket]]:
    seats = wanted.seats
    _commit_without_waiting_for_disk()
    session = lock_session(session_id)
    problem = sales_problem(session, now)
    if problem:
        raise SalesClosed(problem)

    layout = hall_seats(session.hall)
    unknown = [seat for seat in seats if seat not in layout]
    if unknown:
        raise _seats_refused(unknown, "unknown_seat", "No such seat in this hall: {}.", "No such seat: {}.")
    blocked = [seat for seat in seats if layout[seat].blocked]
    if blocked:
        raise _seats_refused(blocked, "seat_blocked", "These seats are not for sale: {}.", "Not for sale: {}.")

    prices = hold_prices(
        session=session,
        categories=[layout[seat].category for seat in seats],
        ticket_types=wanted.ticket_types,
        booking_fee=session.hall.cinema.booking_fee,
        promo=wanted.promo,
        now=now,
    )
    if look_first:
        _clear_seats(session_id, seats, now)

    reserved_until = now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES)
    booking = Booking.objects.create(
        reference=_code(8),
        user_id=user.pk,
        session=session,
        total=sum((price.price for price in prices), Decimal("0")),
        currency=session.currency,
        reserved_until=reserved_until,
        promo_code=wanted.promo,
    )
    tickets = Ticket.objects.bulk_create(
        Ticket(
            number=f"{booking.reference}-{index}",
            booking=booking,
            user_id=user.pk,
            session=session,
            row=row,
            seat=number,
            category=layout[(row, number)].category,
            ticket_type=price.ticket_type,
            price=price.price,
            discount=price.discount,
            fee=price.fee,
            status=TicketStatus.RESERVED,
            reserved_until=reserved_until,
            qr_secret=tokens.new_qr_secret(),
        )
        for index, ((row, number), price) in enumerate(zip(seats, prices, strict=True), start=1)
    )
    if wanted.promo is not None:
        # A counter: the last step of the locking protocol (refunds give uses
        # back in the same place), after the seats are taken.
        promo_use_take(promo=wanted.promo, user_id=user.pk, now=now, booking_id=booking.pk)
    metrics.count(metrics.holds_created)
    seat_map_changed(session.pk)
    metrics.count(metrics.seats_held, len(seats))
    return booking, tickets


def _clear_seats(session_id: int, seats: list[tuple[int, int]], now) -> None:
    """The tickets still on these seats, locked like every other writer of
    tickets locks them. A live one refuses the hold (``SeatUnavailable``); a
    lapsed hold frees its seat at once and is retired here, before the seat
    is taken again."""
    occupying = lock_tickets(
        Ticket.objects.filter(session_id=session_id, status__in=LIVE_STATUSES)
        .filter(_on_seats(seats))
        .only("id", "row", "seat", "status", "reserved_until")
    )
    lapsed = [t.pk for t in occupying if t.status == TicketStatus.RESERVED and t.reserved_until <= now]
    taken = [(t.row, t.seat) for t in occupying if t.pk not in lapsed]
    if taken:
        raise _taken_error(taken)
    if lapsed:
        Ticket.objects.filter(pk__in=lapsed).update(status=TicketStatus.EXPIRED, updated_at=now)
        metrics.count(metrics.holds_expired, len(lapsed))


def _commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, unless BOOKING_HOLDS_WAIT_FOR_DISK: this transaction's
    commit returns before its WAL reaches the disk (``SET LOCAL``: this
    transaction only). A crash in that moment can lose the last holds — the
    customer sees the seat free again and holds it anew — but never a
    payment: a payment's commit waits for the disk and flushes every hold
    written before it. Holds are the busiest write of a premiere, and waiting
    for the disk dominated their commit (figures in docs/PERFORMANCE.md)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and not settings.BOOKING_HOLDS_WAIT_FOR_DISK:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _seats_refused(seats, code: str, message: str, field_message: str) -> ValidationFailed:
    names, details = describe_seats(seats)
    return ValidationFailed(
        message.format(names), code=code, fields={"seats": [field_message.format(names)]}, extra={"seats": details}
    )


def _taken_error(taken: list[tuple[int, int]]) -> SeatUnavailable:
    if not taken:
        return SeatUnavailable("Some of the seats were just taken.")
    names, details = describe_seats(taken)
    return SeatUnavailable(f"These seats are not free: {names}.", extra={"seats": details})
