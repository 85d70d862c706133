import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from catalog.models import Movie
from cinema.api.cache import PublicCacheMixin
from cinema.api.permissions import IsModerator, is_moderator
from reviews import services
from reviews.api.serializers import ModerateSerializer, ReviewSerializer, ReviewUpdateSerializer, VoteSerializer
from reviews.models import Review, ReviewStatus

TAG = ["reviews"]
NOT_THE_AUTHOR = OpenApiResponse(description="not the author (nor a moderator)")


class MovieReviewFilter(django_filters.FilterSet):
    verified = django_filters.BooleanFilter(field_name="is_verified_viewer")

    class Meta:
        model = Review
        fields = ["verified"]


@extend_schema(tags=TAG, summary="Approved reviews of a film (order by helpfulness, rating or date)")
class MovieReviewsView(PublicCacheMixin, ListAPIView):
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = MovieReviewFilter
    ordering_fields = ["helpful_count", "rating", "created_at"]
    ordering = ["-helpful_count", "-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        movie = get_object_or_404(Movie.objects.filter(is_active=True), pk=self.kwargs["movie_id"])
        return Review.objects.filter(movie=movie, status=ReviewStatus.APPROVED).select_related("user")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-id")


class ReviewViewSet(viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    lookup_value_regex = r"\d+"
    filter_backends: list = []

    def get_queryset(self):
        qs = Review.objects.select_related("user", "movie")
        user = self.request.user
        if is_moderator(user):
            return qs
        if user.is_authenticated:
            return qs.filter(Q(status=ReviewStatus.APPROVED) | Q(user=user))
        return qs.filter(status=ReviewStatus.APPROVED)

    def get_own(self) -> Review:
        review = self.get_object()
        if review.user_id != self.request.user.pk and not is_moderator(self.request.user):
            raise PermissionDenied("Only the author (or a moderator) may do this.")
        return review

    @extend_schema(
        tags=TAG,
        summary="Write a review (goes to moderation)",
        responses={201: ReviewSerializer, 409: OpenApiResponse(description="already reviewed this film")},
    )
    def create(self, request):
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(user=request.user, **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAG, summary="A review (approved, or my own; moderators: any)")
    def retrieve(self, request, pk=None):
        return Response(ReviewSerializer(self.get_object()).data)

    @extend_schema(
        tags=TAG,
        summary="Edit my review (back to moderation)",
        request=ReviewUpdateSerializer,
        responses={200: ReviewSerializer, 403: NOT_THE_AUTHOR},
    )
    def partial_update(self, request, pk=None):
        review = self.get_own()
        data = ReviewUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        review = services.review_update(review=review, **data.validated_data)
        return Response(ReviewSerializer(review).data)

    @extend_schema(tags=TAG, summary="Delete my review", responses={204: None, 403: NOT_THE_AUTHOR})
    def destroy(self, request, pk=None):
        services.review_delete(review=self.get_own())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAG,
        summary="Vote a review helpful or not (one vote, changeable)",
        request=VoteSerializer,
        responses={
            200: ReviewSerializer,
            403: OpenApiResponse(description="one's own review (own_review)"),
            409: OpenApiResponse(description="not approved (review_not_approved)"),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def vote(self, request, pk=None):
        data = VoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_vote(
            review=self.get_object(), user=request.user, helpful=data.validated_data["helpful"]
        )
        return Response(ReviewSerializer(review).data)

    @extend_schema(tags=TAG, summary="Withdraw my vote", request=None, responses={200: ReviewSerializer})
    @vote.mapping.delete
    def unvote(self, request, pk=None):
        review = services.review_unvote(review=self.get_object(), user=request.user)
        return Response(ReviewSerializer(review).data)

    @extend_schema(tags=TAG, summary="My reviews, any status", responses={200: ReviewSerializer(many=True)})
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def mine(self, request):
        qs = Review.objects.filter(user=request.user).select_related("user").order_by("-created_at", "-id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG, summary="The moderation queue, oldest first (moderator)", responses={200: ReviewSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], permission_classes=[IsModerator])
    def pending(self, request):
        qs = Review.objects.filter(status=ReviewStatus.PENDING).select_related("user").order_by("created_at", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Approve or reject a review (moderator)",
        request=ModerateSerializer,
        responses={200: ReviewSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsModerator])
    def moderate(self, request, pk=None):
        data = ModerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_moderate(
            review=self.get_object(),
            by=request.user,
            approve=data.validated_data["action"] == "approve",
            reason=data.validated_data.get("reason", ""),
        )
        return Response(ReviewSerializer(review).data)
