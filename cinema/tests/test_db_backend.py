"""PostgreSQL connections skip the health check only right after serving a request."""

import time

import pytest
from django.db import connections

from cinema.db_backends.postgresql import base

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


connection = connections["default"]


@pytest.fixture
def checks(monkeypatch):
    calls = []
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setattr(connection, "is_usable", lambda: calls.append(1) or True)
    return calls


def _new_request():
    connection.health_check_done = False


def test_a_connection_that_just_served_a_request_is_not_checked_again(checks):
    connection.errors_occurred = False
    connection.in_atomic_block, atomic = False, connection.in_atomic_block  # as between two requests
    try:
        base._served()  # what request_finished runs (not the signal itself: it would close the test's connection)
    finally:
        connection.in_atomic_block = atomic
    _new_request()
    connection.close_if_health_check_failed()
    assert checks == [] and connection.health_check_done


def test_an_idle_connection_is_checked(checks):
    connection.good_at = time.monotonic() - base.HEALTH_CHECK_AFTER_IDLE - 0.1
    _new_request()
    connection.close_if_health_check_failed()
    assert checks == [1]


def test_a_connection_whose_request_failed_is_checked(checks):
    connection.good_at = float("-inf")
    connection.errors_occurred = True
    try:
        base._served()  # what request_finished runs (not the signal itself: it would close the test's connection)
        assert connection.good_at == float("-inf")
    finally:
        connection.errors_occurred = False
    _new_request()
    connection.close_if_health_check_failed()
    assert checks == [1]
