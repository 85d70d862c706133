"""The API's contract: the permission matrix, the error envelope, query budgets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.services import ticket_hold
from conftest import client_for, make_user, pay_booking
from reviews.services import review_create, review_moderate

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "customer", "moderator", "manager", "admin")


@pytest.fixture
def world(session, customer, other_customer, moderator, manager, admin_user, movie):
    booking = ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    payment = pay_booking(customer, booking)
    review = review_create(user=other_customer, movie=movie, rating=8, title="Good", text="A fine film indeed.")
    approved = review_create(
        user=make_user("author@example.com"), movie=movie, rating=6, title="Ok", text="Watchable, not more."
    )
    review_moderate(review=approved, by=moderator, approve=True)
    users = {"anonymous": None, "customer": customer, "moderator": moderator, "manager": manager, "admin": admin_user}
    return {
        "session": session,
        "ticket": booking.tickets.get(),
        "review": review,
        "approved": approved,
        "booking": booking,
        "payment": payment,
        "users": users,
        "movie": movie,
        "cinema": session.hall.cinema,
    }


# (method, path template, body, expected status per role: anonymous, customer, moderator, manager, admin)
MATRIX = [
    ("get", "/api/v1/movies/", None, (200, 200, 200, 200, 200)),
    (
        "post",
        "/api/v1/movies/",
        {"title": "New", "duration_minutes": 90, "release_date": "2026-12-01"},
        (401, 403, 403, 201, 201),
    ),
    ("get", "/api/v1/movies/{movie}/", None, (200, 200, 200, 200, 200)),
    ("patch", "/api/v1/movies/{movie}/", {"director": "X"}, (401, 403, 403, 200, 200)),
    ("get", "/api/v1/movies/search/?q=stalker", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/movies/{movie}/sessions/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/cinemas/", None, (200, 200, 200, 200, 200)),
    (
        "post",
        "/api/v1/cinemas/",
        {"name": "N", "address": "A", "city": "C", "latitude": "1", "longitude": "1"},
        (401, 403, 403, 201, 201),
    ),
    ("get", "/api/v1/cinemas/nearby/?lat=55.75&lon=37.61&radius_km=10", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/cinemas/{cinema}/halls/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/sessions/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/sessions/{session}/", None, (200, 200, 200, 200, 200)),
    ("patch", "/api/v1/sessions/{session}/", {"is_premiere": True}, (401, 403, 403, 200, 200)),
    ("get", "/api/v1/sessions/{session}/seats/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/tickets/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/tickets/{ticket}/", None, (401, 200, 404, 200, 200)),
    ("get", "/api/v1/tickets/{ticket}/qr/", None, (401, 200, 404, 200, 200)),
    ("get", "/api/v1/tickets/statistics/", None, (401, 403, 403, 200, 200)),
    ("post", "/api/v1/tickets/check-in/", {"payload": "forged"}, (401, 403, 403, 400, 400)),
    ("get", "/api/v1/auth/me/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/v1/reviews/movie/{movie}/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/reviews/{review}/", None, (404, 404, 200, 404, 200)),
    ("get", "/api/v1/reviews/pending/", None, (401, 403, 200, 403, 200)),
    ("get", "/api/v1/reviews/mine/", None, (401, 200, 200, 200, 200)),
    ("post", "/api/v1/reviews/{review}/moderate/", {"action": "approve"}, (401, 403, 200, 403, 200)),
    ("post", "/api/v1/reviews/{approved}/vote/", {"helpful": True}, (401, 200, 200, 200, 200)),
    ("delete", "/api/v1/reviews/{review}/", None, (401, 404, 204, 404, 204)),
    (
        "post",
        "/api/v1/reviews/",
        {"movie": "{movie}", "rating": 7, "title": "T", "text": "Long enough text."},
        (401, 201, 201, 201, 201),
    ),
    ("delete", "/api/v1/movies/{movie}/", None, (401, 403, 403, 200, 200)),
    (
        "post",
        "/api/v1/cinemas/{cinema}/halls/",
        {"name": "H", "number": 7, "layout": {"rows": [{"row": 1, "seats": [{"seat": 1}]}]}},
        (401, 403, 403, 201, 201),
    ),
    ("post", "/api/v1/sessions/{session}/cancel/", {"reason": "r"}, (401, 403, 403, 200, 200)),
    ("post", "/api/v1/tickets/", {"session": "{session}", "seats": [{"row": 3, "seat": 3}]}, (401, 201, 201, 201, 201)),
    ("post", "/api/v1/tickets/{ticket}/pay/", {"payment_method": "card"}, (401, 400, 404, 404, 404)),
    ("get", "/api/v1/payments/{payment}/", None, (401, 200, 404, 200, 200)),
    # The provider's door: no account needed, a signature (absent here) is.
    ("post", "/api/v1/payments/webhooks/fake/", {"id": "evt"}, (400, 400, 400, 400, 400)),
    ("post", "/api/v1/tickets/{ticket}/cancel/", None, (401, 200, 404, 200, 200)),
    ("get", "/api/v1/bookings/{booking}/", None, (401, 200, 404, 200, 200)),
    (
        "post",
        "/api/v1/auth/register/",
        {"email": "x@example.com", "password": "Long-pass-4242", "first_name": "X", "last_name": "Y"},
        (201, 201, 201, 201, 201),
    ),
    ("post", "/api/v1/auth/logout/", {"refresh": "not-a-token"}, (401, 400, 400, 400, 400)),
    (
        "post",
        "/api/v1/auth/change-password/",
        {"old_password": "wrong", "new_password": "Another-pass-42"},
        (401, 400, 400, 400, 400),
    ),
    ("patch", "/api/v1/auth/me/", {"city": "Тула"}, (401, 200, 200, 200, 200)),
    ("post", "/api/v1/auth/password-reset/", {"email": "nobody@example.com"}, (204, 204, 204, 204, 204)),
    (
        "post",
        "/api/v1/auth/password-reset/confirm/",
        {"uid": "MQ", "token": "forged", "new_password": "Another-pass-42"},
        (400, 400, 400, 400, 400),
    ),
    ("post", "/api/v1/auth/verify-email/", {"uid": "MQ", "token": "forged"}, (400, 400, 400, 400, 400)),
    ("post", "/api/v1/auth/verify-email/resend/", None, (401, 204, 204, 204, 204)),
]


@pytest.mark.parametrize("method, path, body, expected", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_permission_matrix(world, method, path, body, expected, role_index):
    client = client_for(world["users"][ROLES[role_index]])
    ids = {name: world[name].pk for name in ("movie", "cinema", "session", "ticket", "review", "approved", "payment")}
    ids["booking"] = world["booking"].reference
    url = path.format(**ids)
    if body:  # "{movie}" as a body value means that object's id
        body = {
            k: ids.get(v.strip("{}"), v) if isinstance(v, str) and v.startswith("{") else v for k, v in body.items()
        }
    response = getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    assert response.status_code == expected[role_index], response.content[:300]


def test_errors_share_one_envelope(customer_client, session):
    response = customer_client.post("/api/v1/tickets/", {"session": session.pk, "seats": [{"row": "x"}]}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "errors", "details"}
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/movies/99999999999999999999999/",
        "/api/v1/sessions/99999999999999999999/seats/",
        "/api/v1/sessions/?date=2026-13-45",
        "/api/v1/sessions/?min_price=abc",
        "/api/v1/cinemas/nearby/?lat=abc&lon=1",
        "/api/v1/cinemas/nearby/?lat=1",
        "/api/v1/movies/?page=999",
        "/api/v1/movies/search/?q=",
        "/api/v1/tickets/statistics/?date_from=2026-02-30",
    ],
)
def test_malformed_input_is_a_4xx_never_a_500(manager_client, path):
    response = manager_client.get(path)
    assert 400 <= response.status_code < 500, response.content[:300]


def test_malformed_json_is_a_400(customer_client):
    response = customer_client.generic("POST", "/api/v1/tickets/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


def test_register_login_refresh_logout_flow(anon_client):
    response = anon_client.post(
        "/api/v1/auth/register/",
        {
            "email": "New@Example.com",
            "password": "Sufficiently-long-42",
            "first_name": "N",
            "last_name": "M",
            "role": "admin",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["role"] == "customer"
    tokens = anon_client.post(
        "/api/v1/auth/login/", {"email": "new@example.com", "password": "Sufficiently-long-42"}, format="json"
    ).json()
    refreshed = anon_client.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    again = anon_client.post("/api/v1/auth/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401  # rotated: the old refresh token is blacklisted
    anon_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    out = anon_client.post("/api/v1/auth/logout/", {"refresh": refreshed.json()["refresh"]}, format="json")
    assert out.status_code == 205
    assert (
        anon_client.post("/api/v1/auth/refresh/", {"refresh": refreshed.json()["refresh"]}, format="json").status_code
        == 401
    )


def test_profile_role_and_money_are_read_only(customer_client, customer):
    response = customer_client.patch(
        "/api/v1/auth/me/", {"role": "admin", "total_spent": "1", "city": "Казань"}, format="json"
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.role == "customer" and customer.total_spent == 0 and customer.city == "Казань"


def test_nearby_gives_great_circle_distance_moscow_to_saint_petersburg(anon_client, cinema):
    from decimal import Decimal

    from venues.models import Cinema

    Cinema.objects.create(
        name="Аврора",
        slug="avrora",
        city="Санкт-Петербург",
        address="Невский 60",
        latitude=Decimal("59.9386"),
        longitude=Decimal("30.3141"),
    )
    response = anon_client.get("/api/v1/cinemas/nearby/?lat=55.7558&lon=37.6173&radius_km=700")
    results = response.json()["results"]
    assert [c["name"] for c in results] == ["Октябрь", "Аврора"]
    assert 630 < results[1]["distance_km"] < 638


def test_seat_map_takes_at_most_three_queries(anon_client, session, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = anon_client.get(f"/api/v1/sessions/{session.pk}/seats/")
    seats = response.json()["seats"]
    assert len(seats) == 30 and {s["status"] for s in seats} == {"free", "blocked"}


@pytest.mark.parametrize("path", ["/api/v1/movies/", "/api/v1/sessions/", "/api/v1/cinemas/"])
def test_list_query_count_does_not_grow_with_page_size(anon_client, path, movie, hall, django_assert_max_num_queries):
    from decimal import Decimal

    from scheduling.services import session_create
    from venues.models import Cinema

    start = timezone.now() + timedelta(days=1)
    for i in range(12):
        session_create(movie=movie, hall=hall, starts_at=start + timedelta(hours=4 * i), base_price=Decimal("300"))
        Cinema.objects.create(name=f"C{i}", slug=f"c{i}", city="X", address="Y", latitude=1, longitude=1)
    with django_assert_max_num_queries(4):
        small = anon_client.get(f"{path}?page_size=5")
    with django_assert_max_num_queries(4):
        large = anon_client.get(f"{path}?page_size=50")
    assert small.status_code == large.status_code == 200
    assert len(large.json()["results"]) > len(small.json()["results"]) or large.json()["count"] <= 5


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/movies/", {"title": "Copy", "slug": "stalker", "duration_minutes": 90, "release_date": "2026-12-01"}),
        (
            "/api/v1/cinemas/",
            {"name": "N", "slug": "oktyabr", "address": "A", "city": "C", "latitude": "1", "longitude": "1"},
        ),
    ],
)
def test_a_taken_slug_is_a_400_not_a_500(manager_client, movie, cinema, path, body):
    response = manager_client.post(path, body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["slug"], response.content[:300]
