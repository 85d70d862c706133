"""Sessions, Django's user and messages serve the admin and the web pages; the API gets a
session only from a request that carries the cookie (the pages'), never flash messages."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_admin_still_logs_in_with_a_session(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200 and response.wsgi_request.user == admin_user


def test_an_api_request_with_the_session_cookie_is_signed_in_and_gets_no_messages(admin_user):
    client = Client()
    client.force_login(admin_user)  # the pages' browser: its session cookie goes with every request
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 200 and response.json()["email"] == admin_user.email
    request = response.wsgi_request
    assert hasattr(request, "session") and not hasattr(request, "_messages")


def test_an_api_request_without_the_cookie_gets_no_session():
    response = Client().get("/api/v1/movies/")
    request = response.wsgi_request
    assert not hasattr(request, "session") and not hasattr(request, "_messages")
    assert settings.SESSION_COOKIE_NAME not in response.cookies and "Cookie" not in response.get("Vary", "")


def test_the_web_pages_keep_their_session_middleware(admin_user):
    client = Client()
    client.force_login(admin_user)
    request = client.get("/").wsgi_request
    assert request.user == admin_user and hasattr(request, "_messages")
