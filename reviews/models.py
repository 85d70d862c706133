from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Review(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="reviews"
    )
    movie = models.ForeignKey(
        "catalog.Movie", verbose_name=_("movie"), on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=10_000)
    is_spoiler = models.BooleanField(_("contains spoilers"), default=False)
    is_verified_viewer = models.BooleanField(
        _("verified viewer"),
        default=False,
        editable=False,
        help_text=_("The author had a paid or used ticket for this film when writing."),
    )
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    rejection_reason = models.CharField(_("rejection reason"), max_length=500, blank=True)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "movie"], name="review_one_per_user_movie"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=10), name="review_rating_1_10"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="review_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["movie", "status", "-helpful_count"], name="review_movie_helpful_idx"),
            models.Index(fields=["movie", "status", "-created_at"], name="review_movie_created_idx"),
            models.Index(fields=["status", "created_at"], name="review_status_created_idx"),
        ]
        permissions = [("moderate", _("Can approve or reject reviews"))]

    def __str__(self):
        return f"{self.title} ({self.rating}/10)"


class ReviewVote(models.Model):
    """One user's helpful / not-helpful vote on a review; changeable."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voter"), on_delete=models.CASCADE, related_name="review_votes"
    )
    is_helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("review vote")
        verbose_name_plural = _("review votes")
        constraints = [models.UniqueConstraint(fields=["user", "review"], name="reviewvote_one_per_user_review")]

    def __str__(self):
        return f"{'+' if self.is_helpful else '-'} {self.review_id}"
