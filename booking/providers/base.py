"""What the booking services need from a payment provider, and nothing more.

A provider takes the card on its own page (we never see card data), tells us the
outcome by a webhook, answers questions about a payment, and returns money.
Every call may go over the network: the services make them with no database
transaction open, and pass an idempotency key wherever a call creates something,
so that repeating it after a timeout or a crash never charges or refunds twice.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpRequest


class ProviderError(Exception):
    """The provider could not be reached, or refused the call. Safe to retry with the same idempotency key."""


class WebhookRejected(Exception):
    """A webhook that does not come from the provider (bad or missing signature, unknown sender, bad body)."""


# Payment statuses, as every provider's are mapped to ours.
PENDING, SUCCEEDED, CANCELED = "pending", "succeeded", "canceled"


@dataclass(frozen=True)
class ProviderPayment:
    id: str
    status: str  # PENDING | SUCCEEDED | CANCELED
    confirmation_url: str = ""
    amount: Decimal | None = None
    currency: str = ""
    metadata: dict = field(default_factory=dict)
    failure_reason: str = ""  # why it was cancelled: card_declined, insufficient_funds, expired_on_confirmation…


@dataclass(frozen=True)
class ProviderRefund:
    id: str
    status: str  # PENDING | SUCCEEDED | CANCELED
    payment_id: str = ""
    failure_reason: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    """A notification, verified: ``id`` is unique per event and provider, ``type``
    one of ``payment.succeeded``, ``payment.canceled``, ``refund.succeeded``."""

    id: str
    type: str
    payment: ProviderPayment | None = None
    refund: ProviderRefund | None = None


@dataclass(frozen=True)
class ReceiptItem:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """What a fiscal receipt needs (Russian law 54-FZ): the buyer's contact and one line per ticket."""

    email: str
    items: list[ReceiptItem]


class PaymentProvider:
    name = "abstract"

    def create_payment(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        description: str,
        return_url: str,
        metadata: dict,
        receipt: Receipt | None = None,
    ) -> ProviderPayment:
        raise NotImplementedError

    def get_payment(self, payment_id: str) -> ProviderPayment:
        raise NotImplementedError

    def create_refund(self, *, idempotency_key: str, payment_id: str, amount: Decimal, currency: str) -> ProviderRefund:
        raise NotImplementedError

    def parse_webhook(self, request: HttpRequest) -> WebhookEvent:
        """The verified event of a webhook request, or ``WebhookRejected``."""
        raise NotImplementedError
