"""The outbox's promises: once per key, after commit, one sender, retries with
a limit, the sweep picks up lost jobs, managers can send again."""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from conftest import client_for
from notifications import metrics, services, tasks
from notifications.models import Message, MessageKind, MessageStatus
from notifications.tests import backends

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.FlakyBackend"
    yield backends.refuse
    backends.failures.clear()


def record(user, committed, about="booking-1"):
    with committed():
        with transaction.atomic():
            key = services.message_record(kind=MessageKind.PASSWORD_RESET, about=about, user_id=user.pk)
    return key


def sample(metric, **labels) -> float:
    return metric.labels(**labels)._value.get()


def test_the_same_message_is_recorded_and_sent_once(customer, committed):
    record(customer, committed)
    record(customer, committed)  # a retried request, a re-run schedule
    assert Message.objects.count() == 1 and len(mail.outbox) == 1
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id


def test_nothing_is_queued_before_the_commit(customer, jobs_held):
    with transaction.atomic():
        services.message_record(kind=MessageKind.PASSWORD_RESET, about="x", user_id=customer.pk)
        assert jobs_held == []
    # the test's own transaction never commits: the job stays unqueued
    assert jobs_held == [] and mail.outbox == []


def test_a_claimed_message_is_not_sent_by_a_second_job(customer, jobs_held):
    key = services.message_record(kind=MessageKind.PASSWORD_RESET, about="x", user_id=customer.pk)
    first = services.message_claim(key=key)
    assert first is not None and first.status == MessageStatus.SENDING
    assert services.message_send(key=key).status == "skipped"  # the broker redelivered the job
    assert mail.outbox == []


def test_smtp_errors_are_retried_then_sent(customer, committed, flaky):
    flaky(2)
    retried = sample(metrics.tasks, task="notifications.send", outcome="retried")
    sent = sample(metrics.messages_sent, kind="password_reset")
    record(customer, committed)
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT and message.attempts == 3 and len(mail.outbox) == 1
    assert sample(metrics.tasks, task="notifications.send", outcome="retried") == retried + 2
    assert sample(metrics.messages_sent, kind="password_reset") == sent + 1


def test_after_the_last_attempt_the_message_is_failed_with_the_error(customer, committed, flaky, settings):
    settings.MESSAGE_MAX_ATTEMPTS = 3
    flaky(5)
    failed = sample(metrics.messages_failed, kind="password_reset")
    record(customer, committed)
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED and message.attempts == 3
    assert "SMTPServerDisconnected" in message.last_error and mail.outbox == []
    assert sample(metrics.messages_failed, kind="password_reset") == failed + 1


def test_a_permanent_refusal_is_not_retried(customer, committed, flaky):
    flaky(1, smtplib.SMTPRecipientsRefused({"customer@example.com": (550, b"No such user")}))
    record(customer, committed)
    message = Message.objects.get()
    assert message.status == MessageStatus.FAILED and message.attempts == 1


def test_the_backoff_grows_and_stays_under_the_sweeps_age(settings):
    delays = [services.retry_delay(n) for n in range(1, 8)]
    assert delays[:4] == [30, 60, 120, 240] and max(delays) == 300 < settings.MESSAGE_STALE_SECONDS


def test_a_broker_down_at_commit_leaves_the_message_for_the_sweep(customer, committed, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.send_message, "apply_async", refuse)
        key = record(customer, committed)
    message = Message.objects.get(key=key)
    assert message.status == MessageStatus.QUEUED and mail.outbox == []
    assert services.messages_sweep() == 0  # too fresh: its job may still be on its way
    with committed():
        assert services.messages_sweep(now=timezone.now() + timedelta(minutes=11)) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and len(mail.outbox) == 1


def test_a_send_left_half_done_by_a_dead_worker_is_resent_with_the_same_message_id(customer, jobs_held):
    key = services.message_record(kind=MessageKind.PASSWORD_RESET, about="x", user_id=customer.pk)
    assert services.message_claim(key=key) is not None  # claimed; the worker dies here
    assert services.message_send(key=key).status == "skipped"  # not while it may still be sending
    later = timezone.now() + timedelta(minutes=11)
    assert services.messages_sweep(now=later) == 1
    Message.objects.filter(key=key).update(updated_at=timezone.now() - timedelta(minutes=11))
    assert services.message_send(key=key).status == "sent"
    message = Message.objects.get(key=key)
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id and message.attempts == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_with_the_same_job_send_it_once(customer, jobs_held):
    key = services.message_record(kind=MessageKind.PASSWORD_RESET, about="x", user_id=customer.pk)
    start = threading.Barrier(8)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(services.message_send(key=key).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7, outcomes
    assert len(mail.outbox) == 1


def test_managers_see_the_outbox_and_send_again(customer, manager, committed):
    key = record(customer, committed)
    message = Message.objects.get(key=key)
    first_id = message.message_id
    browser = Client()
    browser.force_login(manager)
    listing = browser.get("/admin/notifications/message/")
    assert listing.status_code == 200 and "customer@example.com" in listing.content.decode()
    with committed():
        response = browser.post(
            "/admin/notifications/message/", {"action": "send_again", "_selected_action": [message.pk]}
        )
    assert response.status_code == 302
    message.refresh_from_db()
    assert len(mail.outbox) == 2 and message.status == MessageStatus.SENT and message.message_id != first_id


def test_moderators_do_not_see_the_outbox(moderator):
    browser = Client()
    browser.force_login(moderator)
    assert browser.get("/admin/notifications/message/").status_code == 403


def test_counters_are_in_metrics(customer, committed):
    record(customer, committed)
    body = client_for().get("/metrics").content.decode()
    assert 'cinema_messages_sent_total{kind="password_reset"}' in body
    assert 'cinema_tasks_total{outcome="succeeded",task="notifications.send"}' in body


def test_a_refused_login_is_retried_not_given_up(customer, committed, flaky):
    flaky(1, smtplib.SMTPAuthenticationError(535, b"Authentication credentials invalid"))
    record(customer, committed)
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT and message.attempts == 2
