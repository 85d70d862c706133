from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    """Django's admin with the chain's own site (the dashboard on its index)."""

    default_site = "backoffice.sites.BackOfficeSite"
