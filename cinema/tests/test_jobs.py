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


def test_every_scheduled_job_is_a_registered_task(settings):
    from cinema.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "booking.expire_holds", "booking.payments_reconcile", "notifications.queue_reminders", "notifications.sweep"
    }
    assert scheduled <= set(app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE["expire-holds"]["schedule"] == 60.0


@pytest.mark.django_db
def test_the_expiry_job_retires_lapsed_holds(customer, session):
    from datetime import timedelta

    from django.utils import timezone

    from booking.models import Booking, Ticket, TicketStatus
    from booking.services import ticket_hold
    from booking.tasks import expire_holds

    booking = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    lapsed = timezone.now() - timedelta(seconds=1)
    Ticket.objects.filter(booking=booking).update(reserved_until=lapsed)
    Booking.objects.filter(pk=booking.pk).update(reserved_until=lapsed)
    assert expire_holds.delay().get() == [1, 1]
    assert Ticket.objects.get(booking=booking).status == TicketStatus.EXPIRED
