"""JWT authentication: the user read by hand, with simplejwt's checks."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import user_by_id
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


def test_the_user_is_read_as_the_orm_reads_it(customer):
    assert vars(user_by_id(customer.pk)).keys() >= {"email", "date_joined", "total_spent", "role"}
    loaded, orm = user_by_id(customer.pk), User.objects.get(pk=customer.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
    assert user_by_id(10**9) is None


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
