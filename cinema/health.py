"""Liveness and readiness probes."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def live(request):
    """The process answers; no I/O."""
    return JsonResponse({"status": "ok"})


def _cache_answers() -> bool:
    try:
        cache.set("health:ready", "1", 5)
        return cache.get("health:ready") == "1"  # our Redis backend answers a miss when Redis is down
    except Exception:  # noqa: BLE001 - any failure means degraded
        return False


@require_GET
@never_cache
def ready(request):
    """Ready while the database answers (503 naming it otherwise). Without the
    cache the API still serves, slower and without shared rate limits: the
    cache is then reported ``degraded`` and the answer stays 200."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["cache"] = "ok" if _cache_answers() else "degraded"
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    else:
        status, code = ("ok" if checks["cache"] == "ok" else "degraded"), 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
