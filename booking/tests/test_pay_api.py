"""POST /api/v1/tickets/{id}/pay/: the order of its refusals."""

import pytest

from booking import services

pytestmark = pytest.mark.django_db
CARD = {"payment_method": "card"}


@pytest.mark.parametrize(
    "who, key, status, code",
    [
        ("owner", None, 400, "idempotency_key_required"),
        ("owner", "k" * 256, 400, "idempotency_key_required"),
        ("other", None, 404, "not_found"),  # not yours: 404 before anything else
        ("other", "k", 404, "not_found"),
        ("owner", "k", 201, None),
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
