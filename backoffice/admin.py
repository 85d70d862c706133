"""The audit trail as a list: every logged change, newest first, read only."""

from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import ModelAdmin

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditEntryAdmin(ModelAdmin):
    list_display = ("timestamp", "resource", "action_name", "changes_summary", "who")
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("timestamp", admin.DateFieldListFilter),
    )
    search_fields = ("object_repr", "actor__email", "actor_email")
    date_hierarchy = "timestamp"
    list_select_related = ("content_type", "actor")
    fields = ("timestamp", "who", "resource", "action_name", "changes_table")
    readonly_fields = fields
    actions = None
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("who"), ordering="actor__email")
    def who(self, entry):
        return entry.actor_email or entry.actor or _("system")

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, entry):
        return {
            LogEntry.Action.CREATE: _("created"),
            LogEntry.Action.UPDATE: _("changed"),
            LogEntry.Action.DELETE: _("deleted"),
        }.get(entry.action, entry.get_action_display())

    @admin.display(description=_("object"))
    def resource(self, entry):
        label = f"{entry.content_type.name}: {entry.object_repr}"
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change", args=[entry.object_pk]
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("before → after"))
    def changes_summary(self, entry):
        if entry.action == LogEntry.Action.CREATE:
            return format_html_join("", "<div><strong>{}</strong>: {}</div>", ((f, a) for f, _b, a in _changes(entry)))
        return format_html_join("", "<div><strong>{}</strong>: {} → {}</div>", _changes(entry))

    @admin.display(description=_("before → after"))
    def changes_table(self, entry):
        return self.changes_summary(entry)


def _changes(entry):
    for field, change in entry.changes_display_dict.items():
        before, after = (list(change) + ["", ""])[:2]
        yield field, before, after
