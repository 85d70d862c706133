"""Sign-in of the pages in a real browser: the session cookie, no token in web
storage, the app's strict CSP with no violation, and no request to another host."""

import pytest

from conftest import PASSWORD
from web.tests.helpers import no_token_in_web_storage, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_through_the_dialog_keeps_no_token_and_breaks_no_rule(new_page, live_server, customer):
    page = watch(new_page(), live_server)
    page.goto("/tickets/")  # My tickets needs a sign-in: the dialog opens
    page.locator("#auth-dialog").wait_for(state="visible")
    page.fill("input[name=email]", customer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.locator("#auth-dialog").wait_for(state="hidden")
    page.locator("#sign-out").wait_for()
    page.locator("main").filter(has_text="You have no tickets yet.").wait_for()  # the page went on
    assert page.locator("#account .who").inner_text() == customer.first_name
    no_token_in_web_storage(page)
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["sessionid"]["httpOnly"] and cookies["sessionid"]["sameSite"] == "Lax"

    page.reload()  # the server renders the header signed in: no flash of "Sign in"
    assert page.locator("#sign-out").is_visible() and page.locator("#sign-in").count() == 0
    page.click("#sign-out")
    page.locator("#sign-in").wait_for()
    assert "sessionid" not in {c["name"] for c in page.context.cookies()}

    assert page.policies and all("unsafe-inline" not in p and "style-src 'self';" in p for p in page.policies)
    assert page.hosts == {page.own_host}
    assert not page.js_errors  # CSP violations are counted here too (web/tests/conftest.py)


def test_a_wrong_password_is_said_in_the_dialog_in_russian(new_page, live_server, customer):
    page = watch(new_page(locale="ru-RU"), live_server)
    page.goto("/")
    page.click("#sign-in")
    page.fill("input[name=email]", customer.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("#auth-form button[type=submit]")
    page.locator("#auth-error").filter(has_text="Неверный e-mail или пароль.").wait_for()
    no_token_in_web_storage(page)
    assert not page.js_errors


def test_the_seat_map_is_placed_under_the_strict_csp(new_page, live_server, movie, hall):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from scheduling.services import session_create

    on_sale = session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=1), base_price=Decimal("400")
    )
    page = watch(new_page(), live_server)
    page.goto(f"/sessions/{on_sale.pk}/")
    seat = page.locator(".seat[data-key='3-4']")
    seat.wait_for()
    # the row is placed in the hall's grid and the seat's cell in its row's: both through the CSSOM
    row = seat.evaluate("b => getComputedStyle(b.closest('.hall-row')).gridRowStart")
    column = seat.evaluate("b => getComputedStyle(b.parentElement).gridColumnStart")
    assert [row, column] == ["3", "6"]
    first, next_one = page.locator(".seat[data-key='3-3']").bounding_box(), seat.bounding_box()
    assert next_one["x"] > first["x"] and next_one["y"] == first["y"]  # side by side, not stacked
    assert "unsafe-inline" not in page.policies[0] and page.hosts == {page.own_host}
    assert not page.js_errors


@pytest.mark.parametrize("locale", ["en-US", "ru-RU"])
def test_the_header_is_one_line_on_a_phone(new_page, live_server, customer, locale):
    page = new_page(width=390, height=844, locale=locale)
    page.goto("/")
    page.click("#sign-in")
    page.fill("input[name=email]", customer.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("#auth-form button[type=submit]")
    page.locator("#sign-out").wait_for()
    page.reload()
    boxes = page.locator(".top a:visible, .top button:visible, .top select, .top .who").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.right]; })"
    )
    middles = {round((top + bottom) / 2) for top, bottom, _ in boxes}
    assert max(middles) - min(middles) <= 4, boxes  # one line
    assert max(right for _, _, right in boxes) <= 390  # nothing runs off the screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_a_missing_name_and_a_taken_address_are_said_in_words_when_creating_an_account(new_page, live_server, customer):
    page = watch(new_page(locale="ru-RU"), live_server)
    page.goto("/")
    page.click("#sign-in")
    page.click("#auth-toggle")
    page.fill("#auth-form input[name=first_name]", "Анна")
    page.fill("#auth-form input[name=email]", customer.email)
    page.fill("#auth-form input[name=password]", "Long-enough-pass-42")
    page.click("#auth-form button[type=submit]")
    error = page.locator("#auth-error")
    error.filter(has_text="Укажите имя и фамилию.").wait_for()  # the last name is missing
    page.fill("#auth-form input[name=last_name]", "Зрителева")
    page.click("#auth-form button[type=submit]")
    error.filter(has_text="Такой e-mail уже зарегистрирован").wait_for()
    assert "already exists" not in error.inner_text()
    assert not page.js_errors


@pytest.mark.parametrize(
    "locale, said", [("ru-RU", "Ссылка недействительна"), ("en-US", "This link is invalid, used or expired")]
)
def test_a_used_password_link_is_said_in_the_pages_language(new_page, live_server, locale, said):
    page = watch(new_page(locale=locale), live_server)
    page.goto("/password-reset/MQ/not-a-token/")
    page.fill("input[name=new_password]", "Long-enough-pass-42")
    page.click("#account-form button[type=submit]")
    message = page.locator("#account-message.error")
    message.wait_for()
    assert message.inner_text().startswith(said)
    assert "token" not in message.inner_text()  # no field name, no raw API message
    assert not page.js_errors
