"""Hostile input answers 400 with the error envelope, never a 500 or an HTML page.

Each class of input is refused in one place: dates at the edge of the calendar
by the shared date field and filter, control characters in paths and queries
by one middleware, deep nesting and lone surrogates by the JSON parser, and
Django's own error pages under /api/ by the handlers in cinema/urls.py.
"""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import path

from catalog.models import Movie
from cinema import urls as project_urls
from cinema.api.errors import exception_handler

pytestmark = pytest.mark.django_db

ENVELOPE = {"code", "message", "errors", "details"}
DEEP = "[" * 100_000 + "]" * 100_000

# (who, method, path, body, code)
CASES = [
    # dates at the edge of the calendar: a day more or a time zone overflowed
    ("anon", "get", "/api/v1/sessions/?date=9999-12-31", None, "validation_error"),
    ("anon", "get", "/api/v1/sessions/?date=0001-01-01", None, "validation_error"),
    ("anon", "get", "/api/v1/sessions/?date_from=9999-01-01", None, "validation_error"),
    ("anon", "get", "/api/v1/sessions/?date_to=0001-01-01", None, "validation_error"),
    ("anon", "get", "/api/v1/movies/{movie}/sessions/?date=9999-12-31", None, "validation_error"),
    ("manager", "get", "/api/v1/tickets/statistics/?date_to=9999-12-31", None, "validation_error"),
    ("manager", "get", "/api/v1/tickets/statistics/?date_from=0001-01-01", None, "validation_error"),
    # a NUL byte (or another control character) in a path or a query value
    ("customer", "get", "/api/v1/bookings/AB%00C/", None, "malformed_request"),
    ("anon", "get", "/api/v1/movies/search/?q=ab%00cd", None, "malformed_request"),
    ("anon", "get", "/api/v1/sessions/?city=a%00b", None, "malformed_request"),
    ("anon", "get", "/api/v1/cinemas/?search=a%01b", None, "malformed_request"),
    # JSON nested beyond the recursion limit
    ("anon", "post", "/api/v1/auth/login/", DEEP, "malformed_request"),
    ("customer", "post", "/api/v1/tickets/", DEEP, "malformed_request"),
    ("customer", "post", "/api/v1/reviews/", DEEP, "malformed_request"),
    # a lone UTF-16 surrogate in a JSON string, which PostgreSQL refuses to store
    ("manager", "post", "/api/v1/cinemas/", '{"name": "\\ud9f6", "city": "X", "address": "Y"}', "malformed_request"),
    ("customer", "post", "/api/v1/reviews/", '{"movie": 1, "rating": 5, "text": "ok \\udc00"}', "malformed_request"),
    # a NUL character in a JSON string: in a lookup value (a genre's slug) it reached PostgreSQL
    ("manager", "post", "/api/v1/movies/", '{"title": "T", "genres": ["a\\u0000b"]}', "malformed_request"),
    ("customer", "post", "/api/v1/tickets/", '{"seats": [{"ticket_type": "\\u0000"}]}', "malformed_request"),
    ("anon", "post", "/api/v1/auth/login/", '{"email": "a@b.c", "\\u0000": 1}', "malformed_request"),
    # a datetime far from any showing: a zone's offset in year 370 has seconds (LMT), which no client parses
    ("manager", "patch", "/api/v1/sessions/{session}/", '{"sales_open_at": "0370-07-03T01:23Z"}', "validation_error"),
    ("manager", "patch", "/api/v1/sessions/{session}/", '{"sales_close_at": "9999-12-31T23:59Z"}', "validation_error"),
    ("manager", "post", "/api/v1/sessions/", '{"movie": {movie}, "starts_at": "0001-01-01"}', "validation_error"),
]


@pytest.fixture
def clients(anon_client, customer_client, manager_client):
    return {"anon": anon_client, "customer": customer_client, "manager": manager_client}


@pytest.mark.parametrize(("who", "method", "url", "body", "code"), CASES, ids=[f"{c[1]} {c[2][:60]}" for c in CASES])
def test_hostile_input_is_a_400_with_the_envelope(clients, movie, session, who, method, url, body, code):
    client = clients[who]
    client.raise_request_exception = False
    url = url.format(movie=movie.pk, session=session.pk)
    if body is not None and "{movie}" in body:
        body = body.replace("{movie}", str(movie.pk))
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == ENVELOPE and response.json()["code"] == code


def test_dates_inside_the_range_still_filter(anon_client, session):
    local_day = session.starts_at.astimezone(session.hall.cinema.tz).date()
    assert anon_client.get(f"/api/v1/sessions/?date={local_day}").json()["count"] == 1
    assert anon_client.get("/api/v1/sessions/?date_from=2000-01-01&date_to=2000-01-02").json()["count"] == 0


def test_a_surrogate_pair_is_one_character_and_passes(manager_client):
    body = (
        '{"name": "Кино \\ud83c\\udfac", "slug": "kino-emoji", "city": "Москва", "address": "Тверская, 1",'
        ' "latitude": "55.75", "longitude": "37.61"}'
    )
    response = manager_client.post("/api/v1/cinemas/", data=body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Кино 🎬"


def test_control_characters_outside_the_api_are_left_to_the_pages(client):
    assert client.get("/?q=a%00b").status_code != 400  # the web pages and the admin have their own rules


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom/", _boom), path("boom/", _boom), *project_urls.urlpatterns]
handler404, handler500 = project_urls.handler404, project_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/v1/no-such-thing/", 404, "not_found"),
        ("get", "/api/nothing-here", 404, "not_found"),
        ("delete", "/api/v1/auth/login/", 405, "method_not_allowed"),
        ("get", "/api/v1/boom/", 500, "server_error"),
    ],
)
def test_django_errors_under_the_api_answer_the_envelope(method, url, status, code):
    client = Client(raise_request_exception=False)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == ENVELOPE and response.json()["code"] == code


@override_settings(ROOT_URLCONF=__name__)
def test_django_errors_elsewhere_stay_html():
    client = Client(raise_request_exception=False)
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
    assert client.get("/boom/").status_code == 500


def test_a_create_that_loses_a_uniqueness_race_is_a_409(movie):
    """Two managers create a film with the same slug at once: both pass validation, one insert fails."""
    with pytest.raises(IntegrityError) as lost, transaction.atomic():
        Movie.objects.create(title="Другой", slug=movie.slug, duration_minutes=90, release_date=movie.release_date)
    response = exception_handler(lost.value, {})
    assert response.status_code == 409 and set(response.data) == ENVELOPE and response.data["code"] == "conflict"
