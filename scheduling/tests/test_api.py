from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import pay_booking

pytestmark = pytest.mark.django_db


def test_manager_schedules_a_session_and_an_overlap_is_a_409(manager_client, movie, hall):
    start = timezone.now() + timedelta(days=2)
    body = {"movie": movie.pk, "hall": hall.pk, "starts_at": start.isoformat(), "base_price": "350.00"}
    created = manager_client.post("/api/v1/sessions/", body, format="json")
    assert created.status_code == 201
    assert created.json()["prices"]["vip"] == "612.00"
    assert created.json()["starts_at"].endswith("+03:00")  # the cinema's zone
    clash = manager_client.post(
        "/api/v1/sessions/", {**body, "starts_at": (start + timedelta(hours=1)).isoformat()}, format="json"
    )
    assert clash.status_code == 409 and clash.json()["code"] == "session_overlap"


def test_sessions_filter_by_the_cinemas_local_date_and_price(anon_client, session):
    local = timezone.localtime(session.starts_at, session.hall.cinema.tz).date()
    assert anon_client.get(f"/api/v1/sessions/?date={local}").json()["count"] == 1
    assert anon_client.get(f"/api/v1/sessions/?date={local + timedelta(days=1)}").json()["count"] == 0
    assert anon_client.get(f"/api/v1/sessions/?date_from={local}&date_to={local}").json()["count"] == 1
    assert anon_client.get("/api/v1/sessions/?max_price=300").json()["count"] == 0
    assert anon_client.get("/api/v1/sessions/?city=Москва&available=true").json()["count"] == 1
    assert (
        anon_client.get(f"/api/v1/sessions/?date_from={local}&date_to={local - timedelta(days=1)}").status_code == 400
    )


def test_session_cancel_through_the_api_reports_the_refunds(manager_client, customer, session):
    from booking import services

    hold = services.ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)])
    pay_booking(customer, hold)
    response = manager_client.post(f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "Авария"}, format="json")
    assert response.status_code == 200
    assert (response.json()["refunded_tickets"], response.json()["session"]["status"]) == (1, "cancelled")
    again = manager_client.post(f"/api/v1/sessions/{session.pk}/cancel/", {}, format="json")
    assert again.status_code == 409
