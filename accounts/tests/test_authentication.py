"""JWT authentication: simplejwt's checks of the token and the user, on every endpoint
(the session cookie of the pages is tested in web/tests/test_signin.py)."""

import pytest
from rest_framework.authentication import SessionAuthentication
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import JWTAuthentication
from accounts.models import User

pytestmark = pytest.mark.django_db


def _bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def test_a_valid_token_authenticates_its_user_in_one_query(customer, django_assert_num_queries):
    client = _bearer(customer)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/auth/me/")
    assert response.status_code == 200 and response.json()["email"] == customer.email


def test_a_deactivated_user_is_refused_at_once(customer):
    client = _bearer(customer)
    User.objects.filter(pk=customer.pk).update(is_active=False)
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401


def test_a_deleted_user_and_a_forged_token_are_refused(customer):
    token = AccessToken.for_user(customer)
    token["user_id"] = 10**9
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/auth/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {str(AccessToken.for_user(customer))[:-3]}abc")
    assert client.get("/api/v1/auth/me/").status_code == 401
    token = AccessToken.for_user(customer)
    token["user_id"] = "not-a-number"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_a_validated_token_is_remembered_until_it_expires(customer, monkeypatch):
    from accounts import authentication

    checks = []
    real = authentication.SimpleJWTAuthentication.get_validated_token
    monkeypatch.setattr(
        authentication.SimpleJWTAuthentication,
        "get_validated_token",
        lambda self, raw: checks.append(raw) or real(self, raw),
    )
    authentication._VALIDATED.clear()
    token = AccessToken.for_user(customer)
    raw = str(token).encode()
    auth = authentication.JWTAuthentication()
    first = auth.get_validated_token(raw)
    assert auth.get_validated_token(raw) is first and len(checks) == 1  # no second signature check
    forged = raw[:-2] + (b"AA" if raw[-2:] != b"AA" else b"BB")
    with pytest.raises(Exception, match="not valid"):
        auth.get_validated_token(forged)  # never served from what a valid token left
    monkeypatch.setattr(authentication.time, "time", lambda: token["exp"] + 1)
    auth.get_validated_token(raw)
    assert len(checks) == 3  # past its expiry, checked again (and simplejwt decides)
    authentication._VALIDATED.clear()


# --- Holds and payments: the same authentication, nothing written for a refused account ---

CARD = {"payment_method": "card"}


def test_holds_and_payments_authenticate_like_every_other_endpoint(customer, session):
    from booking.api.views import TicketViewSet

    client = _bearer(customer)
    hold = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 1, "seat": 1}]}, format="json")
    assert hold.status_code == 201 and hold.json()["tickets"][0]["status"] == "reserved"
    ticket = hold.json()["tickets"][0]["id"]
    paid = client.post(f"/api/v1/tickets/{ticket}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert paid.status_code == 201 and paid.json()["payment"]["status"] == "pending"
    assert TicketViewSet.authentication_classes == [JWTAuthentication, SessionAuthentication]  # the default


def test_a_deactivated_account_can_neither_hold_nor_pay_and_nothing_is_written(customer, session):
    from booking.models import Booking, Payment, Ticket
    from booking.services import ticket_hold

    held = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)]).ticket_list[0]
    client = _bearer(customer)
    User.objects.filter(pk=customer.pk).update(is_active=False)

    hold = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 1, "seat": 2}]}, format="json")
    paid = client.post(f"/api/v1/tickets/{held.pk}/pay/", CARD, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    for response in (hold, paid):
        assert response.status_code == 401, response.content[:200]
        assert response.json()["code"] == "user_inactive" and response["WWW-Authenticate"].startswith("Bearer")
    assert Booking.objects.count() == 1 and Payment.objects.count() == 0
    assert list(Ticket.objects.values_list("row", "seat", "status")) == [(2, 2, "reserved")]


def test_a_token_of_a_deleted_account_cannot_hold(customer, session):
    token = AccessToken.for_user(customer)
    token["user_id"] = 10**9
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 1, "seat": 3}]}, format="json")
    assert response.status_code == 401 and response.json()["code"] == "user_not_found"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {str(AccessToken.for_user(customer))[:-3]}abc")
    forged = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 1, "seat": 3}]}, format="json")
    assert forged.status_code == 401 and forged.json()["code"] == "token_not_valid"
    token["user_id"] = "not-a-number"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    odd = client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": 1, "seat": 3}]}, format="json")
    assert odd.status_code == 401 and odd.json()["code"] == "token_not_valid"
