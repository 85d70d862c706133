"""cinema.jobs.enqueue: a job starts only after its transaction commits."""

import pytest
from celery import shared_task
from django.db import transaction

from cinema.jobs import enqueue

ran: list[str] = []


@shared_task(name="cinema.tests.record")
def record(value: str) -> None:
    ran.append(value)


@pytest.fixture(autouse=True)
def _clear():
    ran.clear()


@pytest.mark.django_db(transaction=True)
def test_job_runs_after_commit_not_before():
    with transaction.atomic():
        enqueue(record, "paid")
        assert ran == []
    assert ran == ["paid"]


@pytest.mark.django_db(transaction=True)
def test_job_of_a_rolled_back_transaction_never_runs():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(record, "paid")
        raise RuntimeError
    assert ran == []


@pytest.mark.django_db(transaction=True)
def test_unreachable_broker_does_not_fail_the_caller(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(record, "apply_async", refuse)
    with transaction.atomic():
        enqueue(record, "paid")
    assert ran == []
