"""Sessions and price cards through the API and the back office."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pricing.models import PriceCard
from scheduling.models import Session

pytestmark = pytest.mark.django_db


def test_the_api_offers_the_matching_card_and_its_adult_prices(manager_client, price_card, movie, hall):
    start = timezone.now() + timedelta(days=2)
    body = {"movie": movie.pk, "hall": hall.pk, "starts_at": start.isoformat()}
    created = manager_client.post("/api/v1/sessions/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["price_card"] == price_card.pk and created.json()["prices"]["vip"] == "900.00"


def test_the_api_takes_another_card_or_none(manager_client, price_card, movie, hall):
    other = PriceCard.objects.create(name="Festival")
    start = timezone.now() + timedelta(days=2)
    body = {"movie": movie.pk, "hall": hall.pk, "starts_at": start.isoformat(), "base_price": "300.00"}
    chosen = manager_client.post("/api/v1/sessions/", {**body, "price_card": other.pk}, format="json")
    assert chosen.status_code == 201 and chosen.json()["price_card"] == other.pk
    later = (start + timedelta(hours=5)).isoformat()
    none = manager_client.post("/api/v1/sessions/", {**body, "starts_at": later, "price_card": None}, format="json")
    assert none.status_code == 201 and none.json()["price_card"] is None


def test_without_a_card_or_a_price_the_api_answers_400(manager_client, movie, hall):
    start = timezone.now() + timedelta(days=2)
    body = {"movie": movie.pk, "hall": hall.pk, "starts_at": start.isoformat()}
    response = manager_client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400 and "base_price" in response.json()["errors"]


def test_the_admin_form_left_empty_gets_the_matching_card(manager, price_card, movie, hall):
    client = Client()
    client.force_login(manager)
    start = timezone.localtime(timezone.now() + timedelta(days=2), hall.cinema.tz)
    response = client.post(
        "/admin/scheduling/session/add/",
        {
            "movie": movie.pk,
            "hall": hall.pk,
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "currency": "RUB",
            "format": "2d",
            "audio_language": "ru",
            "status": "on_sale",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Session.objects.get().price_card == price_card


def test_choosing_another_card_later_moves_the_seat_prices_to_its_adult_ones(manager_client, price_card, movie, hall):
    from pricing.models import PriceCardPrice

    start = timezone.now() + timedelta(days=2)
    body = {"movie": movie.pk, "hall": hall.pk, "starts_at": start.isoformat(), "price_card": None, "base_price": "300"}
    created = manager_client.post("/api/v1/sessions/", body, format="json").json()
    changed = manager_client.patch(f"/api/v1/sessions/{created['id']}/", {"price_card": price_card.pk}, format="json")
    assert changed.status_code == 200 and changed.json()["prices"]["standard"] == "500.00"
    PriceCardPrice.objects.filter(card=price_card, category="standard", ticket_type__code="adult").update(price=550)
    seat_map = manager_client.get(f"/api/v1/sessions/{created['id']}/seats/").json()
    assert seat_map["prices"]["standard"] == "550.00"  # the card as it is now, as the hold charges
    assert {s["price"] for s in seat_map["seats"] if s["category"] == "standard"} == {"550.00"}


@pytest.mark.parametrize("choose", [False, True])
def test_bulk_planning_gives_each_session_the_matching_or_the_chosen_card(
    manager, price_card, cinema, movie, hall, choose
):
    from datetime import time

    morning = PriceCard.objects.create(name="Mornings", time_from=time(6), time_to=time(12), priority=10)
    festival = PriceCard.objects.create(name="Festival", priority=-1)
    client = Client()
    client.force_login(manager)
    day = timezone.localdate() + timedelta(days=3)
    data = {
        "cinema": cinema.pk,
        "date": day.isoformat(),
        "movie": movie.pk,
        "halls": [hall.pk],
        "date_from": day.isoformat(),
        "date_to": day.isoformat(),
        "start_times": "10:00 19:00",
        "format": "2d",
        "base_price": "350",
        "audio_language": "ru",
        "confirm": "1",
        **({"price_card": festival.pk} if choose else {}),
    }
    assert client.post("/admin/scheduling/session/board/plan/", data).status_code == 302
    cards = list(Session.objects.order_by("starts_at").values_list("price_card", flat=True))
    assert cards == ([festival.pk, festival.pk] if choose else [morning.pk, price_card.pk])
