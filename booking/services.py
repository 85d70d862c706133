"""The booking engine: holds, payment, cancellation and refunds, check-in.

Locking protocol (every service here follows it, so no two can deadlock):

1. the session row, ``FOR KEY SHARE`` (holds and payments; they run side by
   side) or ``FOR UPDATE`` (cancelling the session: waits for them, and they
   wait for it);
2. the booking row, ``FOR UPDATE``;
3. its ticket rows, ``FOR UPDATE``, ordered by id;
4. counters (session, user) by ``UPDATE … SET x = x + n``.

A seat is taken by inserting a ticket: the partial unique index
``ticket_one_live_per_seat`` is the real guard, no read-then-write check.
A lapsed hold still occupies that index until it is moved to ``expired``,
which the hold does for the seats it wants, in its own transaction.

Holds and payments run hand-written statements (``cinema.db``), sent to
PostgreSQL in batches (``pipeline``): the steps above travel together, and
the writes together with ``COMMIT``. PostgreSQL runs a batch's statements one
after another, in order, each with its own snapshot, so the protocol is the
same as if they were sent one by one.
"""

import functools
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.authentication import ACCOUNT_STATE_SQL, account_params, check_account
from accounts.models import User
from booking import metrics, tokens
from booking.errors import (
    AlreadyCheckedIn,
    AlreadyPaid,
    BookingNotFound,
    HoldExpired,
    IdempotencyKeyReused,
    InvalidTicketToken,
    RefundNotAllowed,
    SalesClosed,
    SeatUnavailable,
    TicketNotUsable,
)
from booking.models import (
    LIVE_STATUSES,
    Booking,
    BookingStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    Ticket,
    TicketStatus,
)
from booking.payments import get_gateway
from booking.selectors import seat_map_changed
from catalog.models import Movie
from cinema.db import columns, commit_with_batch, execute, insert, insert_with_parent, load, lock_clause, pipeline
from cinema.errors import ValidationFailed
from scheduling.models import Session, SessionStatus
from venues.layout import describe_seats, hall_seats
from venues.models import Cinema, Hall

logger = logging.getLogger("booking")

# No 0/O, 1/I: read aloud at a box office. 32 letters: a random byte picks each equally often.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def notifications():
    """The customer's messages (``notifications.services``): that app reads
    bookings to write them, so it is imported when called, not at import time."""
    from notifications import services

    return services


def _code(length: int) -> str:
    """``length`` letters of ``_ALPHABET``, from one read of the system's
    random source (``secrets.choice`` reads it once per letter)."""
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in secrets.token_bytes(length))


_SESSION_FIELDS = (
    "status",
    "starts_at",
    "ends_at",
    "sales_open_at",
    "sales_close_at",
    "base_price",
    "premium_price",
    "vip_price",
    "love_price",
    "wheelchair_price",
    "currency",
    "hall_id",
    "movie_id",
    "capacity",
    "seats_sold",
)
_SESSION_NAMES = ["id", *(Session._meta.get_field(name).attname for name in _SESSION_FIELDS)]


def _lock_sql(clause: str, session_id: str = "%s", *, account: bool = False) -> str:
    """The session lock; with ``account``, the buyer's account state as a last
    column (its params, ``account_params``, come before the session's)."""
    return f"""
        SELECT {columns(Session, _SESSION_NAMES, "s")},
               h.name, h.updated_at, c.id, c.name, c.timezone, m.title{", " + ACCOUNT_STATE_SQL if account else ""}
        FROM scheduling_session s
        JOIN venues_hall h ON h.id = s.hall_id
        JOIN venues_cinema c ON c.id = h.cinema_id
        JOIN catalog_movie m ON m.id = s.movie_id
        WHERE s.id = {session_id}{lock_clause(clause)}"""


def _lock_session(session_id: int, *, exclusive: bool = False) -> Session:
    """Step 1 of the protocol. Returns the session as committed now, with its
    hall, cinema and film: the columns the engine and its answers use (not
    the layout: ``hall_seats`` keeps it parsed, by the hall's ``updated_at``).

    One hand-written statement: Django has no ``FOR KEY SHARE``, and this is
    the hottest query of a premiere (compiling it through the ORM cost more
    than running it)."""
    with connection.cursor() as cursor:
        cursor.execute(_session_lock_sql(exclusive), [session_id])
        return _session_from_row(cursor.fetchone())


def _session_lock_sql(exclusive: bool = False, *, account: bool = False) -> str:
    return _session_lock_sql_for(connection.vendor, exclusive, account)


@functools.cache
def _session_lock_sql_for(vendor: str, exclusive: bool, account: bool) -> str:  # written once per database vendor
    return _lock_sql("FOR UPDATE OF s" if exclusive else "FOR KEY SHARE OF s", account=account)


def _session_from_row(row) -> Session:
    if row is None:
        raise BookingNotFound("Session not found.")
    session = load(Session, _SESSION_NAMES, row)
    hall_name, hall_updated, cinema_id, cinema_name, tz, title = row[len(_SESSION_NAMES) : len(_SESSION_NAMES) + 6]
    session.hall = load(
        Hall, ["id", "cinema_id", "name", "updated_at"], [session.hall_id, cinema_id, hall_name, hall_updated]
    )
    session.hall.cinema = load(Cinema, ["id", "name", "timezone"], [cinema_id, cinema_name, tz])
    session.movie = load(Movie, ["id", "title"], [session.movie_id, title])
    return session


def sales_problem(session: Session, now=None) -> str | None:
    """Why this session cannot be sold now, or ``None`` if it can."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED:
        return "The session has been cancelled."
    if session.status == SessionStatus.FINISHED or session.starts_at <= now:
        return "The session has already started."
    if session.status == SessionStatus.SCHEDULED:
        return "Sales for this session have not opened yet."
    if session.sales_open_at and now < session.sales_open_at:
        return f"Sales open at {session.sales_open_at.isoformat()}."
    if now >= session.effective_sales_close():
        return "Sales for this session have closed."
    return None


# --- Hold ------------------------------------------------------------------


def ticket_hold(*, user: User, session_id: int, seats: list[tuple[int, int]]) -> Booking:
    """Hold every requested seat of one session for BOOKING_HOLD_MINUTES, or none.

    ``user`` is the buyer: a ``User``, or the token user of a request (only
    its id and token are used; the account is checked here, ``AccountUnusable``, 401).
    Raises ``SeatUnavailable`` (409) naming every requested seat that is
    not free, ``SalesClosed`` (409) when the session is not on sale, and
    ``ValidationFailed`` (400) for unknown, blocked or duplicate seats.
    """
    if not seats:
        raise ValidationFailed("Choose at least one seat.", fields={"seats": ["Choose at least one seat."]})
    if len(seats) > settings.BOOKING_MAX_SEATS:
        message = f"At most {settings.BOOKING_MAX_SEATS} seats per booking."
        raise ValidationFailed(message, fields={"seats": [message]})
    if len(set(seats)) != len(seats):
        raise ValidationFailed("A seat is listed twice.", fields={"seats": ["A seat is listed twice."]})
    # Every hold touches seats in the same order (row, seat): two holds that
    # want overlapping seats then queue on the first shared one instead of
    # deadlocking on each other's index entries.
    seats = sorted(seats)

    now = timezone.now()
    try:
        with transaction.atomic():
            booking, tickets = _hold(user, session_id, seats, now)
    except IntegrityError:
        # Someone took a seat between our look and our insert (the unique index
        # refused it, and the transaction is undone): name the seats now taken.
        seat_q = Q()
        for row, number in seats:
            seat_q |= Q(row=row, seat=number)
        taken = list(Ticket.objects.filter(session_id=session_id).filter(seat_q).live(now).values_list("row", "seat"))
        raise _taken_error(taken) from None
    booking.ticket_list = tickets  # the caller shows them without reading them back
    logger.info("hold created", extra={"event": "hold_created", "booking": booking.reference, "seats": len(seats)})
    return booking


_OCCUPYING_NAMES = ["id", "row", "seat", "status", "reserved_until"]


@functools.cache
def _occupying_sql(vendor: str, seats: int) -> str:
    """The live tickets on ``seats`` requested seats, locked in id order (one text per vendor and count)."""
    return f"""SELECT {columns(Ticket, _OCCUPYING_NAMES, "t")} FROM booking_ticket t
        WHERE t.session_id = %s AND t.status IN (%s, %s, %s)
          AND ({" OR ".join(["(t.row = %s AND t.seat = %s)"] * seats)})
        ORDER BY t.id{lock_clause("FOR UPDATE")}"""


def _hold(user: User, session_id: int, seats: list[tuple[int, int]], now) -> tuple[Booking, list[Ticket]]:
    connection = connections[DEFAULT_DB_ALIAS]  # once: each use of the proxy looks it up
    # Step 1 (with the buyer's account) and one look at the tickets on these
    # seats, sent together; the tickets are locked in id order like every other
    # writer of tickets does. A live one refuses the hold; a lapsed hold frees
    # its seat at once and is retired before the seat is taken.
    with connection.cursor() as c_session, connection.cursor() as c_seats:
        with pipeline():
            c_session.execute(_session_lock_sql(account=True), [*account_params(user), session_id])
            c_seats.execute(
                _occupying_sql(connection.vendor, len(seats)),
                [session_id, *LIVE_STATUSES, *(n for seat in seats for n in seat)],
            )
        session_row = c_session.fetchone()
        occupying = [load(Ticket, _OCCUPYING_NAMES, row) for row in c_seats.fetchall()]
    session = _session_from_row(session_row)
    check_account(session_row[-1])
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
    lapsed = [t.pk for t in occupying if t.status == TicketStatus.RESERVED and t.reserved_until <= now]
    taken = [(t.row, t.seat) for t in occupying if t.pk not in lapsed]
    if taken:
        raise _taken_error(taken)
    if lapsed:
        execute(
            f"UPDATE booking_ticket SET status = %s, updated_at = %s WHERE id IN ({', '.join(['%s'] * len(lapsed))})",
            [TicketStatus.EXPIRED, connection.ops.adapt_datetimefield_value(now), *lapsed],
        )
        metrics.count(metrics.holds_expired, len(lapsed))

    reserved_until = now + timedelta(minutes=settings.BOOKING_HOLD_MINUTES)
    prices = [session.price_for(layout[seat].category) for seat in seats]
    booking = Booking(
        reference=_code(8),
        user_id=user.pk,
        session=session,
        total=sum(prices, Decimal("0")),
        currency=session.currency,
        reserved_until=reserved_until,
    )
    tickets = [
        Ticket(
            number=f"{booking.reference}-{index}",
            booking=booking,
            user_id=user.pk,
            session=session,
            row=row,
            seat=number,
            category=layout[(row, number)].category,
            price=price,
            status=TicketStatus.RESERVED,
            reserved_until=reserved_until,
            qr_secret=tokens.new_qr_secret(),
        )
        for index, ((row, number), price) in enumerate(zip(seats, prices, strict=True), start=1)
    ]
    # The booking and its tickets (one statement on PostgreSQL) and the commit,
    # in one round trip.
    with pipeline():
        written = insert_with_parent(booking, tickets, link="booking_id", unique="reference")
        commit_with_batch(wait_for_disk=settings.BOOKING_HOLDS_WAIT_FOR_DISK)
    written()
    for ticket in tickets:
        ticket.booking = booking
    metrics.count(metrics.holds_created)
    seat_map_changed(session.pk, seats_freed=False)
    metrics.count(metrics.seats_held, len(seats))
    return booking, tickets


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


# --- Payment ----------------------------------------------------------------


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


def _replay(payment: Payment) -> PaymentOutcome:
    """The stored outcome of an earlier request with the same key."""
    booking = Booking.objects.select_related("session").get(pk=payment.booking_id)
    return PaymentOutcome(booking=booking, payment=payment, replayed=True)


_BOOKING_NAMES = [f.attname for f in Booking._meta.concrete_fields]
_TICKET_NAMES = [f.attname for f in Ticket._meta.concrete_fields]


# How a payment names its booking: by id, or by one of the customer's tickets
# (``POST /tickets/{id}/pay/``), found in the same round trip that takes the locks.
_OF_TICKET = "(SELECT {} FROM booking_ticket WHERE id = %s AND user_id = %s)"


@functools.cache
def _pay_statements(vendor: str, by_ticket: bool) -> dict[str, str]:
    """The payment's statements, written once per database vendor (the lock
    clauses differ): the ORM's compile cost more than running them."""
    booking_id = _OF_TICKET.format("booking_id") if by_ticket else "%s"
    return {
        # Step 1.
        "session": _lock_sql(
            "FOR KEY SHARE OF s", _OF_TICKET.format("session_id") if by_ticket else "%s", account=True
        ),
        # Step 2.
        "booking": f"""
            SELECT {columns(Booking, _BOOKING_NAMES, "b")} FROM booking_booking b
            WHERE b.id = {booking_id} AND b.user_id = %s{lock_clause("FOR UPDATE")}""",
        # Step 3, with the idempotency record (at most one: the key is unique per
        # user) read in the same statement, after the booking lock: a request with
        # the same key that held the lock before us is visible only to a later
        # statement than the one that waited for it.
        "tickets": f"""
            SELECT {columns(Ticket, _TICKET_NAMES, "t")}, r.id, r.request_fingerprint FROM booking_ticket t
            LEFT JOIN booking_payment r ON r.user_id = %s AND r.idempotency_key = %s AND r.kind = %s
            WHERE t.booking_id = {booking_id} AND t.user_id = %s ORDER BY t.id{lock_clause("FOR UPDATE OF t")}""",
        "tickets_paid": """
            UPDATE booking_ticket SET status = %s, paid_at = %s, reserved_until = NULL,
                payment_method = %s, payment_reference = %s, updated_at = %s
            WHERE booking_id = %s AND status = %s""",
        "booking_paid": """
            UPDATE booking_booking SET status = %s, total = %s, paid_at = %s,
                payment_method = %s, payment_reference = %s, updated_at = %s
            WHERE id = %s""",
        # Step 4: counters.
        "session_sold": """
            UPDATE scheduling_session SET seats_sold = seats_sold + %s, seats_available = seats_available - %s
            WHERE id = %s""",
        "user_spent": """
            UPDATE accounts_user SET total_spent = total_spent + %s, tickets_purchased = tickets_purchased + %s,
                bonus_points = bonus_points + %s
            WHERE id = %s""",
    }


def booking_pay(
    *, user: User, booking: Booking, idempotency_key: str, method: str, card_number: str = ""
) -> PaymentOutcome:
    """Charge a held booking (its id and session are used) once. A decline is
    recorded and returned (the hold stays). ``user`` as for ``ticket_hold``.

    The same ``idempotency_key`` returns the first outcome again; concurrent
    calls wait on the booking lock, so money is taken at most once (and the
    database allows one approved charge per booking).
    """
    return _pay(user, [booking.pk], [booking.session_id], idempotency_key, method, card_number)


def ticket_pay(
    *, user: User, ticket_id: int, idempotency_key: str, method: str, card_number: str = ""
) -> PaymentOutcome:
    """``booking_pay`` for the booking of one of the user's tickets; ``BookingNotFound`` if it is not theirs."""
    return _pay(user, [ticket_id, user.pk], None, idempotency_key, method, card_number)


def _pay(user, booking_key, session_key, idempotency_key, method, card_number) -> PaymentOutcome:
    connection = connections[DEFAULT_DB_ALIAS]  # once: each use of the proxy looks it up
    by_ticket = session_key is None
    sql = _pay_statements(connection.vendor, by_ticket)
    prep = connection.ops
    with transaction.atomic():
        # Steps 1–3 of the protocol and the idempotency record, sent together:
        # PostgreSQL runs them in this order, so the record is read after the
        # booking lock (a request with the same key that held it is seen).
        with connection.cursor() as c_session, connection.cursor() as c_booking, connection.cursor() as c_tickets:
            with pipeline():
                c_session.execute(sql["session"], [*account_params(user), *(booking_key if by_ticket else session_key)])
                c_booking.execute(sql["booking"], [*booking_key, user.pk])
                c_tickets.execute(sql["tickets"], [user.pk, idempotency_key, PaymentKind.CHARGE, *booking_key, user.pk])
            session_row, row, ticket_rows = c_session.fetchone(), c_booking.fetchone(), c_tickets.fetchall()
        tickets = [load(Ticket, _TICKET_NAMES, r) for r in ticket_rows]
        replayed_id, replayed_fingerprint = ticket_rows[0][-2:] if ticket_rows else (None, None)
        if by_ticket and session_row is None:
            raise BookingNotFound("Ticket not found.")
        session = _session_from_row(session_row)
        check_account(session_row[-1])
        if row is None:
            raise BookingNotFound("Booking not found.")
        if not idempotency_key or len(idempotency_key) > 255:  # after "not found": not yours is 404 either way
            raise ValidationFailed(
                "An Idempotency-Key header (1–255 characters) is required.", code="idempotency_key_required"
            )
        booking = load(Booking, _BOOKING_NAMES, row)
        fingerprint = _fingerprint(booking.pk, method, card_number)
        if replayed_id is not None:
            if replayed_fingerprint != fingerprint:
                raise IdempotencyKeyReused("This Idempotency-Key was used for a different payment request.")
            return _replay(Payment.objects.get(pk=replayed_id))
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
            insert([payment])
            logger.info("payment declined", extra={"event": "payment_declined", "booking": booking.reference})
            return PaymentOutcome(booking=booking, payment=payment, replayed=False)

        at, total, sold = prep.adapt_datetimefield_value(now), prep.adapt_decimalfield_value(amount), len(held)
        # The writes in protocol order, then the payment (one statement on
        # PostgreSQL), and the commit: one round trip. Every row they update is
        # locked above or exists for sure, so none matches no row.
        with pipeline():
            payment_written = insert(
                [payment],
                after=[
                    (
                        sql["tickets_paid"],
                        [TicketStatus.PAID, at, method, result.reference, at, booking.pk, TicketStatus.RESERVED],
                    ),
                    (sql["booking_paid"], [BookingStatus.PAID, total, at, method, result.reference, at, booking.pk]),
                    (sql["session_sold"], [sold, sold, session.pk]),
                    (sql["user_spent"], [total, sold, int(amount // 100), user.pk]),
                ],
                later=True,
            )
            notifications().notify_booking_paid(booking=booking)
            commit_with_batch()
        payment_written()
        paid = {
            "status": TicketStatus.PAID,
            "paid_at": now,
            "reserved_until": None,
            "payment_method": method,
            "payment_reference": result.reference,
            "updated_at": now,
        }
        for ticket in held:
            vars(ticket).update(paid)
        for ticket in tickets:
            ticket.session, ticket.booking = session, booking
        booking.ticket_list = tickets
        vars(booking).update(
            status=BookingStatus.PAID,
            total=amount,
            paid_at=now,
            payment_method=method,
            payment_reference=result.reference,
            updated_at=now,
        )
        metrics.count(metrics.tickets_sold, sold)
        seat_map_changed(session.pk, seats_freed=False)
    logger.info("booking paid", extra={"event": "booking_paid", "booking": booking.reference, "amount": str(amount)})
    return PaymentOutcome(booking=booking, payment=payment, replayed=False)


# --- Cancellation and refunds -----------------------------------------------


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
            user=ticket.user,
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
        count = len(tickets)
        Session.objects.filter(pk=booking.session_id).update(
            seats_sold=F("seats_sold") - count, seats_available=F("seats_available") + count
        )
        User.objects.filter(pk=booking.user_id).update(
            total_spent=F("total_spent") - refunded,
            tickets_purchased=F("tickets_purchased") - count,
            bonus_points=Greatest(F("bonus_points") - int(refunded // 100), 0),
        )
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
        session = _lock_session(ticket.session_id)
        booking = Booking.objects.select_for_update().get(pk=ticket.booking_id)
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
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
        session = _lock_session(session.pk, exclusive=True)
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
            paid = list(booking.tickets.select_for_update().filter(status=TicketStatus.PAID).order_by("pk"))
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


# --- Expiry -------------------------------------------------------------------


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


# --- Door check-in ------------------------------------------------------------


def ticket_check_in(*, payload: str, by: User) -> Ticket:
    """Admit the holder of a QR payload once; refusals say why."""
    parsed = tokens.read_ticket_token(payload)
    if parsed is None:
        raise InvalidTicketToken("This is not a genuine ticket code.")
    ticket_id, secret = parsed
    now = timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("session__movie", "session__hall__cinema")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None or not secrets.compare_digest(ticket.qr_secret, secret):
            raise InvalidTicketToken("This ticket code has been revoked or is not genuine.")
        if ticket.status == TicketStatus.USED:
            raise AlreadyCheckedIn(
                f"Already checked in at {ticket.checked_in_at.isoformat()}.",
                extra={"checked_in_at": ticket.checked_in_at.isoformat()},
            )
        if ticket.status != TicketStatus.PAID:
            raise TicketNotUsable(
                f"The ticket is {ticket.get_status_display().lower()}, not paid.", extra={"status": ticket.status}
            )
        session = ticket.session
        if session.status == SessionStatus.CANCELLED:
            raise TicketNotUsable("The session was cancelled.", extra={"status": "session_cancelled"})
        opens = session.starts_at - timedelta(minutes=settings.CHECKIN_OPENS_MINUTES)
        if now < opens:
            raise TicketNotUsable(
                f"Check-in opens at {opens.isoformat()}.", code="too_early", extra={"opens_at": opens.isoformat()}
            )
        if now > session.ends_at:
            raise TicketNotUsable(
                "The session is over.", code="too_late", extra={"ended_at": session.ends_at.isoformat()}
            )
        ticket.status = TicketStatus.USED
        ticket.checked_in_at = now
        ticket.checked_in_by = by
        ticket.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
        metrics.count(metrics.check_ins)
    logger.info("ticket checked in", extra={"event": "ticket_checked_in", "ticket": ticket.number})
    return ticket


def ticket_revoke_qr(*, ticket: Ticket) -> Ticket:
    """Issue a new QR secret: every earlier copy of the code stops working."""
    ticket.qr_secret = tokens.new_qr_secret()
    ticket.save(update_fields=["qr_secret", "updated_at"])
    return ticket
