"""The back office in a real browser (Debian's Chromium): the dashboard, the
schedule board, and bulk scheduling with a conflict caught in the preview."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.tests.conftest import move_to, sell
from catalog.models import Movie
from conftest import PASSWORD
from scheduling.models import Session
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.models import Cinema
from venues.services import hall_create
from web.tests.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages of the back office carry no inline script or style: they must work under this policy.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"


def strict(page):
    """Serve every page of the live server with a strict Content-Security-Policy,
    and collect what the browser refuses."""
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def add_policy(route):
        from playwright.sync_api import Error

        try:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})
        except Error:  # the page moved on (a redirect, the test's end) while the request was in flight
            pass

    page.route("**/admin/**", add_policy)
    page.csp_violations = violations
    return page


def log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.locator("#content").wait_for()


@pytest.fixture
def chain(movie, hall, cinema):
    """Two cinemas, three films, a month of sessions with sales, and today's shows."""
    rng = random.Random(7)
    second = Cinema.objects.create(
        name="Победа",
        slug="pobeda",
        city="Москва",
        address="Ленинградский пр., 1",
        latitude=Decimal("55.79"),
        longitude=Decimal("37.53"),
        timezone="Europe/Moscow",
    )
    halls = [
        hall,
        hall_create(cinema=hall.cinema, name="Зал 2 IMAX", number=2, layout=rectangular_layout(8, 10)),
        hall_create(cinema=second, name="Зал 1", number=1, layout=rectangular_layout(6, 8)),
    ]
    films = [
        movie,
        Movie.objects.create(
            title="Солярис",
            slug="solaris",
            duration_minutes=100,
            release_date=timezone.localdate() - timedelta(days=40),
        ),
        Movie.objects.create(
            title="Зеркало", slug="zerkalo", duration_minutes=90, release_date=timezone.localdate() - timedelta(days=40)
        ),
    ]
    today = timezone.localdate()
    future = timezone.now() + timedelta(days=60)
    made = 0

    def show(film, in_hall, day, at, seats):
        nonlocal made
        made += 1
        session = session_create(
            movie=film,
            hall=in_hall,
            starts_at=future + timedelta(hours=4 * made),
            base_price=Decimal(rng.choice([350, 400, 450])),
        )
        if seats:
            sell(session, seats, email=f"viewer{made}@example.com")
        return move_to(session, day, at)

    for back in range(1, 30, 2):
        for in_hall in (halls[0], halls[2]):
            count = rng.randint(1, 4)
            show(
                rng.choice(films),
                in_hall,
                today - timedelta(days=back),
                time(19),
                [(row, seat) for row, seat in ((2, 1), (2, 2), (3, 3), (4, 4))[:count]],
            )
    todays = [
        show(films[0], halls[0], today, time(10), [(1, 1), (1, 2), (2, 3)]),
        show(films[1], halls[0], today, time(14), [(3, 1)]),
        show(films[2], halls[2], today, time(12), [(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)]),
        show(films[2], halls[0], today, time(18, 30), [(4, 1), (4, 2), (4, 3), (5, 1), (5, 2), (5, 3)]),
        show(films[1], halls[1], today, time(11), [(6, 1), (6, 2)]),
        show(films[0], halls[1], today, time(15), [(7, 1), (7, 2), (7, 3), (7, 4)]),
        show(films[2], halls[1], today, time(20, 15), [(8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 6), (8, 7)]),
    ]
    sell(todays[1], [(4, 1), (4, 2)], email="holder@example.com", pay=False)  # a hold
    return {"cinemas": [hall.cinema, second], "halls": halls, "films": films, "today": todays}


def test_manager_sees_todays_dashboard_in_english_and_russian(new_page, chain, manager):
    for locale, heading in (("en-US", "Top films of the week"), ("ru-RU", "Лучшие фильмы недели")):
        page = strict(new_page(width=1280, height=900, locale=locale))
        log_in(page, manager)
        page.goto("/admin/")
        page.locator("#dashboard").wait_for()
        assert heading in page.locator("#dashboard").inner_text()
        assert page.locator("#sales-chart rect.bo-bar").count() == 30
        assert page.locator("#dashboard-sessions tr[data-session]").count() == 7
        assert page.locator("#dashboard-cinemas tbody tr").count() == 2
        held = page.locator(f"#dashboard-sessions tr[data-session='{chain['today'][1].pk}'] rect.bo-held")
        assert float(held.get_attribute("width")) > 0
        assert not page.csp_violations and not page.js_errors
        shot(page, f"dashboard-{locale[:2]}")


def test_manager_reads_the_board_and_opens_a_session_from_it(new_page, chain, manager):
    page = strict(new_page(width=1280, height=900))
    log_in(page, manager)
    page.goto("/admin/scheduling/session/")
    with page.expect_navigation():
        page.click("#open-board")
    page.select_option("#board-cinema", str(chain["cinemas"][0].pk))
    page.fill("#board-date", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.click("#board-switch button[type=submit]")
    blocks = page.locator("#board a.bo-session-link")
    blocks.nth(5).wait_for()
    assert blocks.count() == 6
    assert page.locator("#board g.bo-hall").count() == 2
    assert page.locator("#board .bo-gap").count() >= 4
    assert "10:00–12:56" in page.locator("#board").inner_html()
    shot(page, "board")
    assert not page.csp_violations and not page.js_errors
    with page.expect_navigation():
        page.click("#next-day")
    assert page.locator("#board a.bo-session-link").count() == 0
    with page.expect_navigation():
        page.click("#previous-day")
    page.locator(f"#board a[data-session='{chain['today'][0].pk}'] rect.bo-session").click()
    page.wait_for_url(f"**/admin/scheduling/session/{chain['today'][0].pk}/change/")


def test_manager_plans_a_week_and_the_preview_catches_a_conflict(new_page, chain, manager):
    day = timezone.localdate() + timedelta(days=2)
    cinema, hall = chain["cinemas"][0], chain["halls"][0]
    taken = session_create(
        movie=chain["films"][1],
        hall=hall,
        base_price=Decimal("400"),
        starts_at=datetime.combine(day, time(13), tzinfo=cinema.tz),
    )
    existing = Session.objects.count()
    page = strict(new_page(width=1280, height=1000))
    log_in(page, manager)
    page.goto(f"/admin/scheduling/session/board/?cinema={cinema.pk}&date={day.isoformat()}")
    with page.expect_navigation():
        page.click("#open-planner")
    page.select_option("#id_movie", str(chain["films"][2].pk))
    page.check(f"input[name=halls][value='{hall.pk}']")
    page.fill("#id_date_from", day.isoformat())
    page.fill("#id_date_to", (day + timedelta(days=6)).isoformat())
    page.fill("#id_start_times", "10:00, 12:00, 19:00")
    page.fill("#id_base_price", "380")
    with page.expect_navigation():
        page.click("#preview-button")
    page.locator("#preview-table").wait_for()
    summary = page.locator("#preview-summary").inner_text()
    assert "1 session conflicts" in summary or "sessions conflict" in summary
    assert "overlaps “Солярис” 13:00" in page.locator("#preview-table").inner_text()
    assert page.locator("#confirm-button").count() == 0
    shot(page, "bulk-preview-conflict")
    assert Session.objects.count() == existing  # nothing written by the preview
    page.fill("#id_start_times", "10:00, 19:00")
    with page.expect_navigation():
        page.click("#preview-button")
    assert "14 sessions, no conflict." in page.locator("#preview-summary").inner_text()
    with page.expect_navigation():
        page.click("#confirm-button")
    page.locator(".messagelist .success").wait_for()
    assert Session.objects.filter(movie=chain["films"][2], base_price=380, created_by=manager).count() == 14
    assert page.locator("#board a.bo-session-link").count() == 3  # the day: 10:00, the 13:00 one, 19:00
    assert Session.objects.filter(pk=taken.pk).exists()
    assert not page.csp_violations and not page.js_errors
