"""The fake provider's API, as the booking services call it, and its webhooks.

Its state lives in its own tables, so its pages, its webhook jobs and any
process of ours see the same payments. ``PAYMENT_FAKE_LATENCY_MS`` makes every
API call wait that long first, like a real provider across the internet.
"""

import hashlib
import hmac
import json
import secrets
import time
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from booking.providers.base import (
    CANCELED,
    SUCCEEDED,
    PaymentProvider,
    ProviderError,
    ProviderPayment,
    ProviderRefund,
    WebhookEvent,
    WebhookRejected,
)
from booking.providers.fake.models import FakePspEvent, FakePspPayment, FakePspRefund
from cinema.jobs import enqueue

SIGNATURE_HEADER = "X-Fake-PSP-Signature"
EVENT_TYPES = ("payment.succeeded", "payment.canceled", "refund.succeeded")

# Test cards (any other well-formed number is approved).
APPROVED_REFUSING_REFUNDS = "4000000000000341"
ASKS_3DS = "4000000000003220"
THREE_DS_CODE = "1234"
DECLINING_CARDS = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
}


def wait_like_a_network() -> None:
    """The simulated round trip to the provider (tests replace it to observe the wait)."""
    if settings.PAYMENT_FAKE_LATENCY_MS:
        time.sleep(settings.PAYMENT_FAKE_LATENCY_MS / 1000)


def sign(body: bytes) -> str:
    key = settings.PAYMENT_FAKE_WEBHOOK_SECRET.encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _money(value: Decimal, currency: str) -> dict:
    return {"value": f"{value:.2f}", "currency": currency}


def payment_object(payment: FakePspPayment) -> dict:
    body = {
        "id": payment.id,
        "status": payment.status,
        "amount": _money(payment.amount, payment.currency),
        "metadata": payment.metadata,
    }
    if payment.cancellation_reason:
        body["cancellation_details"] = {"reason": payment.cancellation_reason}
    return body


def _as_provider_payment(payment: FakePspPayment) -> ProviderPayment:
    return ProviderPayment(
        id=payment.id,
        status=payment.status,
        confirmation_url=reverse("fake-psp-checkout", kwargs={"payment_id": payment.id}),
        amount=payment.amount,
        currency=payment.currency,
        metadata=payment.metadata,
        failure_reason=payment.cancellation_reason,
    )


def emit(event_type: str, obj: dict, url: str) -> FakePspEvent:
    """Record a webhook and queue its delivery (after the current transaction commits)."""
    event_id = _new_id("evt")
    body = json.dumps({"id": event_id, "type": event_type, "object": obj}, separators=(",", ":"))
    event = FakePspEvent.objects.create(id=event_id, type=event_type, body=body, url=url)
    from booking.providers.fake.tasks import deliver_webhook

    enqueue(deliver_webhook, event.id)
    return event


def settle(payment: FakePspPayment, *, status: str, reason: str = "", card: str = "") -> None:
    """The customer's answer on the card page: the payment's outcome, and its webhook."""
    payment.status = status
    payment.cancellation_reason = reason
    payment.awaiting_3ds = False
    if card:
        payment.card_last4 = card[-4:]
        payment.refuses_refunds = card == APPROVED_REFUSING_REFUNDS
    payment.save()
    emit(f"payment.{status}", payment_object(payment), payment.webhook_url)


def pay_on_page(payment: FakePspPayment, *, card_number: str = "", code: str = "") -> str:
    """What the customer does on the card page (``payment`` locked): enter a card,
    then a 3-D Secure code if asked. Returns ``settled``, ``3ds`` (code needed) or
    ``invalid`` (not a card number)."""
    if payment.awaiting_3ds:
        if code.strip() == THREE_DS_CODE:
            settle(payment, status=SUCCEEDED)
        else:
            settle(payment, status=CANCELED, reason="3d_secure_failed")
        return "settled"
    card = "".join(card_number.split())
    if not (card.isdigit() and 12 <= len(card) <= 19):
        return "invalid"
    if card in DECLINING_CARDS:
        settle(payment, status=CANCELED, reason=DECLINING_CARDS[card], card=card)
    elif card == ASKS_3DS:
        payment.awaiting_3ds, payment.card_last4 = True, card[-4:]
        payment.save()
        return "3ds"
    else:
        settle(payment, status=SUCCEEDED, card=card)
    return "settled"


class FakeProvider(PaymentProvider):
    name = "fake"

    def create_payment(self, *, idempotency_key, amount, currency, description, return_url, metadata, receipt=None):
        wait_like_a_network()
        # Called with no transaction open (the services' rule for providers), the
        # insert is a transaction of its own; a savepoint only inside one (tests).
        guard = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
        try:
            with guard:
                payment = FakePspPayment.objects.create(
                    id=_new_id("fakepay"),
                    idempotency_key=idempotency_key,
                    amount=amount,
                    currency=currency,
                    description=description[:255],
                    return_url=return_url,
                    metadata=metadata,
                )
        except IntegrityError:  # the same key again: the first request's payment, as a real provider answers
            payment = FakePspPayment.objects.get(idempotency_key=idempotency_key)
        return _as_provider_payment(payment)

    def get_payment(self, payment_id):
        wait_like_a_network()
        payment = FakePspPayment.objects.filter(pk=payment_id).first()
        if payment is None:
            raise ProviderError(f"No payment {payment_id}.")
        return _as_provider_payment(payment)

    def create_refund(self, *, idempotency_key, payment_id, amount, currency):
        wait_like_a_network()
        with transaction.atomic():
            payment = FakePspPayment.objects.select_for_update().filter(pk=payment_id).first()
            if payment is None or payment.status != SUCCEEDED:
                raise ProviderError(f"Payment {payment_id} cannot be refunded.")
            refund = payment.refunds.filter(idempotency_key=idempotency_key).first()
            if refund is not None:
                return ProviderRefund(id=refund.id, status=refund.status, payment_id=payment.id)
            if payment.refuses_refunds:
                raise ProviderError("The issuer refused the refund.")
            refunded = sum((r.amount for r in payment.refunds.all()), Decimal("0"))
            if refunded + amount > payment.amount:
                raise ProviderError("The refund exceeds what is left of the payment.")
            refund = FakePspRefund.objects.create(
                id=_new_id("fakere"), idempotency_key=idempotency_key, payment=payment, amount=amount
            )
            emit(
                "refund.succeeded",
                {
                    "id": refund.id,
                    "status": refund.status,
                    "amount": _money(amount, payment.currency),
                    "payment_id": payment.id,
                    "metadata": payment.metadata,
                },
                payment.webhook_url,
            )
        return ProviderRefund(id=refund.id, status=refund.status, payment_id=payment.id)

    def parse_webhook(self, request):
        body = request.body
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given, sign(body)):
            raise WebhookRejected("Bad or missing signature.")
        try:
            data = json.loads(body)
            event_id, event_type, obj = str(data["id"]), data["type"], data["object"]
            object_id, status = str(obj["id"]), obj["status"]
            metadata = obj.get("metadata") or {}
            amount = obj.get("amount") or {}
            value = Decimal(str(amount["value"])) if "value" in amount else None
        except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
            raise WebhookRejected("Malformed event body.") from exc
        if event_type not in EVENT_TYPES or not event_id or not isinstance(metadata, dict):
            raise WebhookRejected(f"Unsupported event {event_type!r}.")
        if event_type == "refund.succeeded":
            refund = ProviderRefund(id=object_id, status=status, payment_id=str(obj.get("payment_id", "")))
            return WebhookEvent(id=event_id, type=event_type, refund=refund)
        reason = (obj.get("cancellation_details") or {}).get("reason", "") if status == CANCELED else ""
        payment = ProviderPayment(
            id=object_id,
            status=status,
            amount=value,
            currency=str(amount.get("currency", "")),
            metadata=metadata,
            failure_reason=str(reason),
        )
        return WebhookEvent(id=event_id, type=event_type, payment=payment)


def pay_through_fake(user, booking, *, card: str = "4242424242424242", key: str | None = None):
    """Pay a held booking as a customer would (demo data, tests): start the
    payment, enter ``card`` on the card page, and settle it as its webhook would,
    in this process. Returns the payment."""
    import uuid

    from booking.models import Payment
    from booking.services.payments import payment_settle, ticket_pay

    ticket = booking.tickets.order_by("pk").first()
    started = ticket_pay(user=user, ticket_id=ticket.pk, idempotency_key=key or uuid.uuid4().hex)
    with transaction.atomic():
        page = FakePspPayment.objects.select_for_update().get(pk=started.payment.provider_reference)
        pay_on_page(page, card_number=card)
    answer = FakeProvider().get_payment(started.payment.provider_reference)
    payment_settle(payment_id=started.payment.pk, answer=answer)
    return Payment.objects.get(pk=started.payment.pk)
