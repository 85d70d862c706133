"""Helpers that let admin forms and actions use the services' rules."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from cinema.errors import ApplicationError, ValidationFailed


def add_service_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: per field where it names fields."""
    fields = getattr(exc, "fields", {}) if isinstance(exc, ValidationFailed) else {}
    placed = False
    for field, field_messages in fields.items():
        if field in form.fields:
            for message in field_messages:
                form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def run_action(modeladmin, request, queryset, service, success: str) -> None:
    """Apply ``service(obj)`` to each selected object, reporting each refusal."""
    done = 0
    for obj in queryset:
        try:
            service(obj)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, success.format(count=done), messages.SUCCESS)


class ActionPermissionMixin:
    """Answers 403 to a posted admin action the user may not run.

    Django leaves an action out of the list when its ``permissions`` are not the
    user's, but a hand-made POST naming it only gets "no action selected" (or the
    plain list); a refusal should say so. Every ModelAdmin of the site has this
    (a test walks them all)."""

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" not in request.POST:
            posted = {name for name in request.POST.getlist("action") if name}
            if posted - set(self.get_actions(request)):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ModelAdmin(ActionPermissionMixin, admin.ModelAdmin):
    """The base of every ModelAdmin in the project."""


class AuditHistoryMixin(AuditlogHistoryAdminMixin):
    """The object's History button shows its audit trail (django-auditlog): who
    changed which field, when, before → after, whether in the admin or the API."""

    auditlog_history_template = "admin/audit_history.html"
    auditlog_history_per_page = 50

    def history_view(self, request, object_id, extra_context=None):
        return self.auditlog_history_view(request, object_id, extra_context)
