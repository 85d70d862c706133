from auditlog.apps import AuditlogConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class BackOfficeAdminConfig(AdminConfig):
    """Django's admin with the chain's own site (the dashboard on its index)."""

    default_site = "backoffice.sites.BackOfficeSite"


class AuditTrailConfig(AuditlogConfig):
    """django-auditlog under the name the back office gives it, in both languages."""

    verbose_name = _("Audit trail")
