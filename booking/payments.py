"""The payment gateway interface and the built-in fake provider.

A real provider implements ``PaymentGateway`` and is chosen with the
``PAYMENT_GATEWAY`` setting (a dotted path). The fake one approves every card
except the documented test numbers below, which it declines with a reason.
Nothing here touches the database: the booking services record the outcome.
"""

import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str = ""
    decline_code: str = ""
    decline_reason: str = ""


class PaymentGateway:
    name = "abstract"

    def charge(
        self, *, amount: Decimal, currency: str, method: str, card_number: str, description: str, idempotency_key: str
    ) -> ChargeResult:
        raise NotImplementedError

    def refund(self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str) -> ChargeResult:
        raise NotImplementedError


# Test cards of the fake gateway (any other number is approved).
DECLINING_CARDS = {
    "4000000000000002": ("card_declined", "The card was declined by the issuer."),
    "4000000000009995": ("insufficient_funds", "Insufficient funds on the card."),
    "4000000000000069": ("expired_card", "The card has expired."),
}


class FakeGateway(PaymentGateway):
    """Deterministic stand-in for a card processor (development, tests, demos)."""

    name = "fake"

    def charge(self, *, amount, currency, method, card_number, description, idempotency_key):
        digits = "".join(ch for ch in (card_number or "") if ch.isdigit())
        if digits in DECLINING_CARDS:
            code, reason = DECLINING_CARDS[digits]
            return ChargeResult(approved=False, decline_code=code, decline_reason=reason)
        return ChargeResult(approved=True, reference=f"fake_ch_{secrets.token_hex(10)}")

    def refund(self, *, charge_reference, amount, currency, idempotency_key):
        return ChargeResult(approved=True, reference=f"fake_re_{secrets.token_hex(10)}")


@cache
def _gateway_class(path: str) -> type[PaymentGateway]:
    return import_string(path)


def get_gateway() -> PaymentGateway:
    return _gateway_class(settings.PAYMENT_GATEWAY)()
