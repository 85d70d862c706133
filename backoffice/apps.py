from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackOfficeConfig(AppConfig):
    """The back office on top of every other app: dashboard, audit trail."""

    name = "backoffice"
    verbose_name = _("Back office")

    def ready(self):
        from backoffice import audit

        audit.connect()
