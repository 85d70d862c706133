"""The customer pages and the back office in a real browser (Debian's Chromium)."""

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
