import pytest

from venues.layout import rectangular_layout

pytestmark = pytest.mark.django_db


def test_cinemas_filter_by_city_and_amenities(anon_client, cinema):
    assert anon_client.get("/api/v1/cinemas/?city=москва").json()["count"] == 1
    assert anon_client.get("/api/v1/cinemas/?amenities=parking").json()["count"] == 1
    assert anon_client.get("/api/v1/cinemas/?amenities=parking&amenities=cafe").json()["count"] == 0


def test_manager_adds_a_hall_with_its_layout_and_counts_are_derived(manager_client, cinema):
    layout = rectangular_layout(4, 5, vip_rows=(4,), blocked=((1, 1),))
    response = manager_client.post(
        f"/api/v1/cinemas/{cinema.pk}/halls/",
        {"name": "Зал 2", "number": 2, "layout": layout, "capacity": 999},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["capacity"], body["vip_seats"], body["blocked_seats"]) == (19, 5, 1)


def test_a_bad_layout_is_a_400_naming_the_problem(manager_client, cinema):
    response = manager_client.post(
        f"/api/v1/cinemas/{cinema.pk}/halls/", {"name": "X", "number": 3, "layout": {"rows": []}}, format="json"
    )
    assert response.status_code == 400 and "layout" in response.json()["errors"]


def test_a_taken_hall_number_is_a_409(manager_client, hall):
    response = manager_client.post(
        f"/api/v1/cinemas/{hall.cinema_id}/halls/",
        {"name": "X", "number": hall.number, "layout": rectangular_layout(1, 1)},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "hall_number_taken"
