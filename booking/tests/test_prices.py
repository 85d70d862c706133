"""What a hold charges: ticket types from the session's price card, promo
codes (their reasons, their exact use counting), the cinema's booking fee;
and what check-in says about the ticket type."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from booking import services
from booking.models import Booking, BookingStatus, Ticket
from booking.tests.test_races import race
from booking.tokens import make_ticket_token
from conftest import make_user, pay_booking
from pricing.errors import PromoInvalid
from pricing.models import PromoCode
from scheduling.models import Session
from scheduling.services import session_create


@pytest.fixture
def card_session(price_card, movie, hall):
    """On the ``price_card``: adult 500 / child 300 standard, adult 900 VIP; a 40.00 fee."""
    hall.cinema.booking_fee = Decimal("40.00")
    hall.cinema.save()
    return session_create(movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2))


@pytest.fixture
def kino10(db):
    return PromoCode.objects.create(code="KINO10", kind="percent", value=Decimal("10"), max_uses=1000)


def _hold(client, session, seats, **extra):
    return client.post("/api/v1/tickets/", {"session": session.pk, "seats": seats, **extra}, format="json")


@pytest.mark.django_db
class TestTicketTypes:
    def test_each_seat_is_sold_at_its_types_price_plus_the_fee(self, customer_client, card_session):
        response = _hold(
            customer_client,
            card_session,
            [{"row": 2, "seat": 1, "ticket_type": "child"}, {"row": 2, "seat": 2}, {"row": 5, "seat": 1}],
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert [(t["ticket_type"], t["price"], t["fee"]) for t in body["tickets"]] == [
            ("child", "340.00", "40.00"),
            ("adult", "540.00", "40.00"),
            ("adult", "940.00", "40.00"),
        ]
        assert (body["total"], body["booking_fees"], body["discount"]) == ("1820.00", "120.00", "0.00")

    def test_the_old_request_shape_still_holds_adult_seats(self, customer_client, session):
        response = _hold(customer_client, session, [{"row": 2, "seat": 2}])
        assert response.status_code == 201
        ticket = response.json()["tickets"][0]
        assert (ticket["ticket_type"], ticket["price"]) == ("adult", f"{session.base_price:.2f}")

    @pytest.mark.parametrize(
        "seat", [{"row": 2, "seat": 1, "ticket_type": "senior"}, {"row": 5, "seat": 1, "ticket_type": "child"}]
    )
    def test_a_type_the_card_does_not_sell_is_refused_with_400(self, customer_client, card_session, seat):
        response = _hold(customer_client, card_session, [seat])
        assert response.status_code == 400
        assert response.json()["code"] == "ticket_type_not_offered"
        assert not Ticket.objects.exists()

    def test_a_session_without_a_card_sells_only_adult(self, customer_client, session, ticket_types):
        response = _hold(customer_client, session, [{"row": 2, "seat": 1, "ticket_type": "child"}])
        assert response.status_code == 400 and response.json()["details"]["offered"] == ["adult"]

    def test_the_paid_amount_includes_the_fee(self, customer, card_session):
        booking = services.ticket_hold(user=customer, session_id=card_session.pk, seats=[(2, 1)])
        payment = pay_booking(customer, booking)
        assert payment.amount == Decimal("540.00")


@pytest.mark.django_db
class TestPromoCodes:
    def test_the_discount_shows_per_ticket_and_in_the_total(self, customer_client, card_session, kino10):
        response = _hold(
            customer_client,
            card_session,
            [{"row": 2, "seat": 1, "ticket_type": "child"}, {"row": 2, "seat": 2}],
            promo_code="kino10",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert [(t["discount"], t["price"]) for t in body["tickets"]] == [("30.00", "310.00"), ("50.00", "490.00")]
        assert (body["total"], body["discount"], body["promo_code"]) == ("800.00", "80.00", "KINO10")
        kino10.refresh_from_db()
        assert kino10.uses == 1

    @pytest.mark.parametrize(
        "change, reason",
        [
            ({"code": "OTHER"}, "unknown"),
            (
                {"valid_to": timezone.now() - timedelta(days=1), "valid_from": timezone.now() - timedelta(days=9)},
                "expired",
            ),
            ({"uses": 1000}, "used_up"),
            ({"min_tickets": 3}, "min_tickets"),
        ],
    )
    def test_a_code_that_does_not_apply_is_refused_with_its_reason(
        self, customer_client, card_session, kino10, change, reason
    ):
        PromoCode.objects.filter(pk=kino10.pk).update(**change)
        response = _hold(customer_client, card_session, [{"row": 2, "seat": 1}], promo_code="KINO10")
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["details"]["reason"]) == ("promo_invalid", reason)
        assert not Booking.objects.exists()

    def test_the_per_customer_limit_counts_live_and_paid_holds(self, customer, card_session, kino10):
        PromoCode.objects.filter(pk=kino10.pk).update(max_uses_per_customer=1)
        services.ticket_hold(user=customer, session_id=card_session.pk, seats=[(2, 1)], promo_code="KINO10")
        with pytest.raises(PromoInvalid) as refused:
            services.ticket_hold(user=customer, session_id=card_session.pk, seats=[(2, 2)], promo_code="KINO10")
        assert refused.value.extra["reason"] == "customer_limit"
        kino10.refresh_from_db()
        assert kino10.uses == 1

    def test_a_cancelled_hold_gives_its_use_back(self, customer, card_session, kino10):
        booking = services.ticket_hold(
            user=customer, session_id=card_session.pk, seats=[(2, 1), (2, 2)], promo_code="KINO10"
        )
        for ticket in booking.tickets.order_by("pk"):
            services.ticket_cancel(ticket=ticket, by=customer)
        kino10.refresh_from_db()
        assert (Booking.objects.get().status, kino10.uses) == (BookingStatus.CANCELLED, 0)

    def test_a_lapsed_hold_gives_its_use_back_once(self, customer, card_session, kino10):
        services.ticket_hold(user=customer, session_id=card_session.pk, seats=[(2, 1)], promo_code="KINO10")
        past = timezone.now() - timedelta(minutes=1)
        Booking.objects.update(reserved_until=past)
        Ticket.objects.update(reserved_until=past)
        services.holds_expire()
        services.holds_expire()
        kino10.refresh_from_db()
        assert kino10.uses == 0

    def test_a_used_up_code_first_takes_back_the_uses_of_lapsed_holds(self, customer, other_customer, card_session):
        last = PromoCode.objects.create(code="LAST", kind="amount", value=Decimal("100"), max_uses=1)
        services.ticket_hold(user=customer, session_id=card_session.pk, seats=[(2, 1)], promo_code="last")
        past = timezone.now() - timedelta(minutes=1)
        Booking.objects.update(reserved_until=past)
        Ticket.objects.update(reserved_until=past)
        booking = services.ticket_hold(
            user=other_customer, session_id=card_session.pk, seats=[(2, 2)], promo_code="LAST"
        )
        assert booking.total == Decimal("440.00")
        last.refresh_from_db()
        assert last.uses == 1


@pytest.mark.django_db
def test_check_in_names_the_type_and_asks_for_an_id(customer, manager_client, card_session):
    booking = services.ticket_hold(
        user=customer, session_id=card_session.pk, seats=[(2, 1), (2, 2)], ticket_types=["child", "adult"]
    )
    pay_booking(customer, booking)
    start = timezone.now() + timedelta(minutes=30)
    Session.objects.filter(pk=card_session.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=3), busy_until=start + timedelta(hours=3, minutes=15)
    )
    answers = [
        manager_client.post("/api/v1/tickets/check-in/", {"payload": make_ticket_token(t)}, format="json").json()
        for t in booking.tickets.order_by("pk")
    ]
    assert [(a["ticket_type"], a["check_id"]) for a in answers] == [("child", True), ("adult", False)]


@pytest.mark.django_db
def test_statistics_split_sales_by_ticket_type(customer, manager_client, card_session):
    booking = services.ticket_hold(
        user=customer, session_id=card_session.pk, seats=[(2, 1), (2, 2), (2, 3)],
        ticket_types=["child", "adult", "child"],
    )  # fmt: skip
    pay_booking(customer, booking)
    stats = manager_client.get("/api/v1/tickets/statistics/").json()
    assert [(r["ticket_type"], r["tickets"], r["revenue"]) for r in stats["by_ticket_type"]] == [
        ("adult", 1, "540.00"),
        ("child", 2, "680.00"),
    ]
    assert stats["overall"]["booking_fees"] == "120.00"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_customers_racing_for_the_last_use_leave_exactly_one_discount(price_card, movie, hall):
    show = session_create(movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2))
    promo = PromoCode.objects.create(code="LASTONE", kind="percent", value=Decimal("50"), max_uses=5, uses=4)
    buyers = [make_user(f"racer{i}@example.com") for i in range(20)]
    seats = [(row, seat) for row in range(1, 5) for seat in range(1, 6)]  # 20 distinct seats, none blocked

    def buy(index):
        def attempt():
            try:
                services.ticket_hold(user=buyers[index], session_id=show.pk, seats=[seats[index]], promo_code="lastone")
                return "won"
            except PromoInvalid as refused:
                return refused.reason

        return attempt

    outcomes = race([buy(i) for i in range(len(buyers))])
    promo.refresh_from_db()
    assert sorted(outcomes) == ["used_up"] * 19 + ["won"]
    assert promo.uses == 5 and Booking.objects.filter(promo_code=promo).count() == 1


@pytest.mark.django_db
def test_a_price_card_costs_a_hold_one_query_and_a_promo_code_six(customer, session, card_session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PromoCode.objects.create(code="ONCE", value=Decimal("10"), max_uses_per_customer=3)
    for show in (session, card_session):  # the halls' layouts, read once per process
        services.ticket_hold(user=customer, session_id=show.pk, seats=[(4, 4)])

    def queries(show, seat, **extra):
        with CaptureQueriesContext(connection) as run:
            services.ticket_hold(user=customer, session_id=show.pk, seats=[seat], **extra)
        return len(run.captured_queries)

    plain = queries(session, (3, 1))
    # The card's price table; then the code with its films, cinemas and ticket
    # types (before the transaction), its use and the customer's count.
    assert (queries(card_session, (3, 2)) - plain, queries(card_session, (3, 3), promo_code="once") - plain) == (1, 7)
