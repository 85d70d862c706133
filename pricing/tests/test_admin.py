from decimal import Decimal

import pytest
from django.test import Client

from conftest import make_user
from pricing.models import PriceCard, PromoCode

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/pricing/tickettype/",
    "/admin/pricing/pricecard/",
    "/admin/pricing/pricecard/add/",
    "/admin/pricing/promocode/",
    "/admin/pricing/promocode/add/",
]


def _client(role):
    client = Client()
    client.force_login(make_user(f"{role}@example.com", role))
    return client


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role, status", [("customer", 302), ("moderator", 403), ("manager", 200)])
def test_prices_and_promo_codes_are_the_managers(page, role, status, ticket_types):
    assert _client(role).get(page).status_code == status


def test_a_manager_makes_a_price_card_with_its_prices_in_one_form(ticket_types):
    response = _client("manager").post(
        "/admin/pricing/pricecard/add/",
        {
            "name": "Weekday mornings",
            "weekdays": ["1", "2", "3", "4", "5"],
            "time_from": "06:00",
            "time_to": "12:00",
            "formats": ["2d", "3d"],
            "priority": "10",
            "is_active": "on",
            "prices-TOTAL_FORMS": "2",
            "prices-INITIAL_FORMS": "0",
            "prices-0-ticket_type": ticket_types["adult"].pk,
            "prices-0-category": "standard",
            "prices-0-price": "250",
            "prices-1-ticket_type": ticket_types["child"].pk,
            "prices-1-category": "standard",
            "prices-1-price": "150",
        },
    )
    assert response.status_code == 302
    card = PriceCard.objects.get()
    assert (card.weekdays, card.formats) == ([1, 2, 3, 4, 5], ["2d", "3d"])
    assert sorted(card.prices.values_list("price", flat=True)) == [Decimal("150"), Decimal("250")]


def test_a_promo_code_is_stored_in_capitals_and_unique_whatever_the_case(db):
    client = _client("manager")
    data = {"code": "spring ", "kind": "percent", "value": "15", "min_tickets": "1", "is_active": "on"}
    assert client.post("/admin/pricing/promocode/add/", data).status_code == 302
    assert PromoCode.objects.get().code == "SPRING"
    again = client.post("/admin/pricing/promocode/add/", {**data, "code": "Spring"})
    assert again.status_code == 200 and PromoCode.objects.count() == 1


def test_the_price_pages_speak_russian(ticket_types):
    client = _client("manager")
    page = client.get("/admin/pricing/pricecard/add/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "ценовая карта" in page.lower() and "дни недели" in page.lower()
    report = client.get("/admin/reports/distributorreport/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Скачать XLSX" in report and "Кинонеделя" in report


def test_a_changed_price_and_promo_code_are_in_the_audit_trail_with_who_changed_them(price_card, manager):
    from auditlog.models import LogEntry

    client = Client()
    client.force_login(manager)
    promo = PromoCode.objects.create(code="SPRING", kind="percent", value=Decimal("10"))
    data = {"code": "SPRING", "kind": "percent", "value": "15", "min_tickets": "1", "is_active": "on"}
    assert client.post(f"/admin/pricing/promocode/{promo.pk}/change/", data).status_code == 302
    entry = LogEntry.objects.get_for_object(promo).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == manager and [Decimal(v) for v in entry.changes_dict["value"]] == [10, 15]
    history = client.get(f"/admin/pricing/promocode/{promo.pk}/history/")
    assert history.status_code == 200 and "SPRING" in history.content.decode()
