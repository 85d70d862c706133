from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import AuditHistoryMixin, ModelAdmin
from pricing.models import WEEKDAYS, PriceCard, PriceCardPrice, PromoCode, TicketType
from scheduling.models import SessionFormat


@admin.register(TicketType)
class TicketTypeAdmin(AuditHistoryMixin, ModelAdmin):
    list_display = ("code", "name", "name_ru", "check_id", "is_active", "sort_order")
    list_editable = ("sort_order",)
    list_filter = ("is_active", "check_id")
    search_fields = ("code", "name", "name_ru")


class PriceCardForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every day."),
    )
    formats = forms.MultipleChoiceField(
        label=_("formats"),
        choices=SessionFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every format."),
    )

    class Meta:
        model = PriceCard
        fields = ("name", "weekdays", "time_from", "time_to", "formats", "cinemas", "priority", "is_active")

    def clean_weekdays(self):
        return sorted(set(self.cleaned_data["weekdays"]))


class PriceCardPriceInline(admin.TabularInline):
    model = PriceCardPrice
    extra = 0
    fields = ("ticket_type", "category", "price")
    ordering = ("ticket_type__sort_order", "category")


@admin.register(PriceCard)
class PriceCardAdmin(AuditHistoryMixin, ModelAdmin):
    form = PriceCardForm
    inlines = [PriceCardPriceInline]
    list_display = ("name", "weekdays_text", "time_band", "formats_text", "priority", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    filter_horizontal = ("cinemas",)
    actions = ["deactivate"]

    @admin.display(description=_("weekdays"))
    def weekdays_text(self, card):
        names = dict(WEEKDAYS)
        return ", ".join(str(names[d])[:2] for d in card.weekdays) or _("every day")

    @admin.display(description=_("start time"))
    def time_band(self, card):
        start = f"{card.time_from:%H:%M}" if card.time_from else "00:00"
        end = f"{card.time_to:%H:%M}" if card.time_to else "24:00"
        return f"{start}–{end}"

    @admin.display(description=_("formats"))
    def formats_text(self, card):
        labels = dict(SessionFormat.choices)
        return ", ".join(labels.get(f, f) for f in card.formats) or _("every format")

    @admin.action(description=_("Deactivate: no longer offered to new sessions"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, _("%(count)d price cards deactivated.") % {"count": count}, messages.SUCCESS)


class PromoCodeForm(forms.ModelForm):
    class Meta:
        model = PromoCode
        fields = (
            "code",
            "description",
            "kind",
            "value",
            "valid_from",
            "valid_to",
            "max_uses",
            "max_uses_per_customer",
            "min_tickets",
            "movies",
            "cinemas",
            "ticket_types",
            "is_active",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        clash = PromoCode.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This code exists already."))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "percent" and cleaned.get("value") and cleaned["value"] > 100:
            self.add_error("value", _("At most 100 percent."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end <= start:
            self.add_error("valid_to", _("Must be after “valid from”."))
        if self.instance.pk and cleaned.get("max_uses") is not None and cleaned["max_uses"] < self.instance.uses:
            self.add_error("max_uses", _("Already used %(uses)d times.") % {"uses": self.instance.uses})
        return cleaned


@admin.register(PromoCode)
class PromoCodeAdmin(AuditHistoryMixin, ModelAdmin):
    form = PromoCodeForm
    list_display = ("code", "kind", "value", "uses", "max_uses", "valid_from", "valid_to", "is_active")
    list_filter = ("is_active", "kind")
    search_fields = ("code", "description")
    readonly_fields = ("uses", "created_at", "updated_at")
    filter_horizontal = ("movies", "cinemas", "ticket_types")
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected promo codes"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(request, _("%(count)d promo codes deactivated.") % {"count": count}, messages.SUCCESS)
