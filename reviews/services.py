"""Writes about reviews: writing, editing, moderation, votes.

Counters (a review's votes, a film's average rating, a user's review count)
are recomputed from rows under a row lock in the same transaction, so they
stay exact under concurrency.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from accounts.models import User
from booking.models import Ticket, TicketStatus
from catalog.models import Movie
from catalog.services import movie_set_rating
from cinema.errors import Conflict, PermissionDenied, ValidationFailed
from reviews.models import Review, ReviewStatus, ReviewVote

EDITABLE_FIELDS = ("rating", "title", "text", "is_spoiler")


def _refresh_movie_rating(movie_id: int) -> None:
    Movie.objects.select_for_update().filter(pk=movie_id).first()
    agg = Review.objects.filter(movie_id=movie_id, status=ReviewStatus.APPROVED).aggregate(
        total=Sum("rating"), count=Count("id")
    )
    movie_set_rating(movie_id=movie_id, total=agg["total"] or 0, count=agg["count"])


def _validate(fields: dict) -> None:
    errors = {}
    rating = fields.get("rating")
    if "rating" in fields and (not isinstance(rating, int) or not 1 <= rating <= 10):
        errors["rating"] = ["A whole number from 1 to 10."]
    if "title" in fields and not str(fields["title"]).strip():
        errors["title"] = ["A title is required."]
    if "text" in fields and len(str(fields["text"]).strip()) < 10:
        errors["text"] = ["Write at least 10 characters."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)


def review_create(*, user: User, movie: Movie, rating: int, title: str, text: str, is_spoiler: bool = False) -> Review:
    """A new review waits for moderation; it is marked "verified viewer" when the
    author has a paid or used ticket for the film."""
    _validate({"rating": rating, "title": title, "text": text})
    verified = Ticket.objects.filter(
        user=user, session__movie=movie, status__in=[TicketStatus.PAID, TicketStatus.USED]
    ).exists()
    try:
        with transaction.atomic():
            review = Review.objects.create(
                user=user,
                movie=movie,
                rating=rating,
                title=title.strip(),
                text=text.strip(),
                is_spoiler=is_spoiler,
                is_verified_viewer=verified,
            )
            User.objects.filter(pk=user.pk).update(reviews_written=F("reviews_written") + 1)
    except IntegrityError as exc:
        raise Conflict("You have already reviewed this film; edit that review instead.", code="review_exists") from exc
    return review


def review_update(*, review: Review, **changes) -> Review:
    """The author edits a review: it goes back to moderation."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Not editable: {', '.join(sorted(unknown))}.")
    _validate(changes)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        was_approved = review.status == ReviewStatus.APPROVED
        for field, value in changes.items():
            setattr(review, field, value.strip() if isinstance(value, str) else value)
        review.status = ReviewStatus.PENDING
        review.moderated_by = None
        review.moderated_at = None
        review.rejection_reason = ""
        review.save()
        if was_approved:
            _refresh_movie_rating(review.movie_id)
    return review


def review_delete(*, review: Review) -> None:
    with transaction.atomic():
        was_approved = review.status == ReviewStatus.APPROVED
        movie_id, user_id = review.movie_id, review.user_id
        review.delete()
        User.objects.filter(pk=user_id, reviews_written__gt=0).update(reviews_written=F("reviews_written") - 1)
        if was_approved:
            _refresh_movie_rating(movie_id)


def review_moderate(*, review: Review, by: User, approve: bool, reason: str = "") -> Review:
    """Approve or reject (with a reason); the film's rating follows approved reviews."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("A rejection needs a reason.", fields={"reason": ["A rejection needs a reason."]})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        was_approved = review.status == ReviewStatus.APPROVED
        review.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        review.rejection_reason = "" if approve else reason[:500]
        review.moderated_by = by
        review.moderated_at = timezone.now()
        review.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at", "updated_at"])
        if was_approved != approve:
            _refresh_movie_rating(review.movie_id)
        from notifications.services import notify_review_moderated  # that app reads reviews: imported when used

        notify_review_moderated(review=review)
    return review


def _refresh_votes(review: Review) -> Review:
    agg = ReviewVote.objects.filter(review=review).aggregate(
        helpful=Count("id", filter=Q(is_helpful=True)), not_helpful=Count("id", filter=Q(is_helpful=False))
    )
    review.helpful_count, review.not_helpful_count = agg["helpful"], agg["not_helpful"]
    review.save(update_fields=["helpful_count", "not_helpful_count"])
    return review


def review_vote(*, review: Review, user: User, helpful: bool) -> Review:
    """One vote per user per review, changeable; not on one's own review."""
    if review.user_id == user.pk:
        raise PermissionDenied("You cannot vote on your own review.", code="own_review")
    if review.status != ReviewStatus.APPROVED:
        raise Conflict("Only approved reviews can be voted on.", code="review_not_approved")
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        ReviewVote.objects.update_or_create(review=review, user=user, defaults={"is_helpful": helpful})
        return _refresh_votes(review)


def review_unvote(*, review: Review, user: User) -> Review:
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        ReviewVote.objects.filter(review=review, user=user).delete()
        return _refresh_votes(review)
