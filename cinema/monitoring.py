"""HTTP metrics at /metrics: the series the dashboard and the alerts read.

django-prometheus's pair of request middlewares updates some fifteen series
per request (body sizes, charsets, transports, latency twice…): 6 % of the
CPU of a hold or a payment. ``RequestMetricsMiddleware`` keeps the ones that
are read (``deploy/grafana``, ``deploy/prometheus/alerts.yml``) under
django-prometheus's names and labels, times the request once, and looks each
labelled series up once per process. django-prometheus renders ``/metrics``
(behind ``metrics``, which decides who may read it) and counts the database's
connections and statements.
"""

import hmac
import ipaddress
import time

from django.conf import settings
from django.http import HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.conf import PROMETHEUS_LATENCY_BUCKETS
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})

requests_by_method = Counter("django_http_requests_total_by_method", "Count of requests by method.", ["method"])
responses_by_status = Counter("django_http_responses_total_by_status", "Count of responses by status.", ["status"])
responses_by_status_view_method = Counter(
    "django_http_responses_total_by_status_view_method",
    "Count of responses by status, view, method.",
    ["status", "view", "method"],
)
latency_by_view_method = Histogram(
    "django_http_requests_latency_seconds_by_view_method",
    "Histogram of request processing time (middlewares included) labelled by view.",
    ["view", "method"],
    buckets=PROMETHEUS_LATENCY_BUCKETS,
)
exceptions_by_type = Counter("django_http_exceptions_total_by_type", "Count of exceptions by object type.", ["type"])
exceptions_by_view = Counter("django_http_exceptions_total_by_view", "Count of exceptions by view.", ["view"])


def _view_name(request) -> str:
    match = request.resolver_match  # None when no URL matched (a 404)
    return (match.view_name if match is not None else None) or "<unnamed view>"


class RequestMetricsMiddleware:
    """First in ``MIDDLEWARE``: a request is timed through every middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        # (view, method, status) -> its series. Bounded: views come from the URL
        # configuration, methods from _METHODS, statuses are three digits.
        self._series: dict[tuple[str, str, int], tuple] = {}

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        key = (
            _view_name(request),
            request.method if request.method in _METHODS else "<invalid method>",
            response.status_code,
        )
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = self._labelled(*key)
        by_method, by_status, by_status_view_method, latency = series
        by_method.inc()
        by_status.inc()
        by_status_view_method.inc()
        latency.observe(elapsed)
        return response

    @staticmethod
    def _labelled(view: str, method: str, status: int) -> tuple:
        return (
            requests_by_method.labels(method),
            responses_by_status.labels(str(status)),
            responses_by_status_view_method.labels(str(status), view, method),
            latency_by_view_method.labels(view, method),
        )

    def process_exception(self, request, exception):
        """An exception a view did not handle (answered 500, and counted above)."""
        exceptions_by_type.labels(type(exception).__name__).inc()
        exceptions_by_view.labels(_view_name(request)).inc()


def _is_loopback(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


def metrics_allowed(request) -> bool:
    """With ``METRICS_TOKEN`` set: only ``Authorization: Bearer <token>``, from
    anywhere. Without it: only a client on this machine — the socket's address
    (``REMOTE_ADDR``), never a header a client can write."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    return _is_loopback(request.META.get("REMOTE_ADDR"))


@require_GET
@never_cache
def metrics(request):
    """Prometheus's page, for the scraper only (403 for anyone else)."""
    if not metrics_allowed(request):
        return HttpResponseForbidden(b"metrics: a bearer token is required\n", content_type="text/plain")
    return ExportToDjangoView(request)
