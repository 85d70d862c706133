"""System checks of the booking app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def fake_payment_provider_in_production(app_configs, **kwargs):
    """The stand-in provider takes test cards on our own /fake-psp/ page: anyone could
    "pay" with 4242 4242 4242 4242. Fine for ``make run`` and demos, never for a shop."""
    if settings.DEBUG or settings.PAYMENT_PROVIDER != "fake":
        return []
    return [
        Warning(
            "PAYMENT_PROVIDER is 'fake': anyone can pay with a test card on /fake-psp/.",
            hint="Set PAYMENT_PROVIDER=yookassa with YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY (docs/DEPLOYMENT.md).",
            id="booking.W001",
        )
    ]
