"""The checkout on the session page in a real browser (Debian's Chromium): the keyboard, a reload
during a hold, a lapse, a seat taken meanwhile, a wrong promo code, changes during a hold, and a
sign-in from the header that finds the hold made before. The whole journey from the home page to a
refund is web/tests/test_browser_journey.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking import services
from booking.models import Booking, Ticket
from booking.selectors import seat_map_changed
from web.tests.helpers import seat, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_seats_are_chosen_with_the_keyboard(new_page, tomorrow_session):
    page = new_page()
    page.goto(f"/sessions/{tomorrow_session.pk}/")
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


def test_a_reload_during_a_hold_shows_the_seats_as_yours_and_a_lapse_stays_said(new_page, tomorrow_session, customer):
    page = new_page()
    page.goto(f"/sessions/{tomorrow_session.pk}/")
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
    seat_map_changed(tomorrow_session.pk)  # a real lapse needs none: the cached map never outlives the hold
    page.reload()
    page.locator("#hold-alert.warn").wait_for()
    assert "lapsed" in page.locator("#hold-alert").inner_text()
    page.wait_for_function("() => document.querySelector(\".seat[data-key='2-5']\").classList.contains('free')")
    seat(page, 1, 1).click()  # choosing again does not wipe the message
    assert "lapsed" in page.locator("#hold-alert").inner_text()
    assert not page.js_errors


def test_a_seat_taken_meanwhile_is_named_and_a_wrong_promo_code_said_in_words(
    new_page, tomorrow_session, customer, other_customer
):
    page = new_page(locale="ru-RU")
    page.goto(f"/sessions/{tomorrow_session.pk}/")
    seat(page, 4, 1).click()
    seat(page, 4, 2).click()
    page.fill("#promo", "NOPE")
    page.click("#action")
    sign_in(page, customer.email)
    page.locator("#promo-message.error").wait_for()
    assert page.locator("#promo-message").inner_text() == "Такого промокода нет."
    services.ticket_hold(user=other_customer, session_id=tomorrow_session.pk, seats=[(4, 2)])
    page.fill("#promo", "")
    page.click("#action")
    page.locator("#message.warn").wait_for()
    assert "Ряд 4, место 2" in page.locator("#message").inner_text()
    expect(page.locator("#chosen li")).to_have_count(1)
    assert not page.js_errors


def test_seats_can_be_changed_during_a_hold(new_page, tomorrow_session, customer):
    page = new_page()
    page.goto(f"/sessions/{tomorrow_session.pk}/")
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


def test_signing_in_from_the_header_shows_the_seats_held_before(new_page, tomorrow_session, customer):
    """Held earlier (another tab, or before signing out): once signed in from the header, no reload."""
    services.ticket_hold(user=customer, session_id=tomorrow_session.pk, seats=[(2, 5)])
    page = new_page()
    page.goto(f"/sessions/{tomorrow_session.pk}/")
    seat(page, 2, 5).wait_for()
    assert "held" in seat(page, 2, 5).get_attribute("class").split()  # someone's: the page does not know whose
    page.click("#sign-in")
    sign_in(page, customer.email)
    page.locator("#summary").wait_for(state="visible")
    assert "selected" in seat(page, 2, 5).get_attribute("class").split()
    assert page.locator("#action").inner_text().startswith("Pay")
    assert page.locator("#countdown-text").inner_text()
    assert not page.js_errors
