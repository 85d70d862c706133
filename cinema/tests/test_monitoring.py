"""HTTP metrics: the series the dashboard and the alerts read, by view, method and status."""

import pytest
from django.test import Client, override_settings
from django.urls import path
from prometheus_client import REGISTRY

pytestmark = pytest.mark.django_db


def _value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", _broken, name="broken")]


def test_a_request_is_counted_by_method_status_and_view_and_timed():
    view = {"view": "movie-list", "method": "GET"}
    before = {
        "method": _value("django_http_requests_total_by_method_total", method="GET"),
        "status": _value("django_http_responses_total_by_status_total", status="200"),
        "view": _value("django_http_responses_total_by_status_view_method_total", status="200", **view),
        "timed": _value("django_http_requests_latency_seconds_by_view_method_count", **view),
    }
    assert Client().get("/api/v1/movies/").status_code == 200
    assert _value("django_http_requests_total_by_method_total", method="GET") == before["method"] + 1
    assert _value("django_http_responses_total_by_status_total", status="200") == before["status"] + 1
    assert _value("django_http_responses_total_by_status_view_method_total", status="200", **view) == before["view"] + 1
    assert _value("django_http_requests_latency_seconds_by_view_method_count", **view) == before["timed"] + 1
    # The alert's quantile reads the buckets: the request is in the +Inf one at least.
    assert _value("django_http_requests_latency_seconds_by_view_method_bucket", le="+Inf", **view) >= 1


def test_an_unknown_path_and_an_unknown_method_are_labelled_without_growing_the_labels():
    labels = {"status": "404", "view": "<unnamed view>", "method": "<invalid method>"}
    before = _value("django_http_responses_total_by_status_view_method_total", **labels)
    response = Client().generic("BREW", "/no-such-page/")
    assert response.status_code == 404
    assert _value("django_http_responses_total_by_status_view_method_total", **labels) == before + 1


@override_settings(ROOT_URLCONF=__name__)
def test_an_unhandled_exception_is_counted_by_type_and_view_and_answered_500():
    before = (
        _value("django_http_exceptions_total_by_type_total", type="RuntimeError"),
        _value("django_http_exceptions_total_by_view_total", view="broken"),
        _value("django_http_responses_total_by_status_total", status="500"),
    )
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert _value("django_http_exceptions_total_by_type_total", type="RuntimeError") == before[0] + 1
    assert _value("django_http_exceptions_total_by_view_total", view="broken") == before[1] + 1
    assert _value("django_http_responses_total_by_status_total", status="500") == before[2] + 1
