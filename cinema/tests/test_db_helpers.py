"""cinema.db: the one raw-SQL helper, a lock mode the ORM lacks."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from cinema.db import lock_for_key_share
from scheduling.models import Session


@pytest.mark.django_db(transaction=True)  # outside any transaction for the second half
def test_it_says_whether_the_row_exists_and_only_runs_inside_a_transaction(session):
    with transaction.atomic():
        assert lock_for_key_share(Session, session.pk) is True
        assert lock_for_key_share(Session, 10**9) is False
    with pytest.raises(transaction.TransactionManagementError):
        lock_for_key_share(Session, session.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_shared_locks_coexist_with_each_other_and_counter_updates_but_keep_out_an_exclusive_lock(session):
    """While one transaction holds the row FOR KEY SHARE, another can take the
    same lock and update the row's counters, but not lock it FOR UPDATE."""
    holding, release, seen = threading.Event(), threading.Event(), {}

    def holder():
        try:
            with transaction.atomic():
                lock_for_key_share(Session, session.pk)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout TO '5s'")  # a wait would fail the test, not hang it
            seen["shared"] = lock_for_key_share(Session, session.pk)
            seen["counted"] = Session.objects.filter(pk=session.pk).update(seats_sold=0)
        with pytest.raises(DatabaseError), transaction.atomic():
            Session.objects.select_for_update(nowait=True).filter(pk=session.pk).first()
    finally:
        release.set()
        thread.join(timeout=30)
    assert seen == {"shared": True, "counted": 1}
