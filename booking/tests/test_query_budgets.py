"""Query budgets of the booking endpoints: constant in the number of seats and tickets."""

import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from booking import services

pytestmark = pytest.mark.django_db
CARD = {"payment_method": "card", "card_number": "4242424242424242"}


@pytest.mark.parametrize("seats", [[(2, 1)], [(3, 1), (3, 2), (3, 3), (3, 4)]])
def test_hold_and_pay_take_a_fixed_number_of_queries(customer, session, seats, django_assert_max_num_queries):
    client = APIClient()  # as a buyer's app calls: the token is checked, the account read once
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    body = {"session": session.pk, "seats": [{"row": r, "seat": s} for r, s in seats]}
    # Savepoint; the session lock (with the account), the seats' tickets (one
    # round trip on PostgreSQL); booking and tickets (one statement on PostgreSQL,
    # two elsewhere); release; plus the hall's layout the first time this process sees it.
    postgres = connection.vendor == "postgresql"
    with django_assert_max_num_queries(6 if postgres else 7):
        hold = client.post("/api/v1/tickets/", body, format="json")
    assert hold.status_code == 201
    ticket = hold.json()["tickets"][0]["id"]
    # Savepoint; session (with the account), booking, tickets (with the
    # idempotency record) in one round trip; four updates and the payment (one
    # statement on PostgreSQL, five elsewhere) and the confirmation's outbox row; release.
    with django_assert_max_num_queries(7 if postgres else 11):
        paid = client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert paid.status_code == 200 and {t["status"] for t in paid.json()["tickets"]} == {"paid"}


def test_ticket_list_and_detail_take_a_fixed_number_of_queries(
    customer, customer_client, session, django_assert_max_num_queries
):
    for seat in range(1, 6):
        services.ticket_hold(user=customer, session_id=session.pk, seats=[(4, seat)])
    with django_assert_max_num_queries(3):
        listed = customer_client.get("/api/v1/tickets/?page_size=2")
    with django_assert_max_num_queries(3):
        more = customer_client.get("/api/v1/tickets/?page_size=50")
    assert len(listed.json()["results"]) == 2 and len(more.json()["results"]) == 5
    with django_assert_max_num_queries(2):
        assert customer_client.get(f"/api/v1/tickets/{more.json()['results'][0]['id']}/").status_code == 200


@pytest.mark.parametrize("rows, per_row", [(3, 4), (15, 20)])
def test_seat_map_and_hold_cost_the_same_in_any_hall(
    anon_client, customer, movie, cinema, rows, per_row, django_assert_num_queries
):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from scheduling.services import session_create
    from venues.layout import rectangular_layout
    from venues.services import hall_create

    hall = hall_create(
        cinema=cinema, name="Big", number=7, layout=rectangular_layout(rows, per_row), cleaning_minutes=15
    )
    show = session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=2), base_price=Decimal("300")
    )
    for seat in range(1, 4):
        services.ticket_hold(user=customer, session_id=show.pk, seats=[(rows, seat)])
    with django_assert_num_queries(2):  # cold: the session with its hall, and the live tickets
        seats = anon_client.get(f"/api/v1/sessions/{show.pk}/seats/").json()["seats"]
    assert len(seats) == rows * per_row and sum(s["status"] == "held" for s in seats) == 3
    # Savepoint, lock (with the account), seats' tickets, booking and tickets (one
    # statement on PostgreSQL, two elsewhere), release.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 6):
        services.ticket_hold(user=customer, session_id=show.pk, seats=[(1, 1), (1, 2)])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_hold_and_a_payment_wait_for_postgresql_twice_each(customer, session, round_trips, jobs_held):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    body = {"session": session.pk, "seats": [{"row": 2, "seat": 1}, {"row": 2, "seat": 2}]}
    client.post("/api/v1/tickets/", {**body, "seats": [{"row": 9, "seat": 9}]}, format="json")  # warm: layout read
    # BEGIN, the session lock with the account and the seats' tickets; the
    # booking, its tickets and COMMIT.
    hold, waits = round_trips(lambda: client.post("/api/v1/tickets/", body, format="json"))
    assert hold.status_code == 201 and waits == 2
    # BEGIN, session, booking and tickets with the idempotency record; the
    # writes, the payment and COMMIT.
    ticket = hold.json()["tickets"][0]["id"]
    paid, waits = round_trips(
        lambda: client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="rt-1")
    )
    assert paid.status_code == 200 and waits == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_hold_commits_without_waiting_for_the_disk_and_a_payment_waits(customer, session, pg_trace, settings):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")

    def hold(seat):
        return client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 3, "seat": seat}]}, "json")

    def asynchronous(sent):
        return any("synchronous_commit TO OFF" in fields for kind, fields in sent if kind == "Parse")

    connection.close()  # a new connection: its statements are parsed, not yet prepared (named)
    held, sent = pg_trace(lambda: hold(1))
    assert held.status_code == 201 and asynchronous(sent)
    ticket = held.json()["tickets"][0]["id"]
    paid, sent = pg_trace(
        lambda: client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="disk-1")
    )
    assert paid.status_code == 200 and not asynchronous(sent)
    settings.BOOKING_HOLDS_WAIT_FOR_DISK = True
    held, sent = pg_trace(lambda: hold(2))
    assert held.status_code == 201 and not asynchronous(sent)
