"""Reads of reviews that are more than a one-line queryset: the film page's, the author's own."""

from dataclasses import dataclass, field

from django.utils.translation import gettext

from booking.models import Ticket, TicketStatus
from reviews.models import Review, ReviewStatus, ReviewVote

REVIEWS_SHOWN = 20
MY_REVIEWS_SHOWN = 100


@dataclass
class FilmReviews:
    reviews: list[Review]  # approved, most helpful first
    total: int  # approved reviews in all
    own: Review | None = None  # the visitor's own review, any status
    votes: dict[int, bool] = field(default_factory=dict)  # review id → the visitor's vote (helpful?)
    can_write: bool = False  # signed in, attended (a paid or used ticket) and not yet reviewed
    attended: bool = False


def film_reviews(*, movie, user, limit: int = REVIEWS_SHOWN) -> FilmReviews:
    """What the film page shows of its reviews, for ``user`` (anonymous or not).
    Two queries for a visitor, five for a signed-in customer."""
    approved = Review.objects.filter(movie=movie, status=ReviewStatus.APPROVED)
    ordered = approved.select_related("user").order_by("-helpful_count", "not_helpful_count", "-created_at", "-pk")
    reviews = list(ordered[:limit])
    result = FilmReviews(reviews=reviews, total=approved.count() if len(reviews) == limit else len(reviews))
    if user is None or not user.is_authenticated:
        return result
    result.own = Review.objects.filter(movie=movie, user=user).first()
    result.votes = dict(
        ReviewVote.objects.filter(user=user, review__in=[r.pk for r in reviews]).values_list("review_id", "is_helpful")
    )
    result.attended = Ticket.objects.filter(
        user=user, session__movie=movie, status__in=[TicketStatus.PAID, TicketStatus.USED]
    ).exists()
    result.can_write = result.attended and result.own is None
    return result


def review_author(review: Review) -> str:
    """How a review is signed wherever it is shown: the author's first name, else
    "A viewer" — never anything taken from the e-mail address."""
    return review.user.first_name or gettext("A viewer")


def user_reviews(*, user_id: int) -> list[Review]:
    """The author's own reviews, newest first, with their films: one query."""
    return list(
        Review.objects.filter(user_id=user_id).select_related("movie").order_by("-created_at", "-pk")[:MY_REVIEWS_SHOWN]
    )
