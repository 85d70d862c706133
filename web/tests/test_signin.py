"""The pages sign in with Django's session cookie: /web/login/ and /web/logout/,
the API with that cookie (CSRF on unsafe methods), and a password change that
ends the other sessions."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def browser() -> Client:
    """A browser: CSRF checked as in production."""
    return Client(enforce_csrf_checks=True)


def page_token(client: Client, path: str = "/") -> str:
    """The CSRF token a page renders into <meta name="csrf-token">."""
    html = client.get(path).content.decode()
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', html).group(1)


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    token = page_token(client)
    return client.post(
        "/web/login/",
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        **extra,
    )


def _rates(**rates):
    base = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={**base, "DEFAULT_THROTTLE_RATES": {**base["DEFAULT_THROTTLE_RATES"], **rates}}
    )


def test_sign_in_sets_an_httponly_lax_session_cookie_and_names_the_user_in_the_header(customer):
    client = browser()
    page_token(client)
    before = client.cookies.get(settings.SESSION_COOKIE_NAME)
    response = sign_in(client, "  CUSTOMER@example.com ")  # the canonical address, as the API's login
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("email", "first_name", "last_name")} == {
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
    }
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert before is None or before.value != cookie.value  # a new session key
    assert "access" not in body and "refresh" not in body  # no token for a script to keep
    html = client.get("/").content.decode()
    assert 'id="sign-out"' in html and 'id="sign-in"' not in html and customer.email in html
    customer.refresh_from_db()
    assert customer.last_login_ip == "127.0.0.1"


def test_the_new_csrf_token_of_the_answer_works_for_the_next_call(customer):
    client = browser()
    token = sign_in(client, customer.email).json()["csrf_token"]
    response = client.patch(
        "/api/v1/auth/me/", {"first_name": "Ада"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and response.json()["first_name"] == "Ада"


def test_a_page_shows_sign_in_to_a_visitor():
    html = Client().get("/").content.decode()
    assert 'id="sign-in"' in html and 'id="sign-out"' not in html


@pytest.mark.parametrize(
    "language, message", [("en", "Wrong e-mail or password."), ("ru", "Неверный e-mail или пароль.")]
)
def test_a_wrong_password_is_a_400_in_the_visitors_language(customer, language, message):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    response = sign_in(client, customer.email, password="not-the-password")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials" and response.json()["message"] == message
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_an_inactive_account_cannot_sign_in(customer):
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    response = sign_in(browser(), customer.email)
    assert response.status_code == 400 and response.json()["code"] == "invalid_credentials"


def test_sign_in_without_the_csrf_token_is_a_403(customer):
    client = browser()
    page_token(client)  # the cookie alone is not enough
    response = client.post(
        "/web/login/", {"email": customer.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_sign_in_shares_the_apis_login_limits_per_ip_and_per_account(customer):
    with _rates(login_ip="100/min", login_account="2/min"):
        api = client_for()
        assert api.post("/api/v1/auth/login/", {"email": customer.email, "password": "x"}).status_code == 401
        client = browser()
        statuses = [sign_in(client, "Customer@Example.com", password="x").status_code for _ in range(2)]
    assert statuses == [400, 429]
    cache.clear()
    with _rates(login_ip="1/min", login_account="100/min"):
        client = browser()
        first = sign_in(client, "a@example.com", password="x")
        second = sign_in(client, customer.email)
    assert first.status_code == 400 and second.status_code == 429
    assert second.json()["code"] == "throttled"


def test_sign_out_ends_the_session(customer):
    client = browser()
    token = sign_in(client, customer.email).json()["csrf_token"]
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert client.post("/web/logout/", content_type="application/json", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert 'id="sign-in"' in client.get("/").content.decode()


def test_sign_out_without_the_csrf_token_is_a_403(customer):
    client = browser()
    sign_in(client, customer.email)
    assert client.post("/web/logout/", content_type="application/json").status_code == 403
    assert client.get("/api/v1/auth/me/").status_code == 200


def test_the_api_takes_the_cookie_and_wants_the_csrf_token_for_unsafe_methods(customer):
    client = browser()
    token = sign_in(client, customer.email).json()["csrf_token"]
    assert client.get("/api/v1/auth/me/").json()["email"] == customer.email  # a read needs no token
    refused = client.patch("/api/v1/auth/me/", {"first_name": "X"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert "CSRF" in refused.json()["message"]
    allowed = client.patch(
        "/api/v1/auth/me/", {"first_name": "X"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert allowed.status_code == 200


def test_a_bearer_token_needs_no_csrf_token(customer):
    api = Client(enforce_csrf_checks=True)
    access = api.post(
        "/api/v1/auth/login/", {"email": customer.email, "password": PASSWORD}, content_type="application/json"
    ).json()["access"]
    response = api.patch(
        "/api/v1/auth/me/", {"first_name": "Y"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {access}"
    )
    assert response.status_code == 200


def test_anonymous_reads_still_work_with_and_without_a_cookie(movie):
    assert Client().get("/api/v1/movies/").status_code == 200
    client = browser()
    page_token(client)
    assert client.get("/api/v1/movies/").status_code == 200
    assert client.get("/api/v1/tickets/").status_code == 401  # the cookie of a visitor is no sign-in


def test_a_bearer_client_without_the_cookie_gets_no_session(customer):
    response = client_for(customer).get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session") and "Cookie" not in response.get("Vary", "")


def test_cross_origin_callers_get_no_credentials(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example"]
    response = Client().get("/api/v1/movies/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "https://partner.example"
    assert "Access-Control-Allow-Credentials" not in response


def test_changing_the_password_signs_out_every_other_browser(customer):
    this, other = browser(), browser()
    token = sign_in(this, customer.email).json()["csrf_token"]
    sign_in(other, customer.email)
    assert other.get("/api/v1/auth/me/").status_code == 200
    response = this.post(
        "/api/v1/auth/change-password/",
        {"old_password": PASSWORD, "new_password": "A-new-long-pass-77"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 204
    assert other.get("/api/v1/auth/me/").status_code == 401  # signed out
    assert 'id="sign-in"' in other.get("/").content.decode()
    assert this.get("/api/v1/auth/me/").status_code == 200  # the browser that changed it stays in


def test_a_password_set_by_the_reset_link_signs_out_every_browser(customer):
    from accounts.services import user_set_password

    client = browser()
    sign_in(client, customer.email)
    user_set_password(user=customer, new_password="A-new-long-pass-77")
    assert client.get("/api/v1/auth/me/").status_code == 401
