"""The locking protocol of the booking engine, written once.

Every service that changes tickets takes its locks through these helpers,
inside ``transaction.atomic()``, in this order, so no two of them can
deadlock:

1. the session row — ``lock_session``: ``FOR KEY SHARE`` for holds, payments
   and cancelling a ticket (any number of them run side by side), ``FOR
   UPDATE`` with ``exclusive=True`` for cancelling the session (it waits for
   them, and they wait for it);
2. the booking row, ``FOR UPDATE`` — ``lock_booking``;
3. its ticket rows, ``FOR UPDATE``, ordered by id — ``lock_tickets``;
   then, settling a payment, that payment's row (``FOR UPDATE``). Refund jobs
   lock a refund row and then its payment's, and take no other lock;
4. the counters (session, buyer) by ``UPDATE ... SET x = x + n`` —
   ``count_sale`` and ``count_refund``, session first; a promo code's uses
   likewise (``booking.prices``: taken last in a hold, given back last when
   a hold is retired).

Skip the steps a service does not need, never change their order. Validate
before locking where you can, re-check what you read after the locks, then
write. Freeing capacity (a lapsed hold) needs no lock of its own.

A seat is taken by inserting a ticket: the partial unique index
``ticket_one_live_per_seat`` is the real guard, no read-then-write check.
A lapsed hold still occupies that index until it is moved to ``expired``:
a hold whose insert the index refused locks the tickets on its seats (step
3), retires the lapsed ones and inserts again, in a new transaction.
"""

from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Greatest

from accounts.models import User
from booking.errors import BookingNotFound
from booking.models import Booking, Ticket
from cinema.db import lock_for_key_share
from scheduling.models import Session


def lock_session(session_id: int, *, exclusive: bool = False) -> Session:
    """Step 1: lock the session and return it as committed now, with its hall
    (without the layout: ``hall_seats`` keeps it parsed), cinema and film.
    ``BookingNotFound`` if there is no such session.

    Shared (``FOR KEY SHARE``, which the ORM cannot express:
    ``cinema.db.lock_for_key_share``) unless ``exclusive``; the row is read
    after the lock is granted, so it shows the last committed change. The
    shared read loads the columns selling needs (``_SELLING_FIELDS``); the
    exclusive one (cancelling the session, which answers with all of it)
    loads every column but the hall's layout."""
    sessions = Session.objects.select_related("hall__cinema", "movie")
    try:
        if exclusive:
            return sessions.defer("hall__layout").select_for_update(of=("self",)).get(pk=session_id)
        if lock_for_key_share(Session, session_id):
            return sessions.only(*_SELLING_FIELDS).get(pk=session_id)
    except Session.DoesNotExist:
        pass
    raise BookingNotFound("Session not found.")


# What holds, payments and ticket cancels read of a session and show in their
# answers: fewer columns make the statement cheaper to build and to run. (A
# field left out would cost a query of its own; the query budget tests notice.)
_SELLING_FIELDS = (
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
    "price_card",
    "hall__name",
    "hall__updated_at",
    "hall__cinema__name",
    "hall__cinema__timezone",
    "hall__cinema__booking_fee",
    "hall__cinema__is_active",
    "movie__title",
    "movie__is_active",
)


def lock_booking(booking_id: int, *, user_id: int | None = None) -> Booking | None:
    """Step 2: the booking, locked (only if it is ``user_id``'s, when given)."""
    bookings = Booking.objects.select_for_update().filter(pk=booking_id)
    if user_id is not None:
        bookings = bookings.filter(user_id=user_id)
    return bookings.first()


def lock_tickets(tickets) -> list[Ticket]:
    """Step 3: the tickets of a queryset, locked in id order (only the ticket
    rows, whatever the queryset joins)."""
    return list(tickets.select_for_update(of=("self",)).order_by("pk"))


def count_sale(*, session_id: int, user_id: int, tickets: int, amount: Decimal) -> None:
    """Step 4 for a sale: the session's seats sold and the buyer's totals and bonus points."""
    Session.objects.filter(pk=session_id).update(
        seats_sold=F("seats_sold") + tickets, seats_available=F("seats_available") - tickets
    )
    User.objects.filter(pk=user_id).update(
        total_spent=F("total_spent") + amount,
        tickets_purchased=F("tickets_purchased") + tickets,
        bonus_points=F("bonus_points") + int(amount // 100),
    )


def count_refund(*, session_id: int, user_id: int, tickets: int, amount: Decimal) -> None:
    """Step 4 for a refund: ``count_sale`` undone (bonus points never below zero)."""
    Session.objects.filter(pk=session_id).update(
        seats_sold=F("seats_sold") - tickets, seats_available=F("seats_available") + tickets
    )
    User.objects.filter(pk=user_id).update(
        total_spent=F("total_spent") - amount,
        tickets_purchased=F("tickets_purchased") - tickets,
        bonus_points=Greatest(F("bonus_points") - int(amount // 100), 0),
    )
