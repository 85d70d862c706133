from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import ModelAdmin, run_action
from notifications.models import Message
from notifications.services import message_resend


@admin.register(Message)
class MessageAdmin(ModelAdmin):
    """The outbox, read-only: what was sent to whom, and what failed and why."""

    list_display = ("created_at", "kind", "recipient", "status", "attempts", "sent_at", "short_error")
    list_filter = ("status", "kind", "language")
    search_fields = ("recipient", "key", "message_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["send_again"]

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            lambda message: message_resend(message=message),
            _("{count} message(s) queued to be sent again."),
        )

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.resend_message")
