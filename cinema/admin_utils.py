"""Helpers that let admin forms and actions use the services' rules."""

from django import forms
from django.contrib import messages

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
