"""Reads of reviews that are more than a one-line queryset."""

from reviews.models import Review

MY_REVIEWS_SHOWN = 100


def user_reviews(*, user_id: int) -> list[Review]:
    """The author's own reviews, newest first, with their films: one query."""
    return list(
        Review.objects.filter(user_id=user_id).select_related("movie").order_by("-created_at", "-pk")[:MY_REVIEWS_SHOWN]
    )
