"""Query budgets of the booking endpoints: constant in the number of seats and tickets."""

import uuid

import pytest

from booking import services

pytestmark = pytest.mark.django_db
CARD = {"payment_method": "card", "card_number": "4242424242424242"}


@pytest.mark.parametrize("seats", [[(2, 1)], [(3, 1), (3, 2), (3, 3), (3, 4)]])
def test_hold_and_pay_take_a_fixed_number_of_queries(customer_client, session, seats, django_assert_max_num_queries):
    body = {"session": session.pk, "seats": [{"row": r, "seat": s} for r, s in seats]}
    # Savepoint, session lock, the seats' tickets, booking, tickets, release; plus
    # the hall's layout the first time this process sees it.
    with django_assert_max_num_queries(7):
        hold = customer_client.post("/api/v1/tickets/", body, format="json")
    assert hold.status_code == 201
    ticket = hold.json()["tickets"][0]["id"]
    # Savepoint; session, booking, idempotency record, tickets (one round trip on
    # PostgreSQL); four updates and the payment (one more); release.
    with django_assert_max_num_queries(11):
        paid = customer_client.post(
            f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
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
