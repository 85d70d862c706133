from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from booking.models import Booking, Payment, Refund, Ticket
from booking.selectors import seat_map
from booking.services import refund_retry, session_cancel, ticket_cancel
from cinema.admin_utils import AuditHistoryMixin, ModelAdmin, run_action
from scheduling.admin import SessionAdmin
from scheduling.models import Session
from venues.models import SeatCategory

MONEY_AND_AUDIT = (
    "price",
    "refund_amount",
    "refunded_at",
    "paid_at",
    "payment_method",
    "payment_reference",
    "checked_in_at",
    "checked_in_by",
    "cancelled_at",
    "created_at",
    "updated_at",
)


class ReadOnlyMoneyAdmin(ModelAdmin):
    """Bookings, tickets and payments change only through the booking services."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketInline(admin.TabularInline):
    model = Ticket
    extra = 0
    can_delete = False
    fields = ("number", "row", "seat", "category", "price", "status", "refund_amount")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnlyMoneyAdmin):
    list_display = ("reference", "user", "session", "status", "total", "reserved_until", "paid_at")
    list_filter = ("status", "payment_method", ("created_at", admin.DateFieldListFilter))
    search_fields = ("reference", "user__email", "tickets__number")
    date_hierarchy = "created_at"
    list_select_related = ("user", "session__movie", "session__hall__cinema")
    readonly_fields = (
        "reference",
        "user",
        "session",
        "status",
        "total",
        "currency",
        "reserved_until",
        "paid_at",
        "payment_method",
        "payment_reference",
        "created_at",
        "updated_at",
    )
    inlines = [TicketInline]


@admin.register(Ticket)
class TicketAdmin(AuditHistoryMixin, ReadOnlyMoneyAdmin):
    list_display = ("number", "user", "session", "row", "seat", "category", "price", "status", "paid_at")
    list_filter = ("status", "category", "session__hall__cinema", ("created_at", admin.DateFieldListFilter))
    search_fields = ("number", "user__email", "booking__reference")
    date_hierarchy = "created_at"
    list_select_related = ("user", "session__movie", "session__hall__cinema")
    readonly_fields = (
        "number",
        "booking",
        "user",
        "session",
        "row",
        "seat",
        "category",
        "status",
        "reserved_until",
        *MONEY_AND_AUDIT,
    )
    exclude = ("qr_secret",)
    actions = ["cancel_or_refund"]

    @admin.action(description=_("Cancel held / refund paid tickets (refund rules apply)"), permissions=["change"])
    def cancel_or_refund(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            lambda t: ticket_cancel(ticket=t, by=request.user),
            _("{count} ticket(s) cancelled or refunded."),
        )


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("ticket", "amount", "reason", "status", "attempts", "last_error", "succeeded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMoneyAdmin):
    list_display = ("created_at", "status", "amount", "refunded_amount", "currency", "booking", "user", "provider")
    list_filter = ("status", "method", "provider")
    search_fields = ("booking__reference", "user__email", "provider_reference")
    date_hierarchy = "created_at"
    list_select_related = ("booking", "user")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [RefundInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(ReadOnlyMoneyAdmin):
    """Refunds the jobs could not finish stand out here (attempts, last error) and can be sent again."""

    list_display = ("created_at", "status", "amount", "currency", "reason", "attempts", "last_error", "payment")
    list_filter = ("status", "reason")
    search_fields = ("payment__booking__reference", "ticket__number", "provider_reference")
    date_hierarchy = "created_at"
    list_select_related = ("payment__booking",)
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("booking.retry_refund")

    @admin.action(description=_("Retry the selected failed refunds"), permissions=["retry"])
    def retry(self, request, queryset):
        run_action(self, request, queryset, lambda r: refund_retry(refund=r), _("{count} refund(s) queued again."))


admin.site.unregister(Session)


@admin.register(Session)
class SessionBookingAdmin(SessionAdmin):
    """The scheduling admin plus what the booking engine knows: seat map, cancellation."""

    actions = ["cancel_sessions"]

    class Media:
        css = {"all": ["booking/admin_seat_map.css"]}  # the seat map's styles: the CSP allows no inline ones

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "seat_map") if obj else fields

    @admin.display(description=_("Seat map"))
    def seat_map(self, obj):
        seats = seat_map(obj)
        statuses = {
            "free": pgettext("seat", "free"),
            "held": pgettext("seat", "held"),
            "sold": pgettext("seat", "sold"),
            "blocked": pgettext("seat", "blocked"),
        }
        categories = dict(SeatCategory.choices)
        for seat in seats:
            seat["status_label"] = statuses[seat["status"]]
            seat["category_label"] = categories.get(seat["category"], seat["category"])
        rows: dict[int, list] = {}
        for seat in seats:
            rows.setdefault(seat["row"], []).append(seat)
        counts: dict[str, int] = {}
        for seat in seats:
            counts[seat["status"]] = counts.get(seat["status"], 0) + 1
        return render_to_string("admin/booking/seat_map.html", {"rows": sorted(rows.items()), "counts": counts})

    @admin.action(description=_("Cancel sessions and refund every ticket"), permissions=["cancel"])
    def cancel_sessions(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            lambda s: session_cancel(session=s, by=request.user, reason="Cancelled in the back office"),
            _("{count} session(s) cancelled; paid tickets refunded, holds released."),
        )

    def has_cancel_permission(self, request):
        return request.user.has_perm("scheduling.cancel_session")
