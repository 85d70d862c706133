"""Buying in a real browser (Debian's Chromium): the session page's checkout, the
provider's card page, the order's confirmation, My tickets and a refund — on a
desktop and on a phone, in English and Russian, axe-clean in every state."""

import shutil
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking import services
from booking.models import Booking, Ticket
from booking.selectors import seat_map_changed
from conftest import PASSWORD
from scheduling.services import session_create
from web.tests.conftest import ARTIFACTS, assert_accessible, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def on_sale(movie, hall, price_card):
    """Tomorrow at 19:30 in the cinema's zone, adult 500 / child 300 on standard seats, a booking fee of 30,
    a promo code of 10 %."""
    from pricing.models import PromoCode

    hall.cinema.booking_fee = Decimal("30")
    hall.cinema.save(update_fields=["booking_fee"])
    PromoCode.objects.create(code="TEST10", kind="percent", value=Decimal("10"))
    tomorrow = timezone.localtime(timezone.now(), hall.cinema.tz) + timedelta(days=1)
    starts_at = tomorrow.replace(hour=19, minute=30, second=0, microsecond=0)
    return session_create(movie=movie, hall=hall, starts_at=starts_at, base_price=Decimal("400"))


def seat(page, row, number):
    return page.locator(f".seat[data-key='{row}-{number}']")


def sign_in(page, email, password=PASSWORD, register=False):
    dialog = page.locator("#auth-dialog")
    dialog.wait_for(state="visible")
    if register:
        page.click("#auth-toggle")
        page.fill("input[name=first_name]", "Анна")
        page.fill("input[name=last_name]", "Зрителева")
    page.fill("#auth-form input[name=email]", email)
    page.fill("#auth-form input[name=password]", password)
    page.click("#auth-form button[type=submit]")
    dialog.wait_for(state="hidden")


def watch_hosts(page):
    hosts = set()
    page.on("request", lambda request: request.url.startswith("http") and hosts.add(urlsplit(request.url).netloc))
    return hosts


def no_token_in_web_storage(page) -> bool:
    stored = page.evaluate(
        "() => [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => k + '=' + s.getItem(k)))"
    )
    return not any("eyJ" in item or "access" in item or "refresh" in item for item in stored)


def keep(page, name, full_page=True):
    """A screenshot for the README (the English walks)."""
    shot(page, name, full_page=full_page)
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", DOCS_IMG / f"{name}.png")


WORDS = {
    "en": {"row": "Row 3, seat 4", "child": "Child (under 12)", "pay": "Pay", "booked": "Your tickets are booked"},
    "ru": {
        "row": "Ряд 3, место 4",
        "child": "Детский (до 12 лет)",
        "pay": "Оплатить",
        "booked": "Билеты забронированы",
    },
}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_visitor_buys_two_seats_one_for_a_child_with_a_promo_code_and_refunds_one(
    new_page, live_server, on_sale, language, device
):
    words = WORDS[language]
    page = new_page(**(DESKTOP if device == "desktop" else PHONE), locale="ru-RU" if language == "ru" else "en-US")
    hosts = watch_hosts(page)
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 3, 3).wait_for()
    assert_accessible(page, f"seat map, {device}, {language}")
    if device == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("#zoom-in")
        box = seat(page, 3, 3).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24

    seat(page, 3, 3).click()
    seat(page, 3, 4).click()
    assert page.locator("#chosen li").count() == 2
    page.select_option("#chosen li[data-key='3-4'] select", "child")
    assert words["child"] in page.locator("#chosen li[data-key='3-4'] select").inner_text()
    page.fill("#promo", "test10")
    page.click("#action")
    sign_in(page, f"buyer.{device}.{language}@example.com", password="Long-enough-pass-42", register=True)

    page.locator("#summary").wait_for(state="visible")
    booking = Booking.objects.get(user__email=f"buyer.{device}.{language}@example.com")
    # adult 500 + child 300, 10 % off, 2 × 30 fee = 780: what the server charges is what the page shows
    assert booking.total == Decimal("780.00")
    total = page.locator("#total").inner_text()
    assert "780" in total and "780" in page.locator("#action").inner_text()
    assert page.locator("#action").inner_text().startswith(words["pay"])
    assert page.locator("#countdown-text").inner_text()
    assert_accessible(page, f"order summary, {device}, {language}")
    if device == "phone":  # the bar with the total and the action stays on the screen
        bar = page.locator("#bar").bounding_box()
        assert bar["y"] + bar["height"] <= PHONE["height"] + 1
    if (device, language) == ("desktop", "en"):
        keep(page, "web-session")
    if (device, language) == ("phone", "en"):
        page.evaluate("window.scrollTo(0, 0)")
        keep(page, "web-session-phone", full_page=False)  # the screen as the phone shows it, with the bar

    page.click("#action")
    page.wait_for_url("**/fake-psp/checkout/**")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/orders/{booking.reference}/")
    page.locator("h1", has_text=words["booked"]).wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.qr')].filter((i) => i.complete && i.naturalWidth > 0).length == 2"
    )
    assert booking.reference in page.locator("#reference").inner_text()
    assert_accessible(page, f"confirmation, {device}, {language}")
    if (device, language) == ("desktop", "en"):
        keep(page, "web-order")

    page.goto("/tickets/")
    page.locator(".order-card").first.wait_for()
    assert_accessible(page, f"my tickets, {device}, {language}")
    page.locator("button.refund").first.click()
    page.locator("#refund-dialog").wait_for(state="visible")
    # a full refund: what the ticket cost (adult 480 = 500 − 10 % + 30, child 270 + 30 = 300)
    amount = "".join(ch for ch in page.locator("#refund-amount").inner_text() if ch.isdigit())
    assert amount in ("480", "300")
    assert page.locator("#refund-where").inner_text()
    assert_accessible(page, f"refund dialog, {device}, {language}")
    page.click("#refund-confirm")
    page.locator("#tickets-message.ok").wait_for()
    refunded = Ticket.objects.get(booking=booking, status="refunded")
    assert refunded.refund_amount == Decimal(amount)  # the dialog named what came back
    assert page.locator(".badge.refunded").count() == 1
    if (device, language) == ("desktop", "en"):
        keep(page, "web-tickets")

    assert no_token_in_web_storage(page)
    assert hosts == {urlsplit(live_server.url).netloc}
    assert not page.js_errors


def test_seats_are_chosen_with_the_keyboard(new_page, on_sale):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 1, 1).wait_for()
    for _ in range(40):  # Tab until the seat map has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('seat')"):
            break
    assert page.evaluate("() => document.activeElement.dataset.key") == "1-1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    assert seat(page, 2, 2).get_attribute("aria-pressed") == "true"
    assert seat(page, 2, 3).get_attribute("aria-pressed") == "true"
    assert "Row 2, seat 3" in seat(page, 2, 3).get_attribute("aria-label")
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.dataset.key") == "2-6"
    assert page.locator("#chosen li").count() == 2
    # the focus ring is not the selection's colour
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    chosen = page.evaluate("() => getComputedStyle(document.querySelector('.seat.selected')).backgroundColor")
    assert ring != chosen
    assert not page.js_errors


def test_a_reload_during_a_hold_shows_the_seats_as_yours_and_a_lapse_stays_said(new_page, on_sale, customer):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 2, 5).click()
    page.click("#action")
    sign_in(page, customer.email)
    page.locator("#summary").wait_for(state="visible")
    page.reload()
    page.locator("#summary").wait_for(state="visible")  # the server says which seats are ours
    assert "selected" in seat(page, 2, 5).get_attribute("class")
    assert "held" not in seat(page, 2, 5).get_attribute("class").split()

    past = timezone.now() + timedelta(seconds=2)  # the hold lapses while the customer looks
    Ticket.objects.filter(user=customer).update(reserved_until=past)
    Booking.objects.filter(user=customer).update(reserved_until=past)
    seat_map_changed(on_sale.pk)  # a real lapse needs none: the cached map never outlives the hold
    page.reload()
    page.locator("#hold-alert.warn").wait_for()
    assert "lapsed" in page.locator("#hold-alert").inner_text()
    page.wait_for_function("() => document.querySelector(\".seat[data-key='2-5']\").classList.contains('free')")
    seat(page, 1, 1).click()  # choosing again does not wipe the message
    assert "lapsed" in page.locator("#hold-alert").inner_text()
    assert not page.js_errors


def test_a_seat_taken_meanwhile_is_named_and_a_wrong_promo_code_said_in_words(
    new_page, on_sale, customer, other_customer
):
    page = new_page(locale="ru-RU")
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 4, 1).click()
    seat(page, 4, 2).click()
    page.fill("#promo", "NOPE")
    page.click("#action")
    sign_in(page, customer.email)
    page.locator("#promo-message.error").wait_for()
    assert page.locator("#promo-message").inner_text() == "Такого промокода нет."
    services.ticket_hold(user=other_customer, session_id=on_sale.pk, seats=[(4, 2)])
    page.fill("#promo", "")
    page.click("#action")
    page.locator("#message.warn").wait_for()
    assert "Ряд 4, место 2" in page.locator("#message").inner_text()
    expect(page.locator("#chosen li")).to_have_count(1)
    assert not page.js_errors


def test_seats_can_be_changed_during_a_hold(new_page, on_sale, customer):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 2, 2).click()
    page.click("#action")
    sign_in(page, customer.email)
    page.locator("#summary").wait_for(state="visible")
    seat(page, 2, 3).click()
    assert page.locator("#action").inner_text() == "Hold with the changes"
    page.click("#action")
    page.wait_for_function("() => document.querySelector('#action').textContent.startsWith('Pay')")
    held = Ticket.objects.filter(user=customer, status="reserved").values_list("row", "seat")
    assert sorted(held) == [(2, 2), (2, 3)]
    assert not page.js_errors
