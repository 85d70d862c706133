"""YooKassa (https://yookassa.ru/developers) through its official SDK.

Payments are created with an ``Idempotence-Key``, a redirect confirmation and
``capture: true`` (one step: the money is taken when the customer confirms),
the booking's reference in the metadata and, with ``YOOKASSA_RECEIPTS``, a
54-FZ receipt with one line per ticket. A notification's body is never
trusted: it only names the object, which is read back from the API (and the
sender's address may be checked against YooKassa's published networks).
"""

import ipaddress
import json
import logging
from urllib.parse import urljoin

from django.conf import settings
from yookassa import Configuration
from yookassa import Payment as YooPayment
from yookassa import Refund as YooRefund

from booking.providers.base import (
    CANCELED,
    PENDING,
    SUCCEEDED,
    PaymentProvider,
    ProviderError,
    ProviderPayment,
    ProviderRefund,
    WebhookEvent,
    WebhookRejected,
)

log = logging.getLogger("booking.providers.yookassa")

# YooKassa's notification senders, as its documentation publishes them
# (https://yookassa.ru/developers/using-api/webhooks#ip).
NETWORKS = [
    ipaddress.ip_network(net)
    for net in (
        "185.71.76.0/27",
        "185.71.77.0/27",
        "77.75.153.0/25",
        "77.75.156.11/32",
        "77.75.156.35/32",
        "77.75.154.128/25",
        "2a02:5180::/32",
    )
]

_STATUSES = {"pending": PENDING, "waiting_for_capture": PENDING, "succeeded": SUCCEEDED, "canceled": CANCELED}


def _configure() -> None:
    Configuration.configure(
        settings.YOOKASSA_SHOP_ID, settings.YOOKASSA_SECRET_KEY, api_url=settings.YOOKASSA_API_URL, max_attempts=1
    )


def _call(what: str, function, *args, **kwargs):
    """An SDK call with its errors (HTTP, network, odd answers) as ``ProviderError``."""
    _configure()
    try:
        return function(*args, **kwargs)
    except Exception as exc:  # the SDK raises its own errors, requests' and AttributeError on no response
        log.warning("yookassa call failed", extra={"call": what, "error": repr(exc)})
        raise ProviderError(f"YooKassa {what} failed: {exc}") from exc


def _payment(response) -> ProviderPayment:
    confirmation = getattr(response, "confirmation", None)
    details = getattr(response, "cancellation_details", None)
    return ProviderPayment(
        id=response.id,
        status=_STATUSES.get(response.status, PENDING),
        confirmation_url=getattr(confirmation, "confirmation_url", "") or "",
        amount=response.amount.value,
        currency=response.amount.currency,
        metadata=dict(response.metadata or {}),
        failure_reason=getattr(details, "reason", "") or "",
    )


def _refund(response) -> ProviderRefund:
    return ProviderRefund(
        id=response.id, status=_STATUSES.get(response.status, PENDING), payment_id=response.payment_id or ""
    )


def receipt_body(receipt) -> dict:
    return {
        "customer": {"email": receipt.email},
        "items": [
            {
                "description": item.description[:128],
                "quantity": 1,
                "amount": {"value": f"{item.amount:.2f}", "currency": "RUB"},
                "vat_code": settings.YOOKASSA_VAT_CODE,
                "payment_mode": "full_payment",
                "payment_subject": "service",
            }
            for item in receipt.items
        ],
    }


class YooKassaProvider(PaymentProvider):
    name = "yookassa"

    def create_payment(self, *, idempotency_key, amount, currency, description, return_url, metadata, receipt=None):
        body = {
            "amount": {"value": f"{amount:.2f}", "currency": currency},
            # A path from our pages ("/orders/<ref>/") means our site: YooKassa needs the whole address.
            "confirmation": {"type": "redirect", "return_url": urljoin(f"{settings.SITE_URL}/", return_url)},
            "capture": True,
            "description": description[:128],
            "metadata": metadata,
        }
        if settings.YOOKASSA_RECEIPTS and receipt is not None:
            body["receipt"] = receipt_body(receipt)
        return _payment(_call("payment create", YooPayment.create, body, idempotency_key))

    def get_payment(self, payment_id):
        return _payment(_call("payment read", YooPayment.find_one, payment_id))

    def create_refund(self, *, idempotency_key, payment_id, amount, currency):
        body = {"payment_id": payment_id, "amount": {"value": f"{amount:.2f}", "currency": currency}}
        return _refund(_call("refund create", YooRefund.create, body, idempotency_key))

    def parse_webhook(self, request):
        if settings.YOOKASSA_CHECK_IP:
            try:
                sender = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
            except ValueError:
                raise WebhookRejected("No sender address.") from None
            if not any(sender in net for net in NETWORKS):
                raise WebhookRejected(f"{sender} is not one of YooKassa's addresses.")
        try:
            data = json.loads(request.body)
            event, object_id = data["event"], str(data["object"]["id"])
        except (ValueError, TypeError, KeyError) as exc:
            raise WebhookRejected("Malformed notification.") from exc
        # What happened is what the API says now, not what the body claims.
        if event.startswith("payment."):
            payment = self.get_payment(object_id)
            if payment.status == PENDING:
                raise WebhookRejected(f"Payment {object_id} is still pending at YooKassa.")
            kind = f"payment.{payment.status}"
            return WebhookEvent(id=f"{kind}:{payment.id}", type=kind, payment=payment)
        if event == "refund.succeeded":
            refund = _refund(_call("refund read", YooRefund.find_one, object_id))
            if refund.status != SUCCEEDED:
                raise WebhookRejected(f"Refund {object_id} has not succeeded at YooKassa.")
            return WebhookEvent(id=f"refund.succeeded:{refund.id}", type="refund.succeeded", refund=refund)
        raise WebhookRejected(f"Unsupported event {event!r}.")
