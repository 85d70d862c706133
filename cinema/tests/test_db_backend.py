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


def test_statements_and_their_errors_are_counted_as_django_prometheus_counts_them():
    from django.db import DatabaseError, transaction
    from django_prometheus.db import errors_total, execute_many_total, execute_total, query_duration_seconds

    def value(metric, *labels, sample="_total"):
        name = metric._name + sample
        return sum(
            s.value
            for m in metric.labels(*labels).collect()
            for s in m.samples
            if s.name == name and s.labels.get("type", labels[-1]) == labels[-1]
        )

    executed, timed = (
        value(execute_total, "default", "postgresql"),
        value(query_duration_seconds, "default", "postgresql", sample="_count"),
    )
    failed, many = (
        value(errors_total, "default", "postgresql", "UndefinedTable"),
        value(execute_many_total, "default", "postgresql"),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.executemany("SELECT %s", [(1,), (2,)])
    assert value(execute_total, "default", "postgresql") == executed + 3
    assert value(execute_many_total, "default", "postgresql") == many + 2
    assert value(query_duration_seconds, "default", "postgresql", sample="_count") == timed + 2
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert value(errors_total, "default", "postgresql", "UndefinedTable") == failed + 1
