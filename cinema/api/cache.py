"""Caching of rendered public API responses.

The busiest reads — the catalog, cinemas, session lists, reviews of a film —
are the same for every anonymous visitor. ``PublicCacheMixin`` stores the
rendered JSON of a 200 answer to a GET without credentials, keyed by the full
URL, the answer's language (a review without a first name is signed "A viewer"
or "Зритель") and a version; any change to the models behind those answers bumps the
version (``connect_invalidation``), so a change shows at once. Counters
that the booking engine updates in bulk (a session's ``seats_available``)
may lag by up to ``cache_seconds``; the seat map has its own exact cache
(``booking.selectors.seat_map_json``).

Cached answers skip DRF (authentication, throttling, rendering): nginx's
per-address limits still apply.
"""

import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation

VERSION_KEY = "apicache:public:version"


def bump_public_version(**_ignored) -> None:
    """After the change commits: a reader that sees the new version reads the new data."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


# The models whose rows public answers show (by label: cinema/ imports no app).
PUBLIC_MODELS = (
    "catalog.Movie",
    "catalog.Genre",
    "venues.Cinema",
    "venues.Hall",
    "scheduling.Session",
    "reviews.Review",
)


def connect_invalidation() -> None:
    for label in PUBLIC_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(bump_public_version, sender=model, dispatch_uid=f"apicache-{label}-{id(signal)}")
    m2m_changed.connect(
        bump_public_version, sender=apps.get_model("catalog.Movie").genres.through, dispatch_uid="apicache-movie-genres"
    )


class PublicCacheMixin:
    cache_seconds = 60

    def dispatch(self, request, *args, **kwargs):
        cacheable = request.method == "GET" and "HTTP_AUTHORIZATION" not in request.META
        if not cacheable:
            return super().dispatch(request, *args, **kwargs)
        # One round trip: the current version and the stored answer (tagged with its version).
        key = f"apicache:{translation.get_language()}:{request.get_full_path()}"
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY, "0")
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            response = HttpResponse(stored[1], content_type="application/json")
            response["X-Cache"] = "hit"
            return response
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and getattr(response, "accepted_media_type", "") == "application/json":
            response.render()
            cache.set(key, (version, response.content), self.cache_seconds)
            response["X-Cache"] = "miss"
        return response
