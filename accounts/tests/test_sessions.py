"""A password change (or a reset, or the admin setting one) ends every session:
refresh tokens issued before are blacklisted, access tokens issued before are refused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.authentication import issued_since_password_change
from accounts.services import user_set_password
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-correct-horse-7"


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for Django and simplejwt alike, a few minutes behind the real one
    (PyJWT refuses a token issued in the future by the real clock)."""
    from django.utils import timezone
    from rest_framework_simplejwt import tokens

    now = {"t": datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)}
    monkeypatch.setattr(timezone, "now", lambda: now["t"])
    monkeypatch.setattr(tokens, "aware_utcnow", lambda: now["t"])
    return now


def _login(email, password):
    return APIClient().post("/api/v1/auth/login/", {"email": email, "password": password}, format="json")


def _bearer(access) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def _refresh(refresh):
    return APIClient().post("/api/v1/auth/refresh/", {"refresh": refresh}, format="json")


def test_a_password_change_ends_the_sessions_before_it_and_only_those(customer, clock):
    before = _login(customer.email, PASSWORD).json()  # 30 s before the change
    clock["t"] += timedelta(seconds=30, microseconds=500_000)  # the change, half-way through a second
    changed = _bearer(before["access"]).post(
        "/api/v1/auth/change-password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert changed.status_code == 204
    clock["t"] += timedelta(microseconds=300_000)  # a login later in that same second: iat is the same second
    after = _login(customer.email, NEW_PASSWORD).json()

    me = _bearer(before["access"]).get("/api/v1/auth/me/")
    assert me.status_code == 401 and me.json()["code"] == "password_changed"
    assert _refresh(before["refresh"]).status_code == 401
    assert _bearer(after["access"]).get("/api/v1/auth/me/").status_code == 200
    renewed = _refresh(after["refresh"])
    assert renewed.status_code == 200
    assert _bearer(renewed.json()["access"]).get("/api/v1/auth/me/").status_code == 200


def test_a_token_issued_a_second_before_the_change_is_refused_and_one_at_its_second_is_not():
    changed_at = datetime(2026, 12, 1, 12, 0, 5, tzinfo=UTC)
    assert not issued_since_password_change({"iat": int(changed_at.timestamp()) - 1}, changed_at)
    assert issued_since_password_change({"iat": int(changed_at.timestamp())}, changed_at)
    assert not issued_since_password_change({}, changed_at)  # a token that does not say when: refused
    assert issued_since_password_change({"iat": 0}, None)  # the password never changed


def test_every_outstanding_refresh_token_is_blacklisted_in_queries_that_do_not_grow(customer, other_customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def change(user, tokens):
        for _ in range(tokens):
            RefreshToken.for_user(user)
        with CaptureQueriesContext(connection) as queries:
            user_set_password(user=user, new_password=NEW_PASSWORD)
        return len(queries)

    assert change(customer, 1) == change(other_customer, 6)
    assert BlacklistedToken.objects.filter(token__user=customer).count() == 1
    assert BlacklistedToken.objects.filter(token__user=other_customer).count() == 6


def test_a_refresh_token_the_blacklist_never_saw_is_refused_after_the_change(customer, clock):
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    refresh = str(RefreshToken.for_user(customer))
    OutstandingToken.objects.all().delete()  # e.g. issued in a transaction that committed after the change
    clock["t"] += timedelta(seconds=1)
    user_set_password(user=customer, new_password=NEW_PASSWORD)
    response = _refresh(refresh)
    assert response.status_code == 401 and response.json()["code"] == "password_changed"


def test_a_weak_new_password_is_refused_naming_the_field(customer):
    client = APIClient()
    client.force_authenticate(customer)
    response = client.post(
        "/api/v1/auth/change-password/", {"old_password": PASSWORD, "new_password": "123"}, format="json"
    )
    assert response.status_code == 400 and "new_password" in response.json()["errors"]


def test_a_token_from_before_the_change_can_neither_hold_nor_pay(customer, session, clock):
    from booking.models import Booking, Payment
    from booking.services import ticket_hold

    held = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)]).ticket_list[0]
    old = _bearer(AccessToken.for_user(customer))
    clock["t"] += timedelta(seconds=1)
    user_set_password(user=customer, new_password=NEW_PASSWORD)

    seat = {"session": session.pk, "seats": [{"row": 1, "seat": 1}]}
    hold = old.post("/api/v1/tickets/", seat, format="json")
    card = {"payment_method": "card", "card_number": "4242424242424242"}
    paid = old.post(f"/api/v1/tickets/{held.pk}/pay/", card, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    for response in (hold, paid):
        assert response.status_code == 401 and response.json()["code"] == "password_changed", response.content
    assert Booking.objects.count() == 1 and Payment.objects.count() == 0
    fresh = _bearer(AccessToken.for_user(customer)).post("/api/v1/tickets/", seat, format="json")
    assert fresh.status_code == 201


def test_a_password_set_in_the_admin_ends_the_users_sessions(customer, admin_user, client, clock):
    refresh = str(RefreshToken.for_user(customer))
    clock["t"] += timedelta(seconds=1)
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[customer.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert _refresh(refresh).status_code == 401
