"""Rate limits: atomic counting, per-IP and per-account login limits, no spoofing."""

import pytest
from django.conf import settings
from django.test import override_settings

from conftest import client_for

pytestmark = pytest.mark.django_db


def _rates(**rates):
    base = settings.REST_FRAMEWORK
    return override_settings(
        REST_FRAMEWORK={**base, "DEFAULT_THROTTLE_RATES": {**base["DEFAULT_THROTTLE_RATES"], **rates}}
    )


def _login(client, email="nobody@example.com", **extra):
    return client.post("/api/v1/auth/login/", {"email": email, "password": "wrong"}, format="json", **extra)


def test_login_is_limited_per_ip_and_answers_429_in_the_envelope():
    with _rates(login_ip="3/min", login_account="100/min"):
        client = client_for()
        statuses = [_login(client, f"u{i}@example.com").status_code for i in range(5)]
        last = _login(client, "z@example.com")
    assert statuses == [401, 401, 401, 429, 429]
    assert last.json()["code"] == "throttled" and "retry_after_seconds" in last.json()["details"]


def test_login_is_limited_per_account_whatever_the_ip():
    with _rates(login_ip="100/min", login_account="2/min"):
        client = client_for()
        statuses = [_login(client, "Target@Example.com", REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(4)]
    assert statuses == [401, 401, 429, 429]


def test_a_made_up_forwarded_for_does_not_escape_the_ip_limit():
    with _rates(login_ip="2/min", login_account="100/min"):
        client = client_for()
        statuses = [
            _login(client, f"u{i}@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(3)
        ]
    assert statuses[-1] == 429
