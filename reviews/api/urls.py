from django.urls import path
from rest_framework.routers import DefaultRouter

from reviews.api.views import MovieReviewsView, ReviewViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("reviews", ReviewViewSet, basename="review")

urlpatterns = [
    path("reviews/movie/<int:movie_id>/", MovieReviewsView.as_view(), name="movie-reviews"),
    *router.urls,
]
