"""The fake provider's webhook deliveries: POSTed, signed, until answered 2xx."""

import logging

import requests
from celery import shared_task
from django.utils import timezone

from booking.providers.fake.models import FakePspEvent
from booking.providers.fake.provider import SIGNATURE_HEADER, sign

log = logging.getLogger("booking.providers.fake")

MAX_DELIVERIES = 10


class WebhookNotAccepted(Exception):
    pass


@shared_task(bind=True, max_retries=MAX_DELIVERIES - 1, name="fake_psp.deliver_webhook")
def deliver_webhook(self, event_id: str) -> None:
    event = FakePspEvent.objects.filter(pk=event_id, delivered_at__isnull=True).first()
    if event is None:
        return
    if not event.url:  # its payment was never confirmed on the card page (settled in-process)
        log.info("webhook has no address", extra={"event": event.id})
        return
    body = event.body.encode()
    try:
        response = requests.post(
            event.url,
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(body)},
            timeout=10,
        )
        status = response.status_code
    except requests.RequestException as exc:
        log.warning("webhook not delivered", extra={"event": event.id, "error": str(exc)})
        status = None
    event.attempts += 1
    event.last_status = status
    if status is not None and 200 <= status < 300:
        event.delivered_at = timezone.now()
    event.save(update_fields=["attempts", "last_status", "delivered_at"])
    if event.delivered_at is None:
        # Like real providers: again after a growing pause (5 s, 10 s, 20 s … at most 10 min).
        raise self.retry(countdown=min(5 * 2**self.request.retries, 600), exc=WebhookNotAccepted(status))
