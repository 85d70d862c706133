"""Password reset and e-mail verification through the links in the e-mails."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-better-passphrase-7"


def link_in(email) -> tuple[str, str, str]:
    """(path, uid, token) of the link in a message's plain text."""
    match = re.search(r"https?://[^/\s]+(/(?:password-reset|verify-email)/([^/\s]+)/([^/\s]+)/)", email.body)
    assert match, email.body
    return match.groups()


@pytest.fixture
def ask_reset(anon_client, django_capture_on_commit_callbacks):
    def run(email):
        with django_capture_on_commit_callbacks(execute=True):
            return anon_client.post("/api/v1/auth/password-reset/", {"email": email}, format="json")

    return run


def test_reset_is_204_for_known_and_unknown_addresses_and_mails_only_the_known(customer, ask_reset):
    known, unknown = ask_reset("Customer@Example.com"), ask_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 204 and known.content == unknown.content == b""
    assert [m.to for m in mail.outbox] == [["customer@example.com"]]


def test_the_emailed_link_sets_the_password_once_and_revokes_refresh_tokens(customer, ask_reset, anon_client):
    login = anon_client.post("/api/v1/auth/login/", {"email": customer.email, "password": PASSWORD}, format="json")
    refresh = login.json()["refresh"]
    ask_reset(customer.email)
    path, uid, token = link_in(mail.outbox[0])
    assert Client().get(path).status_code == 200  # the page the link opens (it does not use the token)

    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert anon_client.post("/api/v1/auth/password-reset/confirm/", body, format="json").status_code == 204
    again = anon_client.post("/api/v1/auth/password-reset/confirm/", body, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"
    signed_in = anon_client.post("/api/v1/auth/login/", {"email": customer.email, "password": NEW_PASSWORD}, "json")
    assert signed_in.status_code == 200
    assert anon_client.post("/api/v1/auth/refresh/", {"refresh": refresh}, format="json").status_code == 401


def test_an_expired_or_forged_link_is_400(customer, ask_reset, anon_client, settings):
    ask_reset(customer.email)
    _, uid, token = link_in(mail.outbox[0])
    forged = anon_client.post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token[:-1] + ("a" if token[-1] != "a" else "b"), "new_password": NEW_PASSWORD},
        format="json",
    )
    assert forged.status_code == 400 and forged.json()["code"] == "invalid_token"
    settings.PASSWORD_RESET_TIMEOUT = -1  # any age is too old
    expired = anon_client.post(
        "/api/v1/auth/password-reset/confirm/", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, "json"
    )
    assert expired.status_code == 400
    assert customer.__class__.objects.get(pk=customer.pk).check_password(PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(customer, ask_reset, anon_client):
    ask_reset(customer.email)
    _, uid, token = link_in(mail.outbox[0])
    weak = anon_client.post(
        "/api/v1/auth/password-reset/confirm/", {"uid": uid, "token": token, "new_password": "12345678"}, "json"
    )
    assert weak.status_code == 400 and weak.json()["code"] != "invalid_token"
    good = anon_client.post(
        "/api/v1/auth/password-reset/confirm/", {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, "json"
    )
    assert good.status_code == 204


def test_reset_requests_are_limited_per_address_and_per_ip(customer, ask_reset, settings):
    statuses = [ask_reset("customer@example.com").status_code for _ in range(4)]
    assert statuses == [204, 204, 204, 429] and len(mail.outbox) == 3
    others = [ask_reset(f"someone{n}@example.com").status_code for n in range(7)]
    assert others[:6] == [204] * 6 and others[6] == 429  # 10 per hour from one address


def test_registration_mails_a_link_that_verifies_the_address(anon_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = anon_client.post(
            "/api/v1/auth/register/",
            {"email": "new@example.com", "password": NEW_PASSWORD, "first_name": "Анна", "last_name": "К"},
            format="json",
        )
    assert created.status_code == 201 and created.json()["email_verified"] is False
    [email] = mail.outbox
    assert email.to == ["new@example.com"] and "Подтвердите" in email.subject
    path, uid, token = link_in(email)
    assert Client().get(path).status_code == 200
    assert anon_client.post("/api/v1/auth/verify-email/", {"uid": uid, "token": token}, "json").status_code == 204
    assert User.objects.get(email="new@example.com").email_verified


def test_a_verification_link_for_another_address_or_forged_is_400(customer, django_capture_on_commit_callbacks):
    client = client_for(customer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/auth/verify-email/resend/").status_code == 204
    _, uid, token = link_in(mail.outbox[0])
    User.objects.filter(pk=customer.pk).update(email="changed@example.com")
    stale = client_for().post("/api/v1/auth/verify-email/", {"uid": uid, "token": token}, "json")
    assert stale.status_code == 400 and stale.json()["code"] == "invalid_token"
    junk = client_for().post("/api/v1/auth/verify-email/", {"uid": "!!", "token": "x"}, "json")
    assert junk.status_code == 400


def test_resending_the_verification_needs_a_signed_in_user(anon_client):
    assert anon_client.post("/api/v1/auth/verify-email/resend/").status_code == 401
