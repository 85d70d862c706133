"""The chain's admin site: Django's, with the dashboard on the index page."""

from django.contrib import admin


def sees_dashboard(user) -> bool:
    """Managers and admins; moderators keep the plain index."""
    return bool(user.is_active and (user.is_superuser or getattr(user, "is_manager", False)))


class BackOfficeSite(admin.AdminSite):
    index_template = "admin/backoffice/index.html"

    def index(self, request, extra_context=None):
        context = dict(extra_context or {})
        if sees_dashboard(request.user):
            from backoffice.selectors import dashboard

            context["dashboard"] = dashboard()
        return super().index(request, context)
