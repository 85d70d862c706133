"""The browsing pages in Chromium: home → film → cinema on a desktop and a phone, in
Russian and English; axe-clean in each state; nothing asked of another host."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import make_user
from reviews.services import review_create, review_moderate
from scheduling.selectors import business_today
from scheduling.services import session_create
from web.tests.conftest import assert_accessible, shot
from web.tests.helpers import assert_fits, serve_media, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def showing(poster, movie, hall, cinema, moderator):
    """Tomorrow evening's session of a film with a drawn poster and an approved review."""
    movie.synopsis = "Проводник ведёт двоих через Зону к комнате, где исполняются желания."
    movie.trailer_url = "https://example.org/stalker-trailer"
    movie.save(update_fields=["synopsis", "trailer_url"])
    day = business_today(cinema.tz) + timedelta(days=1)
    session = session_create(
        movie=movie,
        hall=hall,
        starts_at=datetime.combine(day, time(19, 30), tzinfo=cinema.tz),
        base_price=Decimal("450"),
    )
    review = review_create(
        user=make_user("viewer@example.com", first_name="Вера"),
        movie=movie,
        rating=9,
        title="Гипнотично",
        text="Медленно, но не отпускает до самого конца.",
    )
    review_moderate(review=review, by=moderator, approve=True)
    return session


@pytest.mark.parametrize(
    "device, width, height", [("desktop", 1280, 900), ("phone", 390, 844)], ids=["desktop", "phone"]
)
@pytest.mark.parametrize(
    "locale, film, cinema_name", [("ru-RU", "Сталкер", "Октябрь"), ("en-US", "Stalker", "Oktyabr")]
)
def test_home_film_and_cinema_pages(
    new_page, live_server, settings, showing, device, width, height, locale, film, cinema_name
):
    page = new_page(width=width, height=height, locale=locale)
    serve_media(page, Path(settings.MEDIA_ROOT))
    hosts = set()
    page.on("request", lambda request: request.url.startswith("http") and hosts.add(urlsplit(request.url).netloc))
    state = f"{device}, {locale}"
    language = locale[:2]

    page.goto("/")
    card = page.locator(".film-card", has_text=film)
    card.wait_for()
    assert page.locator(".date-strip [aria-current=date] .weekday").inner_text() in ("Завтра", "Tomorrow")
    assert card.locator("a.showtime .start").inner_text() == "19:30"
    assert card.locator("img.poster").evaluate("img => img.complete && img.naturalWidth > 0")
    assert_fits(page, width, f"home, {state}")
    assert_accessible(page, f"home, {state}")
    shot(page, f"browse-home-{device}-{language}")

    card.locator("h3 a").click()
    page.wait_for_url("**/films/stalker/")
    page.locator("h1", has_text=film).wait_for()
    assert page.locator(".review h3", has_text="Гипнотично").is_visible()
    assert page.locator(".facts").inner_text().count("2 ч 41 мин" if language == "ru" else "2 h 41 min") == 1
    assert_fits(page, width, f"film page, {state}")
    assert_accessible(page, f"film page, {state}")
    shot(page, f"browse-film-{device}-{language}")

    page.locator(".film-sessions h4 a", has_text=cinema_name).click()
    page.wait_for_url("**/cinemas/oktyabr/**")
    page.locator("h1", has_text=cinema_name).wait_for()
    assert page.locator(".halls tbody tr").count() == 1
    assert page.locator("a.showtime").count() == 1
    assert_fits(page, width, f"cinema page, {state}")
    assert_accessible(page, f"cinema page, {state}")
    shot(page, f"browse-cinema-{device}-{language}")

    assert hosts == {urlsplit(live_server.url).netloc}
    assert not page.js_errors


def test_a_visitor_votes_a_review_helpful_after_signing_in(new_page, showing, customer):
    page = new_page(locale="ru-RU")
    page.goto("/films/stalker/")
    helpful = page.locator(".review .vote[data-helpful=true]")
    helpful.click()
    sign_in(page, customer.email)
    page.locator(".review .vote-status", has_text="голос учтён").wait_for()
    assert helpful.get_attribute("aria-pressed") == "true"
    assert helpful.locator(".count").inner_text() == "1"
    assert_accessible(page, "film page after a vote")
    assert not page.js_errors
