"""The reports in the back office: a page each, for staff who may view them
(managers and admins); nothing to add, change or delete."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Movie
from cinema.admin_utils import ModelAdmin
from cinema.errors import ValidationFailed
from reports import exports, selectors
from reports.api.views import distributor_download
from reports.models import DistributorReport, SalesReport
from venues.models import Cinema


class RangeForm(forms.Form):
    date_from = forms.DateField(label=_("first day"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to"):
            try:
                selectors.check_range(cleaned["date_from"], cleaned["date_to"])
            except ValidationFailed as exc:
                raise forms.ValidationError(exc.message) from exc
        return cleaned


class SalesFilterForm(RangeForm):
    group_by = forms.ChoiceField(
        label=_("by"), choices=[(k, label) for k, (label, _f) in selectors.SALES_GROUPS.items()], initial="movie"
    )
    cinema = forms.ModelChoiceField(label=_("cinema"), queryset=Cinema.objects.all(), required=False)
    movie = forms.ModelChoiceField(label=_("film"), queryset=Movie.objects.order_by("title"), required=False)


class ReportAdmin(ModelAdmin):
    """A report page in place of the change list."""

    template = ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def _defaults(self) -> dict:
        today = timezone.localdate()
        start = selectors.film_week_start(today) - timedelta(days=7)
        return {"date_from": start.isoformat(), "date_to": (start + timedelta(days=6)).isoformat()}

    def render(self, request, context):
        return TemplateResponse(
            request,
            self.template,
            {**self.admin_site.each_context(request), "opts": self.opts, "title": self.opts.verbose_name, **context},
        )


@admin.register(SalesReport)
class SalesReportAdmin(ReportAdmin):
    template = "admin/reports/sales_report.html"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SalesFilterForm(request.GET or {**self._defaults(), "group_by": "movie"})
        report = None
        if form.is_valid():
            data = form.cleaned_data
            report = selectors.sales_report(
                date_from=data["date_from"],
                date_to=data["date_to"],
                group_by=data["group_by"],
                cinema_id=data["cinema"].pk if data["cinema"] else None,
                movie_id=data["movie"].pk if data["movie"] else None,
            )
        return self.render(request, {"form": form, "report": report})


@admin.register(DistributorReport)
class DistributorReportAdmin(ReportAdmin):
    template = "admin/reports/distributor_report.html"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RangeForm(request.GET or self._defaults())
        rows = totals = None
        if form.is_valid():
            date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            download = request.GET.get("download")
            if download in ("xlsx", "csv"):
                return distributor_download(date_from, date_to, download)
            rows = selectors.distributor_report(date_from=date_from, date_to=date_to)
            totals = exports.totals(rows)
        return self.render(
            request,
            {"form": form, "rows": rows, "totals": totals, "vat_rate": settings.REPORT_VAT_RATE * 100},
        )
