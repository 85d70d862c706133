"""Payment providers: ``get_provider()`` is the one chosen by ``PAYMENT_PROVIDER`` (fake | yookassa)."""

from django.conf import settings
from django.utils.module_loading import import_string

from booking.providers.base import PaymentProvider

PROVIDERS = {
    "fake": "booking.providers.fake.provider.FakeProvider",
    "yookassa": "booking.providers.yookassa.YooKassaProvider",
}


def get_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider, or the one called ``name`` (its webhooks and older payments)."""
    name = name or settings.PAYMENT_PROVIDER
    if name not in PROVIDERS:
        raise LookupError(f"Unknown payment provider {name!r}.")
    return import_string(PROVIDERS[name])()
