"""Health probes, request ids and JSON logs, metrics, production settings."""

import json
import logging
import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from cinema.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_live_and_ready_probes():
    client = Client()
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_ready_reports_a_cache_that_raises_as_degraded():
    # Django's own Redis backend (it raises) on a port where nothing listens: the
    # API still answers from the database, so the probe stays 200.
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=unreachable):
        response = Client().get("/health/ready")
    assert response.status_code == 200 and response.json()["checks"] == {"database": "ok", "cache": "degraded"}


def test_request_id_is_kept_returned_and_logged_once_as_json(caplog):
    caplog.set_level(logging.INFO, logger="cinema.access")
    response = Client().get("/api/v1/movies/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    records = [r for r in caplog.records if r.name == "cinema.access"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["path"] == "/api/v1/movies/" and line["status"] == 200 and line["method"] == "GET"
    assert "duration_ms" in line and "timestamp" in line


def test_a_bad_request_id_is_replaced():
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="no spaces\nor newlines")
    assert len(response["X-Request-ID"]) == 32


def test_metrics_include_business_counters(customer, session):
    from booking.services import ticket_hold

    ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    body = Client().get("/metrics").content.decode()
    assert "cinema_holds_created_total" in body and "django_http_requests_total" in body


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set for browser tests
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
    )


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "cinema.example",
    "PAYMENT_PROVIDER": "yookassa",
    "YOOKASSA_SHOP_ID": "123456",
    "YOOKASSA_SECRET_KEY": "live_key_from_the_environment",
}


def test_production_settings_pass_the_deploy_check_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_warns_of_the_fake_payment_provider():
    env = {**PRODUCTION, "PAYMENT_PROVIDER": "fake"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(60), **env)
    assert result.returncode != 0 and "booking.W001" in result.stderr + result.stdout


@pytest.mark.parametrize("key", ["", "short", "dev-insecure-only-for-local-runs-never-in-production"])
def test_production_refuses_a_missing_or_default_secret_key(key):
    result = _manage("check", DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
