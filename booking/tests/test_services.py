from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import services
from booking.errors import (
    AlreadyCheckedIn,
    AlreadyPaid,
    HoldExpired,
    IdempotencyKeyReused,
    InvalidTicketToken,
    RefundNotAllowed,
    SalesClosed,
    SeatUnavailable,
    TicketNotUsable,
)
from booking.models import Booking, Payment, Ticket, TicketStatus
from booking.selectors import seat_map
from booking.tokens import make_ticket_token
from cinema.errors import ValidationFailed
from scheduling.models import Session

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"


def hold(user, session, seats=((2, 2), (2, 3))):
    return services.ticket_hold(user=user, session_id=session.pk, seats=list(seats))


def pay(user, booking, key="k1", card=CARD):
    return services.booking_pay(user=user, booking=booking, idempotency_key=key, method="card", card_number=card)


def status_of(session, row, seat):
    return next(s["status"] for s in seat_map(session) if (s["row"], s["seat"]) == (row, seat))


def test_hold_takes_all_seats_at_server_prices(customer, session):
    booking = hold(customer, session, [(2, 2), (5, 1)])
    prices = sorted(t.price for t in booking.tickets.all())
    assert prices == sorted([session.base_price, session.vip_price])
    assert booking.total == session.base_price + session.vip_price
    assert status_of(session, 5, 1) == "held"


def test_second_hold_on_a_taken_seat_is_refused_naming_every_taken_seat(customer, other_customer, session):
    hold(customer, session, [(2, 2), (2, 3)])
    with pytest.raises(SeatUnavailable) as info:
        hold(other_customer, session, [(2, 1), (2, 2), (2, 3)])
    assert info.value.extra["seats"] == [{"row": 2, "seat": 2}, {"row": 2, "seat": 3}]
    assert not Ticket.objects.filter(user=other_customer).exists()  # all or none


@pytest.mark.parametrize(
    "seats, code",
    [([(9, 9)], "unknown_seat"), ([(1, 6)], "seat_blocked"), ([(2, 2), (2, 2)], "validation_error"), ([], None)],
)
def test_bad_seat_requests_are_refused(customer, session, seats, code):
    with pytest.raises(ValidationFailed) as info:
        hold(customer, session, seats)
    if code:
        assert info.value.code == code


def test_more_than_the_maximum_seats_is_refused(customer, session, settings):
    settings.BOOKING_MAX_SEATS = 2
    with pytest.raises(ValidationFailed):
        hold(customer, session, [(3, 1), (3, 2), (3, 3)])


@pytest.mark.parametrize(
    "change",
    [
        {"status": "cancelled", "cancelled_at": "now"},
        {"status": "scheduled"},
        {"sales_open_at": "future"},
        {"starts_at": "soon"},
    ],
)
def test_holds_outside_sales_are_refused(customer, session, change):
    now = timezone.now()
    values = {
        "future": now + timedelta(hours=1),
        "soon": now + timedelta(minutes=5),  # inside the sales cut-off
        "now": now,
    }
    Session.objects.filter(pk=session.pk).update(**{k: values.get(v, v) for k, v in change.items()})
    with pytest.raises(SalesClosed):
        hold(customer, session)


def test_a_hold_made_before_the_sales_cut_off_can_be_paid_after_it(customer, other_customer, session):
    """The hold is honoured to its end (docs/USE_CASE_BOOKING.md, 9d); the cut-off stops new holds only."""
    booking = hold(customer, session)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(minutes=5))  # cut-off passed
    with pytest.raises(SalesClosed):
        hold(other_customer, session, [(3, 1)])
    outcome = pay(customer, booking)
    assert outcome.approved and set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}


def test_a_hold_cannot_be_paid_once_the_session_has_started(customer, session):
    booking = hold(customer, session)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(SalesClosed):
        pay(customer, booking)
    assert Payment.objects.count() == 0


def test_a_lapsed_hold_frees_the_seat_at_once(customer, other_customer, session):
    first = hold(customer, session)
    Ticket.objects.filter(booking=first).update(reserved_until=timezone.now() - timedelta(seconds=1))
    assert status_of(session, 2, 2) == "free"
    second = hold(other_customer, session)
    assert second.tickets.count() == 2
    assert set(first.tickets.values_list("status", flat=True)) == {TicketStatus.EXPIRED}


def test_pay_marks_tickets_paid_and_updates_counters_exactly(customer, session):
    booking = hold(customer, session)
    outcome = pay(customer, booking)
    assert outcome.approved and not outcome.replayed
    session.refresh_from_db()
    customer.refresh_from_db()
    assert session.seats_sold == 2 and session.seats_available == session.capacity - 2
    assert customer.total_spent == booking.total and customer.tickets_purchased == 2
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.PAID}
    assert status_of(session, 2, 2) == "sold"


def test_same_idempotency_key_replays_without_charging_again(customer, session):
    booking = hold(customer, session)
    first = pay(customer, booking, key="abc")
    again = pay(customer, booking, key="abc")
    assert again.replayed and again.payment.pk == first.payment.pk
    assert Payment.objects.filter(kind="charge").count() == 1


def test_a_different_key_on_a_paid_booking_is_refused(customer, session):
    booking = hold(customer, session)
    pay(customer, booking, key="a")
    with pytest.raises(AlreadyPaid):
        pay(customer, booking, key="b")


def test_reusing_a_key_for_another_booking_is_refused(customer, session):
    first = hold(customer, session)
    second = hold(customer, session, [(3, 1)])
    pay(customer, first, key="same")
    with pytest.raises(IdempotencyKeyReused):
        pay(customer, second, key="same")


def test_declined_card_records_the_decline_and_keeps_the_hold(customer, session):
    booking = hold(customer, session)
    outcome = pay(customer, booking, key="d1", card="4000000000000002")
    assert not outcome.approved and "declined" in outcome.payment.decline_reason
    assert set(booking.tickets.values_list("status", flat=True)) == {TicketStatus.RESERVED}
    assert pay(customer, booking, key="d2").approved


def test_paying_a_lapsed_hold_is_refused(customer, session):
    booking = hold(customer, session)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=timezone.now() - timedelta(seconds=1))
    with pytest.raises(HoldExpired):
        pay(customer, booking)


def test_paying_someone_elses_booking_is_not_found(customer, other_customer, session):
    booking = hold(customer, session)
    with pytest.raises(services.BookingNotFound):
        pay(other_customer, booking)


def test_cancelling_a_hold_frees_the_seat(customer, session):
    booking = hold(customer, session, [(2, 2)])
    ticket = services.ticket_cancel(ticket=booking.tickets.get(), by=customer)
    assert ticket.status == TicketStatus.CANCELLED and status_of(session, 2, 2) == "free"
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_paid_ticket_is_refunded_before_the_cutoff(customer, session):
    booking = hold(customer, session)
    pay(customer, booking)
    ticket = booking.tickets.order_by("pk").first()
    ticket = services.ticket_cancel(ticket=ticket, by=customer)
    assert ticket.status == TicketStatus.REFUNDED and ticket.refund_amount == ticket.price
    session.refresh_from_db()
    customer.refresh_from_db()
    assert session.seats_sold == 1 and customer.tickets_purchased == 1
    assert Payment.objects.filter(kind="refund", ticket=ticket, status="approved").count() == 1


def test_paid_ticket_is_not_refunded_after_the_cutoff(customer, session, settings):
    booking = hold(customer, session)
    pay(customer, booking)
    settings.REFUND_CUTOFF_MINUTES = 60 * 48  # the session starts in 24 h
    with pytest.raises(RefundNotAllowed):
        services.ticket_cancel(ticket=booking.tickets.first(), by=customer)


def test_session_cancel_refunds_paid_and_releases_holds(customer, other_customer, session):
    paid = hold(customer, session)
    pay(customer, paid)
    hold(other_customer, session, [(4, 4)])
    result = services.session_cancel(session=session, by=None, reason="projector broke")
    assert (result.refunded_tickets, result.released_holds) == (2, 1)
    assert result.refunded_amount == paid.total
    assert all(s["status"] in ("free", "blocked") for s in seat_map(session))
    session.refresh_from_db()
    assert session.status == "cancelled" and session.seats_sold == 0
    with pytest.raises(SalesClosed):
        hold(customer, session)


def test_expire_holds_marks_only_lapsed_holds(customer, other_customer, session):
    lapsed = hold(customer, session, [(2, 2)])
    live = hold(other_customer, session, [(3, 3)])
    past = timezone.now() - timedelta(seconds=1)
    Ticket.objects.filter(booking=lapsed).update(reserved_until=past)
    Booking.objects.filter(pk=lapsed.pk).update(reserved_until=past)
    assert services.holds_expire() == (1, 1)
    assert live.tickets.get().status == TicketStatus.RESERVED


def _paid_ticket(customer, session):
    booking = hold(customer, session, [(2, 2)])
    pay(customer, booking)
    return booking.tickets.get()


def _start_soon(session, minutes=30):
    start = timezone.now() + timedelta(minutes=minutes)
    Session.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3), busy_until=start + timedelta(hours=3, minutes=15)
    )


def test_check_in_admits_once_then_says_when(customer, manager, session):
    ticket = _paid_ticket(customer, session)
    _start_soon(session)
    payload = make_ticket_token(ticket)
    assert services.ticket_check_in(payload=payload, by=manager).status == TicketStatus.USED
    with pytest.raises(AlreadyCheckedIn) as info:
        services.ticket_check_in(payload=payload, by=manager)
    assert "checked_in_at" in info.value.extra


def test_forged_or_revoked_payload_is_refused(customer, manager, session):
    ticket = _paid_ticket(customer, session)
    _start_soon(session)
    payload = make_ticket_token(ticket)
    with pytest.raises(InvalidTicketToken):
        services.ticket_check_in(payload=payload[:-2] + "xx", by=manager)
    services.ticket_revoke_qr(ticket=ticket)
    with pytest.raises(InvalidTicketToken):
        services.ticket_check_in(payload=payload, by=manager)


def test_check_in_too_early_is_refused(customer, manager, session):
    ticket = _paid_ticket(customer, session)  # the session starts in a day
    with pytest.raises(TicketNotUsable) as info:
        services.ticket_check_in(payload=make_ticket_token(ticket), by=manager)
    assert info.value.code == "too_early"


def test_unpaid_ticket_cannot_be_checked_in(customer, manager, session):
    ticket = hold(customer, session, [(2, 2)]).tickets.get()
    _start_soon(session)
    with pytest.raises(TicketNotUsable):
        services.ticket_check_in(payload=make_ticket_token(ticket), by=manager)


def test_layout_change_that_drops_a_sold_seat_is_refused(customer, session):
    from cinema.errors import Conflict
    from venues.layout import rectangular_layout
    from venues.services import hall_save

    _paid_ticket(customer, session)
    with pytest.raises(Conflict) as info:
        hall_save(hall=session.hall, layout=rectangular_layout(1, 6))
    assert info.value.extra["seats"] == [{"row": 2, "seat": 2}]
    hall_save(hall=session.hall, layout=rectangular_layout(3, 6))  # keeps row 2 seat 2
    assert session.hall.capacity == 18
    assert Decimal(session.hall.capacity) == 18


def test_booking_references_are_eight_unambiguous_letters_drawn_evenly():
    from collections import Counter

    from booking.services.holds import _ALPHABET, _code

    assert 256 % len(_ALPHABET) == 0  # a byte modulo the alphabet favours no letter
    codes = [_code(8) for _ in range(4000)]
    assert all(len(c) == 8 and set(c) <= set(_ALPHABET) for c in codes) and len(set(codes)) == len(codes)
    counts = Counter("".join(codes))  # 32,000 letters: about 1,000 each
    assert set(counts) == set(_ALPHABET) and max(counts.values()) < 1200 and min(counts.values()) > 800
