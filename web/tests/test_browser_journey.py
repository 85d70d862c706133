"""The customer's whole journey in a real browser (Debian's Chromium), as a first-time visitor
(a fresh browser: no cookie, nothing stored) on a phone and on a desktop, in Russian and English:
the home page opens on tomorrow → the poster → the film page → tomorrow's session → two seats,
one a child's → an account made in the dialog → a promo code → the provider's card page → the
confirmation with the reference and the QR codes → My tickets → a refund of one ticket.
Nothing is typed to find the session. axe-core finds no critical or serious violation on any
page or state; no token is kept in web storage; no other host is asked; the strict CSP holds."""

from datetime import timedelta
from decimal import Decimal

import pytest

from booking.models import Booking, Ticket
from scheduling.services import session_create
from web.tests.conftest import assert_accessible
from web.tests.helpers import (
    LOCALES,
    PHONE,
    SCREENS,
    assert_fits,
    assert_kept_to_itself,
    keep,
    no_token_in_web_storage,
    seat,
    serve_media,
    sign_in,
    watch,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "film": "Stalker",
        "name": "Anna",
        "tomorrow": "Tomorrow",
        "child": "Child (under 12)",
        "pay": "Pay",
        "booked": "Your tickets are booked",
    },
    "ru": {
        "film": "Сталкер",
        "name": "Анна",
        "tomorrow": "Завтра",
        "child": "Детский (до 12 лет)",
        "pay": "Оплатить",
        "booked": "Билеты забронированы",
    },
}


@pytest.fixture
def showing(poster, tomorrow_session):
    """Tomorrow's session (the one bought) and another the day after, so that the film page lists two days."""
    later = session_create(
        movie=tomorrow_session.movie,
        hall=tomorrow_session.hall,
        starts_at=tomorrow_session.starts_at + timedelta(days=1),
        base_price=Decimal("400"),
    )
    return tomorrow_session, later


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_first_time_visitor_finds_tomorrows_session_buys_two_seats_and_refunds_one(
    new_page, live_server, poster, showing, language, device
):
    session, _ = showing
    words = WORDS[language]
    state = f"{device}, {language}"
    email = f"first.{device}.{language}@example.com"
    page = watch(new_page(**SCREENS[device], locale=LOCALES[language]), live_server)
    serve_media(page, poster)
    assert page.context.cookies() == []

    # Home: the strip opened on tomorrow, the first day with sessions; the film's poster in the grid.
    page.goto("/")
    assert page.locator(".date-strip [aria-current=date] .weekday").inner_text() == words["tomorrow"]
    card = page.locator(".film-card", has_text=words["film"])
    image = card.locator("img.poster")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert card.locator("a.showtime .start").inner_text() == "19:30"
    assert_fits(page, SCREENS[device]["width"], f"home, {state}")
    assert_accessible(page, f"home, {state}")

    # The poster opens the film page; its sessions are listed by day: tomorrow's is chosen.
    card.locator("a.poster-link").click()
    page.wait_for_url(f"**/films/{session.movie.slug}/")
    page.locator("h1", has_text=words["film"]).wait_for()
    assert page.locator(".film-sessions a.showtime").count() == 2
    assert_fits(page, SCREENS[device]["width"], f"film page, {state}")
    assert_accessible(page, f"film page, {state}")
    page.locator(".film-sessions a.showtime").first.click()
    page.wait_for_url(f"**/sessions/{session.pk}/")

    # The session page: the film by its name in the page's language, two seats, one a child's, a promo code.
    assert page.locator("h1").inner_text().startswith(words["film"])
    seat(page, 3, 3).wait_for()
    assert_accessible(page, f"seat map, {state}")
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
    assert_accessible(page, f"two seats chosen, {state}")

    # Holding asks for a sign-in: a first-time visitor creates the account in the dialog.
    page.click("#action")
    page.locator("#auth-dialog").wait_for(state="visible")
    assert_accessible(page, f"sign-in dialog, {state}")
    sign_in(page, email, password="Long-enough-pass-42", register=True, first=words["name"])
    page.locator("#summary").wait_for(state="visible")
    booking = Booking.objects.get(user__email=email)
    # adult 500 + child 300, 10 % off, 2 × 30 fee = 780: what the server charges is what the page shows
    assert booking.total == Decimal("780.00")
    assert "780" in page.locator("#total").inner_text() and "780" in page.locator("#action").inner_text()
    assert page.locator("#action").inner_text().startswith(words["pay"])
    assert page.locator("#countdown-text").inner_text()
    assert_accessible(page, f"order summary, {state}")
    if device == "phone":  # the bar with the total and the action stays on the screen
        bar = page.locator("#bar").bounding_box()
        assert bar["y"] + bar["height"] <= PHONE["height"] + 1
    if (device, language) == ("desktop", "en"):
        keep(page, "web-session")
    if (device, language) == ("phone", "en"):
        page.evaluate("window.scrollTo(0, 0)")
        keep(page, "web-session-phone", full_page=False)  # the screen as the phone shows it, with the bar

    # The provider's page, then back to the confirmation: the reference and a QR code per ticket.
    page.click("#action")
    page.wait_for_url("**/fake-psp/checkout/**")
    assert_accessible(page, f"payment provider's page, {state}")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/orders/{booking.reference}/")
    page.locator("h1", has_text=words["booked"]).wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.qr')].filter((i) => i.complete && i.naturalWidth > 0).length == 2"
    )
    assert booking.reference in page.locator("#reference").inner_text()
    assert page.locator("#order-film").inner_text() == words["film"]
    assert_accessible(page, f"confirmation, {state}")
    if (device, language) == ("desktop", "en"):
        keep(page, "web-order")

    # My tickets, from the header; a refund names its amount and where the money goes before it is asked.
    page.locator("header.top a[href='/tickets/']").click()
    page.wait_for_url("**/tickets/")
    card = page.locator(".order-card").first
    card.wait_for()
    assert card.locator("h3").inner_text() == words["film"]
    assert_accessible(page, f"my tickets, {state}")
    page.locator("button.refund").first.click()
    page.locator("#refund-dialog").wait_for(state="visible")
    # a full refund: what the ticket cost (adult 480 = 500 − 10 % + 30, child 270 + 30 = 300)
    amount = "".join(ch for ch in page.locator("#refund-amount").inner_text() if ch.isdigit())
    assert amount in ("480", "300")
    assert words["film"] in page.locator("#refund-dialog").inner_text()
    assert page.locator("#refund-where").inner_text()
    assert_accessible(page, f"refund dialog, {state}")
    page.click("#refund-confirm")
    page.locator("#tickets-message.ok").wait_for()
    refunded = Ticket.objects.get(booking=booking, status="refunded")
    assert refunded.refund_amount == Decimal(amount)  # the dialog named what came back
    assert page.locator(".badge.refunded").count() == 1
    assert_accessible(page, f"my tickets after the refund, {state}")
    if (device, language) == ("desktop", "en"):
        keep(page, "web-tickets")

    no_token_in_web_storage(page)
    assert_kept_to_itself(page)
