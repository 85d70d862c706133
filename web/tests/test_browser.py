"""The customer pages and the back office in a real browser (Debian's Chromium)."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from booking import services
from conftest import PASSWORD
from reviews.services import review_create
from scheduling.services import session_create
from web.tests.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_sale(movie, hall):
    return session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=1), base_price=Decimal("400")
    )


def seat(page, row, number):
    return page.locator(f".seat[data-key='{row}-{number}']")


def sign_in(page, email, password=PASSWORD, register=False, first="Анна"):
    dialog = page.locator("#auth-dialog")
    dialog.wait_for(state="visible")
    if register:
        page.click("#auth-toggle")
        page.fill("input[name=first_name]", first)
        page.fill("input[name=last_name]", "Зрителева")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("#auth-form button[type=submit]")
    dialog.wait_for(state="hidden")


def test_customer_registers_holds_two_seats_pays_and_sees_the_qr(new_page, on_sale):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 3, 3).click()
    seat(page, 3, 4).click()
    assert page.locator("#total").inner_text().startswith("800")
    shot(page, "1-seats-selected")
    page.click("#hold")
    sign_in(page, "new.viewer@example.com", password="Long-enough-pass-42", register=True)
    page.locator("#pay-box").wait_for(state="visible")
    assert re.match(r"1[45]:\d\d", page.locator("#countdown").inner_text())
    shot(page, "2-held-with-countdown")
    page.click("#pay")
    page.wait_for_url("**/fake-psp/checkout/**")  # the provider's page takes the card, not ours
    shot(page, "3-provider-page")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/")  # back from the provider; its webhook has settled the payment
    page.locator("#tickets-message.ok").wait_for()
    shot(page, "4-paid")
    qr = page.locator(".ticket img").first
    qr.wait_for()
    page.wait_for_function(  # a function, not an expression: Playwright would eval() that, which the CSP forbids
        "() => [...document.querySelectorAll('.ticket img')].filter(i => i.naturalWidth > 0).length == 2"
    )
    assert page.locator(".ticket").count() == 2
    shot(page, "5-my-tickets-with-qr")

    other = new_page()  # another visitor sees those seats sold
    other.goto(f"/sessions/{on_sale.pk}/")
    seat(other, 3, 3).wait_for()
    for number in (3, 4):
        assert "sold" in seat(other, 3, number).get_attribute("class")
        assert seat(other, 3, number).get_attribute("aria-disabled") == "true"
    seat(other, 3, 3).click(force=True)  # a sold seat ignores the click
    assert other.locator("#chosen li").count() == 0
    assert not page.js_errors and not other.js_errors


def test_declined_card_shows_the_reason_and_keeps_the_hold(new_page, on_sale, customer):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 2, 2).click()
    page.click("#hold")
    sign_in(page, customer.email)
    page.locator("#pay-box").wait_for(state="visible")
    page.click("#pay")
    page.wait_for_url("**/fake-psp/checkout/**")
    page.fill("#card_number", "4000 0000 0000 0002")
    page.click("button[type=submit]")
    page.wait_for_url("**/tickets/")
    page.locator("#tickets-message.error").wait_for()
    assert "card_declined" in page.locator("#tickets-message").inner_text()
    shot(page, "declined-card")
    page.goto(f"/sessions/{on_sale.pk}/")  # the hold is kept: pay again, a new payment
    page.locator("#pay-box").wait_for(state="visible")
    page.click("#pay")
    page.wait_for_url("**/fake-psp/checkout/**")
    page.fill("#card_number", "4242424242424242")
    page.click("button[type=submit]")
    page.locator("#tickets-message.ok").wait_for()


def test_seats_can_be_chosen_with_the_keyboard_only(new_page, on_sale):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 1, 1).wait_for()
    for _ in range(40):  # Tab until the seat map has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('seat')"):
            break
    assert page.evaluate("document.activeElement.dataset.key") == "1-1"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    assert seat(page, 2, 2).get_attribute("aria-pressed") == "true"
    assert seat(page, 2, 3).get_attribute("aria-pressed") == "true"
    assert page.locator("#chosen li").count() == 2
    shot(page, "keyboard-selection")


def test_a_seat_taken_meanwhile_is_named_and_the_map_refreshed(new_page, on_sale, customer, other_customer):
    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 4, 1).click()
    seat(page, 4, 2).click()
    services.ticket_hold(user=other_customer, session_id=on_sale.pk, seats=[(4, 2)])
    page.click("#hold")
    sign_in(page, customer.email)
    page.locator("#message.warn").wait_for()
    assert "Row 4, Seat 2" in page.locator("#message").inner_text()
    page.wait_for_function("() => document.querySelector(\".seat[data-key='4-2']\").classList.contains('held')")
    assert page.locator("#chosen li").count() == 1


def test_home_lists_sessions_by_film_and_cinema_in_russian(new_page, on_sale):
    page = new_page()
    page.goto("/")
    page.select_option("#language", "ru")
    page.wait_for_load_state()
    page.locator("h1", has_text="Фильмы и сеансы").wait_for()
    start = timezone.localtime(on_sale.starts_at, on_sale.hall.cinema.tz)
    page.locator(".film-card h3", has_text="Сталкер").wait_for()  # the strip opened on the session's day
    assert page.locator("a.showtime .start").first.inner_text() == start.strftime("%H:%M")
    shot(page, "home-ru")


def test_seat_map_fits_a_phone(new_page, on_sale):
    page = new_page(width=390, height=844)
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 5, 6).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    seat(page, 5, 6).click()
    assert page.locator("#chosen li").count() == 1
    shot(page, "seat-map-phone")


def test_manager_opens_a_session_seat_map_in_the_admin(new_page, on_sale, manager, customer):
    services.ticket_hold(user=customer, session_id=on_sale.pk, seats=[(3, 3)])
    page = new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", manager.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"/admin/scheduling/session/{on_sale.pk}/change/")
    page.locator(".seat-map").wait_for()
    assert "held 1" in page.locator(".seat-map").inner_text()
    shot(page, "admin-session-seat-map")
    assert not page.js_errors  # the admin runs under the app's Content-Security-Policy


def test_moderator_approves_a_review_in_the_admin(new_page, movie, moderator, customer):
    review = review_create(user=customer, movie=movie, rating=9, title="Шедевр", text="Смотрел на одном дыхании.")
    page = new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", moderator.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto("/admin/reviews/review/")
    page.check(f"input[name=_selected_action][value='{review.pk}']")
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    page.locator(".messagelist .success").wait_for()
    shot(page, "admin-review-approved")
    review.refresh_from_db()
    movie.refresh_from_db()
    assert review.status == "approved" and review.moderated_by_id == moderator.pk
    assert movie.rating_count == 1 and movie.rating_average == 9
    assert not page.js_errors


def test_a_lapsed_hold_says_so_and_frees_the_seats(new_page, on_sale, customer):
    from booking.models import Booking, Ticket
    from booking.selectors import seat_map_changed

    page = new_page()
    page.goto(f"/sessions/{on_sale.pk}/")
    seat(page, 2, 5).click()
    page.click("#hold")
    sign_in(page, customer.email)
    page.locator("#pay-box").wait_for(state="visible")
    past = timezone.now() - timedelta(seconds=1)  # the hold lapses while the customer types
    Ticket.objects.filter(user=customer).update(reserved_until=past)
    Booking.objects.filter(user=customer).update(reserved_until=past)
    seat_map_changed(on_sale.pk)  # a real lapse needs none: the cached map never outlives the hold
    page.click("#pay")
    page.locator("#message.warn").wait_for()
    assert "lapsed" in page.locator("#message").inner_text()
    assert page.locator("#pay-box").is_hidden()
    page.wait_for_function("() => document.querySelector(\".seat[data-key='2-5']\").classList.contains('free')")


def test_nearest_cinemas_use_the_browsers_location(new_page, on_sale):
    page = new_page(geolocation={"latitude": 55.7558, "longitude": 37.6173}, locale="ru-RU")  # the Kremlin
    page.goto("/")
    page.click("#nearest")
    page.wait_for_url("**/?city=*")
    assert "Москва" in page.locator("h1").inner_text()


@pytest.mark.parametrize(
    "path, ready",
    [("/api/docs/", ".swagger-ui .opblock-summary-path"), ("/api/redoc/", "[role=menuitem]")],
)
def test_the_api_docs_work_under_the_csp_and_ask_no_other_host(new_page, live_server, path, ready):
    page = new_page()
    hosts = set()  # of http(s) requests: data: and blob: ask no host
    page.on("request", lambda request: request.url.startswith("http") and hosts.add(urlsplit(request.url).netloc))
    page.goto(path)
    page.locator(ready).first.wait_for()
    assert hosts == {urlsplit(live_server.url).netloc}
    assert not page.js_errors
