from django.urls import path
from rest_framework.routers import DefaultRouter

from scheduling.api.views import MovieSessionsView, SessionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("sessions", SessionViewSet, basename="session")

urlpatterns = [
    path("movies/<int:movie_id>/sessions/", MovieSessionsView.as_view(), name="movie-sessions"),
    *router.urls,
]
