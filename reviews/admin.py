from django import forms
from django.contrib import admin
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from cinema.admin_utils import ModelAdmin, run_action
from reviews.models import Review, ReviewStatus, ReviewVote
from reviews.services import review_moderate


class RejectForm(admin.helpers.ActionForm):
    reason = forms.CharField(label=_("Rejection reason"), required=False, max_length=500)


@admin.register(Review)
class ReviewAdmin(ModelAdmin):
    """The moderation queue: pending reviews first, oldest first."""

    list_display = (
        "title",
        "movie",
        "user",
        "rating",
        "status",
        "is_verified_viewer",
        "is_spoiler",
        "helpful_count",
        "created_at",
    )
    list_filter = ("status", "is_verified_viewer", "is_spoiler", "rating")
    search_fields = ("title", "text", "movie__title", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("movie", "user")
    action_form = RejectForm
    actions = ["approve", "reject"]
    fields = (
        "movie",
        "user",
        "rating",
        "title",
        "text",
        "is_spoiler",
        "is_verified_viewer",
        "status",
        "rejection_reason",
        "moderated_by",
        "moderated_at",
        "helpful_count",
        "not_helpful_count",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields  # changes go through the moderation actions

    def get_queryset(self, request):
        pending_first = Case(When(status=ReviewStatus.PENDING, then=Value(0)), default=Value(1))
        return super().get_queryset(request).annotate(_queue=pending_first).order_by("_queue", "created_at")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Approve selected reviews"), permissions=["moderate"])
    def approve(self, request, queryset):
        run_action(
            self,
            request,
            queryset,
            lambda r: review_moderate(review=r, by=request.user, approve=True),
            _("{count} review(s) approved."),
        )

    @admin.action(description=_("Reject selected reviews (give a reason below)"), permissions=["moderate"])
    def reject(self, request, queryset):
        reason = request.POST.get("reason", "")
        run_action(
            self,
            request,
            queryset,
            lambda r: review_moderate(review=r, by=request.user, approve=False, reason=reason),
            _("{count} review(s) rejected."),
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm("reviews.moderate")


@admin.register(ReviewVote)
class ReviewVoteAdmin(ModelAdmin):
    list_display = ("review", "user", "is_helpful", "updated_at")
    list_filter = ("is_helpful",)
    search_fields = ("review__title", "user__email")
    readonly_fields = ("review", "user", "is_helpful", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False
