from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import ModelAdmin, add_service_error
from cinema.errors import ApplicationError
from venues.layout import DERIVED_FIELDS
from venues.models import Cinema, Hall
from venues.services import hall_apply_layout


class HallForm(forms.ModelForm):
    class Meta:
        model = Hall
        fields = ("cinema", *Hall.EDITABLE_FIELDS)
        help_texts = {
            "layout": _(
                '{"rows": [{"row": 1, "seats": [{"seat": 1, "category": "standard"}, null, ...]}]} '
                "— null is a gap; categories standard, premium, vip, love, wheelchair; "
                '"blocked": true takes a seat out of sale.'
            ),
        }

    def clean(self):
        cleaned = super().clean()
        if "layout" in cleaned:
            try:
                hall_apply_layout(hall=self.instance, layout=cleaned["layout"])
            except ApplicationError as exc:
                add_service_error(self, exc)
        return cleaned


class HallInline(admin.StackedInline):
    model = Hall
    form = HallForm
    extra = 0
    show_change_link = True
    fields = (
        "number",
        "name",
        "hall_type",
        "layout",
        "capacity",
        "screen_type",
        "sound_system",
        "supports_3d",
        "is_accessible",
        "cleaning_minutes",
        "is_active",
    )
    readonly_fields = ("capacity",)


@admin.register(Cinema)
class CinemaAdmin(ModelAdmin):
    list_display = ("name", "city", "address", "timezone", "is_active")
    list_filter = ("city", "is_active", "has_parking", "has_cafe", "has_wheelchair_access")
    search_fields = ("name", "city", "address")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [HallInline]
    readonly_fields = ("created_at", "updated_at")


@admin.register(Hall)
class HallAdmin(ModelAdmin):
    form = HallForm
    list_display = ("__str__", "number", "hall_type", "capacity", "vip_seats", "premium_seats", "is_active")
    list_filter = ("hall_type", "cinema__city", "cinema", "is_active", "supports_3d")
    search_fields = ("name", "cinema__name", "cinema__city")
    autocomplete_fields = ("cinema",)
    list_select_related = ("cinema",)
    readonly_fields = (*DERIVED_FIELDS, "created_at", "updated_at")
