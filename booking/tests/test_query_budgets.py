"""Query budgets of the booking endpoints: constant in the number of seats and tickets."""

import uuid

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from booking import services

pytestmark = pytest.mark.django_db
CARD = {"payment_method": "card"}


@pytest.mark.parametrize("seats", [[(2, 1)], [(3, 1), (3, 2), (3, 3), (3, 4)]])
def test_hold_and_pay_take_a_fixed_number_of_queries(customer, session, seats, django_assert_max_num_queries):
    client = APIClient()  # as a buyer's app calls
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    body = {"session": session.pk, "seats": [{"row": r, "seat": s} for r, s in seats]}
    postgres = connection.vendor == "postgresql"
    # The user (authentication); savepoint; SET LOCAL synchronous_commit
    # (PostgreSQL); the session lock and the session; the booking; its tickets
    # (one INSERT); release; plus the hall's layout the first time this
    # process sees it.
    with django_assert_max_num_queries(9 if postgres else 8):
        hold = client.post("/api/v1/tickets/", body, format="json")
    assert hold.status_code == 201
    ticket = hold.json()["tickets"][0]["id"]
    # The user; the ticket; step 1 (savepoint, the session lock and the session,
    # booking, tickets, this key's payment or a waiting one, the new payment,
    # release); the fake provider's INSERT (in a savepoint here); step 3.
    with django_assert_max_num_queries(14):
        paid = client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert paid.status_code == 201 and paid.json()["payment"]["status"] == "pending"


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
    # Cold: the session with its hall, the live tickets, and its ticket types' prices.
    with django_assert_num_queries(3):
        seats = anon_client.get(f"/api/v1/sessions/{show.pk}/seats/").json()["seats"]
    assert len(seats) == rows * per_row and sum(s["status"] == "held" for s in seats) == 3
    # Savepoint, SET LOCAL (PostgreSQL), the session lock and the session, the
    # booking, its tickets (one INSERT), release.
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 6):
        services.ticket_hold(user=customer, session_id=show.pk, seats=[(1, 1), (1, 2)])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_hold_commits_without_waiting_for_the_disk_and_a_payment_waits(customer, session, settings):
    from django.test.utils import CaptureQueriesContext

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")

    def sent(action):
        with CaptureQueriesContext(connection) as queries:
            response = action()
        asynchronous = [q["sql"] for q in queries if "synchronous_commit" in q["sql"]]
        return response, asynchronous

    def hold(seat):
        return client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 3, "seat": seat}]}, "json")

    held, asynchronous = sent(lambda: hold(1))
    assert held.status_code == 201 and asynchronous == ["SET LOCAL synchronous_commit TO OFF"]
    with connection.cursor() as cursor:  # SET LOCAL: the setting ended with the hold's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    ticket = held.json()["tickets"][0]["id"]
    paid, asynchronous = sent(
        lambda: client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="disk-1")
    )
    assert paid.status_code == 201 and asynchronous == []
    settings.BOOKING_HOLDS_WAIT_FOR_DISK = True
    held, asynchronous = sent(lambda: hold(2))
    assert held.status_code == 201 and asynchronous == []


def test_a_hold_refused_by_the_unique_index_looks_at_the_seats_once_and_retires_a_lapsed_hold(
    customer, other_customer, session, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Ticket

    lapsed = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 5)])
    Ticket.objects.filter(booking=lapsed).update(reserved_until=timezone.now() - timedelta(seconds=1))
    postgres = connection.vendor == "postgresql"
    # The first try (savepoint, SET LOCAL on PostgreSQL, the session lock and the
    # session, the booking, its tickets refused, rollback to the savepoint and
    # its release), then the second, which also locks the seats' tickets and
    # retires the lapsed one.
    with django_assert_num_queries(17 if postgres else 15):
        booking = services.ticket_hold(user=other_customer, session_id=session.pk, seats=[(2, 5)])
    assert Ticket.objects.get(booking=lapsed).status == "expired"
    assert booking.ticket_list[0].status == "reserved"


def test_starting_a_payment_and_its_webhook_take_a_fixed_number_of_statements(
    customer, session, django_assert_num_queries
):
    import json

    from django.test import Client

    from booking.providers.fake.models import FakePspEvent, FakePspPayment
    from booking.providers.fake.provider import pay_on_page, sign

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    held = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 1), (2, 2)])
    # The user; the ticket; step 1 (savepoint, the session lock and the session,
    # the booking, its tickets, this key's payment or a waiting one, the new
    # payment, release); the fake provider's INSERT (here in a savepoint, as the
    # test runs in a transaction; in production a transaction of its own, no
    # BEGIN or COMMIT sent); step 3.
    with django_assert_num_queries(14):
        paid = client.post(
            f"/api/v1/tickets/{held.ticket_list[0].pk}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="budget"
        )
    assert paid.status_code == 201
    page = FakePspPayment.objects.get(pk=paid.json()["payment"]["confirmation_url"].rstrip("/").rsplit("/", 1)[1])
    pay_on_page(page, card_number="4242424242424242")
    event = FakePspEvent.objects.get(type="payment.succeeded")
    # Savepoint; the event recorded once (in a savepoint of its own: a copy is
    # refused by the unique index); the payment by the provider's id; then the
    # settling (savepoint, the booking's ids, the session lock and the session,
    # the booking, its tickets, the payment locked and updated, the tickets,
    # the booking, both counters, the e-mail queued, release); release. The
    # tickets' update has no savepoint of its own: held tickets cannot meet the
    # unique index on live seats (only revived ones can).
    with django_assert_num_queries(20):
        answer = Client().post(
            "/api/v1/payments/webhooks/fake/",
            event.body,
            content_type="application/json",
            HTTP_X_FAKE_PSP_SIGNATURE=sign(event.body.encode()),
        )
    assert answer.status_code == 200 and json.loads(answer.content)["outcome"] == "paid"
