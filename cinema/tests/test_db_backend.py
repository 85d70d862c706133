"""PostgreSQL connections: the health check only after idling, a transaction's BEGIN with its first statement."""

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


# --- BEGIN with the first statement ------------------------------------------


def _transaction_id(cursor):
    cursor.execute("SELECT txid_current()", [])
    return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_an_atomic_block_is_one_transaction_whose_begin_goes_with_its_first_statement(round_trips):
    from django.db import transaction

    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            first, waits = round_trips(lambda: _transaction_id(cursor))
            assert waits == 1  # BEGIN and the statement together
            assert _transaction_id(cursor) == first  # still the same transaction
    with connection.cursor() as cursor:  # autocommit again: each statement its own transaction
        assert _transaction_id(cursor) != first != _transaction_id(cursor)
    assert connection.connection.info.transaction_status == 0  # IDLE: committed


@pytest.mark.django_db(transaction=True)
def test_a_failed_block_rolls_back_everything_it_wrote_and_savepoints_still_work(customer):
    from django.db import transaction

    from accounts.models import User

    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.filter(pk=customer.pk).update(first_name="Changed")
        with transaction.atomic():  # a savepoint
            User.objects.filter(pk=customer.pk).update(last_name="Inner")
        raise RuntimeError
    customer.refresh_from_db()
    assert customer.first_name != "Changed" and customer.last_name != "Inner"

    with transaction.atomic():
        User.objects.filter(pk=customer.pk).update(first_name="Outer")
        try:
            with transaction.atomic():
                User.objects.filter(pk=customer.pk).update(last_name="Undone")
                raise RuntimeError
        except RuntimeError:
            pass
    customer.refresh_from_db()
    assert (customer.first_name, customer.last_name) != ("Outer", "Undone") and customer.first_name == "Outer"


@pytest.mark.django_db(transaction=True)
def test_an_empty_block_sends_nothing_and_a_block_without_parameters_still_begins(round_trips):
    from django.db import transaction

    connection.ensure_connection()

    def empty():
        with transaction.atomic():
            pass

    assert round_trips(empty)[1] == 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1; SELECT 2")  # no parameters: a simple query, after its own BEGIN
        assert connection.connection.info.transaction_status == 2  # INTRANS


@pytest.mark.django_db(transaction=True)
def test_rows_streamed_by_a_server_side_cursor_inside_a_block(customer, other_customer):
    from django.db import transaction

    from accounts.models import User

    with transaction.atomic():
        User.objects.filter(pk=customer.pk).update(first_name="Seen")
        streamed = {u.first_name for u in User.objects.filter(pk__in=[customer.pk, other_customer.pk]).iterator(1)}
    assert "Seen" in streamed


@pytest.mark.django_db(transaction=True)
def test_autocommit_turned_off_by_hand_is_still_a_transaction(customer):
    from django.db import transaction

    from accounts.models import User

    transaction.set_autocommit(False)
    try:
        User.objects.filter(pk=customer.pk).update(first_name="Uncommitted")
        transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    customer.refresh_from_db()
    assert customer.first_name != "Uncommitted"
