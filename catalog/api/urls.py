from rest_framework.routers import DefaultRouter

from catalog.api.views import MovieViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("movies", MovieViewSet, basename="movie")
urlpatterns = router.urls
