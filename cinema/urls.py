from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from cinema import health, monitoring
from cinema.api import docs, errors

# Django tries the patterns in order: the hottest paths first (holds, payments,
# the seat map, then sessions and films), about 12 µs saved per request.
api_v1 = [
    path("", include("booking.api.urls")),  # before scheduling: sessions/{id}/seats|cancel
    path("", include("scheduling.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("venues.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The API docs load nothing from another host and run no inline script (the CSP
    # allows neither): Swagger UI's set-up script is served by the same view (?script),
    # and ReDoc's page leaves out drf-spectacular's Google Fonts links and takes its
    # bundle from cinema.api.docs (no logo from ReDoc's CDN).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="cinema/redoc.html"),
        name="redoc",
    ),
    path("api/redoc/redoc.standalone.js", docs.redoc_js, name="redoc-js"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", monitoring.metrics, name="prometheus-django-metrics"),  # token or loopback; nginx: 404
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    path("", include("web.urls")),
]
if settings.DEBUG:  # `make run`: uploaded posters (nginx serves /media/ in production)
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
# The stand-in provider's card page; it answers 404 unless the fake provider is the configured one.
urlpatterns.insert(0, path("fake-psp/", include("booking.providers.fake.urls")))

handler400 = errors.handler400
handler403 = errors.handler403
handler404 = errors.handler404
handler500 = errors.handler500
