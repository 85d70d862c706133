"""Content negotiation (DRF's own): JSON for the usual Accept headers, 406 when nothing fits."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_the_usual_accept_headers_get_json(accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = Client().get("/api/v1/movies/", **headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_other_headers_are_negotiated_by_drf():
    client = Client()
    assert client.get("/api/v1/movies/", HTTP_ACCEPT="application/xml").status_code == 406
    ranked = client.get("/api/v1/movies/", HTTP_ACCEPT="application/xml;q=0.9, application/json;q=0.5")
    assert ranked.status_code == 200 and ranked["Content-Type"] == "application/json"
    indented = client.get("/api/v1/movies/", HTTP_ACCEPT="application/json; indent=2")
    assert indented.status_code == 200 and b'\n  "' in indented.content
    assert client.get("/api/v1/movies/?format=xml").status_code == 404  # DRF: no renderer for that format
