from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FakePspConfig(AppConfig):
    """The fake payment provider: its own tables (``fake_psp_*``), its card page
    under ``/fake-psp/`` (404 unless it is the configured provider) and
    its webhook deliveries. Stands in for a real provider in development, tests
    and demos; nothing else imports its models."""

    name = "booking.providers.fake"
    label = "fake_psp"
    verbose_name = _("Fake payment provider")
    default_auto_field = "django.db.models.BigAutoField"
