from rest_framework.routers import DefaultRouter

from venues.api.views import CinemaViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cinemas", CinemaViewSet, basename="cinema")
urlpatterns = router.urls
