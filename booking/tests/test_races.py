"""Races on PostgreSQL with real threads, each on its own database connection."""

import random
import threading
from collections import Counter
from datetime import timedelta
from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from booking import services
from booking.errors import PaymentInProgress
from booking.models import Booking, Payment, Ticket, TicketStatus
from booking.providers import get_provider
from booking.providers.fake.models import FakePspPayment
from booking.providers.fake.provider import pay_on_page
from booking.services import payments as payment_flow
from booking.tokens import make_ticket_token
from cinema.errors import ApplicationError
from conftest import make_user, pay_booking
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


def test_concurrent_pays_of_one_booking_reach_the_provider_once_and_charge_once(session):
    user = make_user("payer@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 2), (2, 3)])
    ticket = booking.tickets.order_by("pk").first()

    def start(key):
        return lambda: payment_flow.ticket_pay(user=user, ticket_id=ticket.pk, idempotency_key=key)

    results = race([start(f"key-{i}") for i in range(8)] + [start("same")] * 4)
    assert all(not isinstance(r, Exception) or isinstance(r, ApplicationError) for r in results), results
    assert FakePspPayment.objects.count() == 1 and Payment.objects.filter(booking=booking).count() == 1
    started = {r.payment.pk for r in results if not isinstance(r, Exception)}
    assert len(started) == 1
    assert all(isinstance(r, PaymentInProgress) for r in results if isinstance(r, Exception))

    # Its webhook, delivered twice at once: one charge, counted once.
    payment = Payment.objects.get()
    pay_on_page(FakePspPayment.objects.get(), card_number="4242424242424242")
    answer = get_provider().get_payment(payment.provider_reference)
    race([lambda: payment_flow.payment_settle(payment_id=payment.pk, answer=answer)] * 2)
    session.refresh_from_db()
    user.refresh_from_db()
    assert session.seats_sold == 2 and user.tickets_purchased == 2
    assert Payment.objects.get().status == "succeeded"


def test_a_hold_on_the_session_is_not_blocked_while_a_payment_waits_on_the_provider(session, settings):
    """The provider is called with no transaction open: while a payment of this
    session waits on it (PAYMENT_FAKE_LATENCY_MS), a hold on the same session,
    and a payment of another booking's first step, go through."""
    from booking.providers.fake import provider as fake

    settings.PAYMENT_FAKE_LATENCY_MS = 2000
    payer, holder = make_user("slow@example.com"), make_user("quick@example.com")
    booking = services.ticket_hold(user=payer, session_id=session.pk, seats=[(2, 2)])
    ticket = booking.tickets.get()
    in_provider, hold_done = threading.Event(), threading.Event()
    waited = []

    def latency():  # the simulated network wait, observed: it lasts until the hold is done (or 20 s)
        assert settings.PAYMENT_FAKE_LATENCY_MS == 2000
        in_provider.set()
        waited.append(hold_done.wait(timeout=20))

    def pay():
        return payment_flow.ticket_pay(user=payer, ticket_id=ticket.pk, idempotency_key="slow")

    def hold():
        assert in_provider.wait(timeout=20)
        held = services.ticket_hold(user=holder, session_id=session.pk, seats=[(3, 3)])
        hold_done.set()
        return held

    with mock.patch.object(fake, "wait_like_a_network", latency):
        paid, held = race([pay, hold])
    assert waited == [True], "the hold waited for the payment's provider call"
    assert held.status == "reserved" and paid.payment.status == "pending" and paid.payment.confirmation_url


def test_hold_expiry_and_pay_racing_end_consistent(session):
    user = make_user("late@example.com")
    rival = make_user("rival@example.com")
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=[(2, 2)])
    lapse = timezone.now() + timedelta(milliseconds=200)
    Ticket.objects.filter(booking=booking).update(reserved_until=lapse)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=lapse)

    results = race(
        [
            lambda: pay_booking(user, booking),
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
    pay_booking(user, booking)
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
            outcome.append(pay_booking(user, booking))
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
    assert outcome and outcome[0].status == "succeeded"
    user.refresh_from_db()
    session.refresh_from_db()
    assert user.tickets_purchased == 1 and session.seats_sold == 1
