"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the test's own ORM
# calls are still plain synchronous code (the live server runs in its thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (separate storage: separate customers)."""
    contexts = []

    def make(width=1280, height=900, locale="en-US", geolocation=None):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            base_url=live_server.url,
            geolocation=geolocation,
            permissions=["geolocation"] if geolocation else [],
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A Content-Security-Policy violation is a console error, not a page error.
        page.on("console", lambda message: _csp_violation(message) and errors.append(message.text))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def _csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


def shot(page, name, full_page=True):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def assert_accessible(page, state: str) -> None:
    """axe-core's default rules on the page as it is now: no critical or serious violation.

    ``state`` names the page and its state in the failure message ("home, phone, ru").
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    summary = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — e.g. {v['nodes'][0]['target']}" for v in bad
    ]
    assert not bad, f"axe on {state}:\n" + "\n".join(summary)


@pytest.fixture
def tomorrow_session(movie, hall, price_card):
    """Tomorrow (as the date strip says it) at 19:30 in the cinema's zone, adult 500 / child 300 on standard
    seats, a booking fee of 30, a promo code of 10 %."""
    from datetime import datetime, time, timedelta
    from decimal import Decimal

    from pricing.models import PromoCode
    from scheduling.selectors import business_today
    from scheduling.services import session_create

    hall.cinema.booking_fee = Decimal("30")
    hall.cinema.save(update_fields=["booking_fee"])
    PromoCode.objects.create(code="TEST10", kind="percent", value=Decimal("10"))
    tz = hall.cinema.tz
    starts_at = datetime.combine(business_today(tz) + timedelta(days=1), time(19, 30), tzinfo=tz)
    return session_create(movie=movie, hall=hall, starts_at=starts_at, base_price=Decimal("400"))


@pytest.fixture
def poster(settings, tmp_path, movie):
    """The film's poster drawn as the demo data draws it, with its thumbnails, under a MEDIA_ROOT of its own
    (the pages ask for it under /media/: ``helpers.serve_media``)."""
    from django.core.files.base import ContentFile

    from catalog.demo import draw_poster
    from catalog.services import movie_poster_thumbnails

    settings.MEDIA_ROOT = tmp_path
    movie.poster.save(
        "stalker.jpg", ContentFile(draw_poster(title="Сталкер", latin_title="Stalker", year=1979, key="stalker"))
    )
    movie_poster_thumbnails(movie=movie)
    return tmp_path
