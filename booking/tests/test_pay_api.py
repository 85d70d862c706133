"""POST /api/v1/tickets/{id}/pay/: the order of its refusals."""

import hashlib

import pytest

from booking import services
from booking.models import Payment

pytestmark = pytest.mark.django_db
CARD = {"payment_method": "card", "card_number": "4242424242424242"}


@pytest.mark.parametrize(
    "who, key, status, code",
    [
        ("owner", None, 400, "idempotency_key_required"),
        ("owner", "k" * 256, 400, "idempotency_key_required"),
        ("other", None, 404, "not_found"),  # not yours: 404 before anything else
        ("other", "k", 404, "not_found"),
        ("owner", "k", 200, None),
    ],
)
def test_pay_by_ticket_answers_not_found_before_a_missing_key(
    customer, customer_client, other_client, session, who, key, status, code
):
    ticket = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 3)]).ticket_list[0]
    client = customer_client if who == "owner" else other_client
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    response = client.post(f"/api/v1/tickets/{ticket.pk}/pay/", CARD, format="json", **headers)
    assert response.status_code == status, response.content[:200]
    assert code is None or response.json()["code"] == code
    assert client.post("/api/v1/tickets/999999/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="x").status_code == 404


def test_the_idempotency_key_is_bound_to_the_whole_request(customer, customer_client, session):
    """The same key with another card is a different request, even with the same last four digits."""
    ticket = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 3)]).ticket_list[0]
    url = f"/api/v1/tickets/{ticket.pk}/pay/"
    first = customer_client.post(url, CARD, format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first

    same_last_four = {"payment_method": "card", "card_number": "5555555555554242"}
    response = customer_client.post(url, same_last_four, format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"

    replay = customer_client.post(url, CARD, format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["reference"] == first.json()["reference"]


def test_the_stored_fingerprint_is_not_a_plain_hash_of_the_card(customer, customer_client, session):
    ticket = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 3)]).ticket_list[0]
    customer_client.post(f"/api/v1/tickets/{ticket.pk}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="one")
    stored = Payment.objects.get(idempotency_key="one").request_fingerprint
    card = CARD["card_number"]
    texts = (card, f"{ticket.booking_id}|card|{card}", f"{ticket.booking_id}|card|{card[-4:]}")
    plain = {hashlib.sha256(text.encode()).hexdigest() for text in texts}
    assert len(stored) == 64 and stored not in plain and card not in stored
