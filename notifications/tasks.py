"""Jobs of the outbox: send one message, queue reminders, sweep lost sends."""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.send", bind=True, max_retries=None)
def send_message(self, key: str) -> str:
    """Send the message with this key, once. An SMTP error is retried with a
    growing pause until MESSAGE_MAX_ATTEMPTS (counted in the database, so a
    re-queued job does not start the count again); then the message is failed."""
    outcome = services.message_send(key=key)
    if outcome.status == "retry":
        raise self.retry(countdown=services.retry_delay(outcome.attempts))
    return outcome.status


@shared_task(name="notifications.queue_reminders")
def queue_reminders() -> int:
    return services.reminders_queue()


@shared_task(name="notifications.sweep")
def sweep() -> int:
    return services.messages_sweep()
