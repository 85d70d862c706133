from django import forms
from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import AuditHistoryMixin, ModelAdmin, add_service_error
from cinema.errors import ApplicationError
from scheduling import board
from scheduling.models import Session
from scheduling.services import session_create, session_update


class SessionForm(forms.ModelForm):
    """Runs the scheduling service's rules (overlap, sales window, prices) in clean(),
    so the admin refuses exactly what the API refuses, with a readable message."""

    class Meta:
        model = Session
        fields = (
            "movie",
            "hall",
            "starts_at",
            "base_price",
            "premium_price",
            "vip_price",
            "love_price",
            "wheelchair_price",
            "currency",
            "format",
            "audio_language",
            "subtitles_language",
            "status",
            "is_premiere",
            "sales_open_at",
            "sales_close_at",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("premium_price", "vip_price", "love_price", "wheelchair_price"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Empty: derived from the standard price.")
        if self.instance.pk and self.instance.seats_sold and "hall" in self.fields:
            # The service refuses it too; here the manager sees why before trying.
            self.fields["hall"].disabled = True
            self.fields["hall"].help_text = _("Tickets are sold: the hall cannot change; cancel the session instead.")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = {k: v for k, v in cleaned.items() if k in self.Meta.fields}
        try:
            if self.instance.pk:
                changes = {k: v for k, v in data.items() if k in self.changed_data}
                self.saved = session_update(session=Session.objects.get(pk=self.instance.pk), **changes)
            else:
                data["created_by"] = getattr(self, "user", None)
                self.saved = session_create(**data)
        except ApplicationError as exc:
            add_service_error(self, exc)
        return cleaned

    def _post_clean(self):
        # The service has validated and saved; skip the model-level re-validation.
        pass

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.saved


@admin.register(Session)
class SessionAdmin(AuditHistoryMixin, ModelAdmin):
    form = SessionForm
    change_list_template = "admin/scheduling/session/change_list.html"
    list_display = (
        "movie",
        "hall",
        "local_start",
        "format",
        "status",
        "base_price",
        "seats_sold",
        "seats_available",
        "is_premiere",
    )
    list_filter = (
        "status",
        "format",
        "is_premiere",
        "hall__cinema__city",
        "hall__cinema",
        ("starts_at", admin.DateFieldListFilter),
    )
    search_fields = ("movie__title", "hall__name", "hall__cinema__name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("movie", "hall")
    list_select_related = ("movie", "hall__cinema")
    readonly_fields = (
        "ends_at",
        "busy_until",
        "capacity",
        "seats_sold",
        "seats_available",
        "cancelled_at",
        "cancel_reason",
        "created_by",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("starts (cinema's time)"), ordering="starts_at")
    def local_start(self, obj):
        return f"{obj.local_starts_at:%Y-%m-%d %H:%M}"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(lambda request: view(self, request))

        return [
            path("board/", wrap(board.board_view), name="scheduling_session_board"),
            path("board/plan/", wrap(board.plan_view), name="scheduling_session_plan"),
            path("board/copy/", wrap(board.copy_view), name="scheduling_session_copy"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        pass  # saved by the scheduling service in SessionForm.clean()
