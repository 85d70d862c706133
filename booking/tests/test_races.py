"""Races on PostgreSQL with real threads, each on its own database connection."""

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from booking import services
from booking.models import Booking, Payment, Ticket, TicketStatus
from booking.tokens import make_ticket_token
from cinema.errors import ApplicationError
from conftest import make_user
from scheduling.models import Session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers):
    """Start every callable at the same instant; return what each returned or raised."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


def test_fifty_buyers_racing_for_overlapping_seats_never_share_a_seat(session):
    rng = random.Random(7)
    buyers = [make_user(f"buyer{i}@example.com") for i in range(50)]
    seats = [(r, s) for r in range(2, 4) for s in range(1, 7)]  # 12 hot seats

    def attempt(user, wanted):
        return lambda: services.ticket_hold(user=user, session_id=session.pk, seats=wanted)

    results = race([attempt(u, rng.sample(seats, k=rng.randint(1, 4))) for u in buyers])
    winners = [r for r in results if isinstance(r, Booking)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert winners and errors
    assert all(isinstance(e, services.SeatUnavailable) for e in errors), errors
    live = Ticket.objects.filter(session=session).live().values_list("row", "seat")
    assert max(Counter(live).values()) == 1  # every seat held at most once
    assert len(live) == sum(w.tickets.count() for w in winners)


def test_concurrent_pays_of_one_booking_take_money_once(session):
    user = make_user("payer@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 2), (2, 3)])

    def pay(key):
        return lambda: services.booking_pay(
            user=user, booking=booking, idempotency_key=key, method="card", card_number="4242424242424242"
        )

    results = race([pay(f"key-{i}") for i in range(8)] + [pay("same")] * 4)
    approved = Payment.objects.filter(booking=booking, kind="charge", status="approved")
    assert approved.count() == 1
    assert all(not isinstance(r, Exception) or isinstance(r, ApplicationError) for r in results), results
    session.refresh_from_db()
    user.refresh_from_db()
    assert session.seats_sold == 2 and user.tickets_purchased == 2


def test_hold_expiry_and_pay_racing_end_consistent(session):
    user = make_user("late@example.com")
    rival = make_user("rival@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 2)])
    lapse = timezone.now() + timedelta(milliseconds=200)
    Ticket.objects.filter(booking=booking).update(reserved_until=lapse)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=lapse)

    results = race(
        [
            lambda: services.booking_pay(
                user=user, booking=booking, idempotency_key="p", method="card", card_number="4242424242424242"
            ),
            lambda: services.holds_expire(now=lapse + timedelta(seconds=1)),
            lambda: services.ticket_hold(user=rival, session_id=session.pk, seats=[(2, 2)]),
        ]
    )
    assert not any(isinstance(r, Exception) and not isinstance(r, ApplicationError) for r in results), results
    live = list(Ticket.objects.filter(session=session, row=2, seat=2).live())
    assert len(live) <= 1
    paid = Ticket.objects.filter(booking=booking, status=TicketStatus.PAID).exists()
    session.refresh_from_db()
    assert session.seats_sold == (1 if paid else 0)


def test_two_scanners_admit_a_ticket_once(session, manager):
    user = make_user("viewer@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 2)])
    services.booking_pay(user=user, booking=booking, idempotency_key="v", method="card", card_number="4242")
    start = timezone.now() + timedelta(minutes=20)
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3), busy_until=start + timedelta(hours=3, minutes=15)
    )
    payload = make_ticket_token(booking.tickets.get())
    results = race([lambda: services.ticket_check_in(payload=payload, by=manager)] * 2)
    assert sum(isinstance(r, Ticket) for r in results) == 1
    assert sum(isinstance(r, services.AlreadyCheckedIn) for r in results) == 1


def test_session_cancel_racing_holds_leaves_no_live_ticket(session):
    buyers = [make_user(f"b{i}@example.com") for i in range(10)]

    def hold(user, seat):
        return lambda: services.ticket_hold(user=user, session_id=session.pk, seats=[seat])

    work = [hold(u, (3, i + 1 if i < 6 else 1)) for i, u in enumerate(buyers)]
    work.append(lambda: services.session_cancel(session=session, by=None, reason="race"))
    results = race(work)
    assert not any(isinstance(r, Exception) and not isinstance(r, ApplicationError) for r in results), results
    assert not Ticket.objects.filter(session=session).live().exists()


def test_a_payment_takes_the_session_counter_before_the_buyers(session):
    """The payment's writes travel as one statement; the protocol's order (session,
    then user) still holds: while another transaction holds the session row, the
    payment waits there and has not touched the buyer's row."""
    import psycopg

    user = make_user("ordered@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 4)])
    params = {k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")}
    blocker = psycopg.connect(**params)
    blocker.execute("SELECT 1 FROM scheduling_session WHERE id = %s FOR NO KEY UPDATE", [session.pk])
    outcome = []

    def pay():
        try:
            outcome.append(
                services.booking_pay(
                    user=user, booking=booking, idempotency_key="o", method="card", card_number="4242424242424242"
                )
            )
        finally:
            connection.close()

    thread = threading.Thread(target=pay)
    thread.start()
    try:
        with psycopg.connect(**params, autocommit=True) as probe:
            waiting = """SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()"""
            for _ in range(1_000_000):  # PostgreSQL says when the payment waits: no sleeping
                if probe.execute(waiting).fetchone()[0]:
                    break
                assert thread.is_alive(), "the payment finished without waiting for the session row"
            else:
                pytest.fail("the payment never waited for the session row")
            with probe.transaction():
                probe.execute("SELECT 1 FROM accounts_user WHERE id = %s FOR NO KEY UPDATE NOWAIT", [user.pk])  # free
    finally:
        blocker.rollback()
        blocker.close()
        thread.join(timeout=60)
    assert outcome and outcome[0].approved
    user.refresh_from_db()
    session.refresh_from_db()
    assert user.tickets_purchased == 1 and session.seats_sold == 1
