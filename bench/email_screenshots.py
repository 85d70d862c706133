"""Render every customer e-mail in Chromium and save screenshots in docs/img/.

    .venv/bin/python bench/email_screenshots.py

Builds a throwaway SQLite database, walks a customer through the real services
(register, pay, a refund, a reminder, the cinema cancelling a session, a review
rejected and approved, a password reset), catches the messages with Django's
in-memory mail backend, and opens each HTML part in Chromium (Playwright, the
system's /usr/bin/chromium) with its inline QR images in place.
"""

import base64
import os
import re
import sys
import tempfile
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="cinema-emails-"))
sys.path.insert(0, str(ROOT))
os.environ.update(
    DJANGO_SETTINGS_MODULE="cinema.settings",
    DATABASE_URL=f"sqlite:///{WORK / 'db.sqlite3'}",
    SITE_URL="https://cinema.example.com",
    CELERY_BROKER_URL="",
    REDIS_URL="",
)
os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
mail.outbox = []

NAMES = {
    "booking_confirmation": "email-booking-confirmation",
    "refund_confirmation": "email-refund",
    "session_cancelled": "email-session-cancelled",
    "reminder": "email-reminder",
    "password_reset": "email-password-reset",
    "email_verification": "email-verification",
    "review_moderated": "email-review",
}


def world():
    from accounts.models import Role
    from accounts.services import password_reset_request, user_create, user_register
    from booking.services import booking_pay, session_cancel, ticket_cancel, ticket_hold
    from catalog.models import Movie
    from notifications.services import reminders_queue
    from reviews.models import Review
    from reviews.services import review_moderate
    from scheduling.services import session_create
    from venues.layout import rectangular_layout
    from venues.models import Cinema
    from venues.services import hall_create

    cinema = Cinema.objects.create(
        name="Октябрь",
        slug="oktyabr",
        city="Москва",
        address="Новый Арбат, 24",
        latitude=Decimal("55.7527"),
        longitude=Decimal("37.5866"),
        timezone="Europe/Moscow",
    )
    hall = hall_create(cinema=cinema, name="Зал 1", number=1, layout=rectangular_layout(8, 10, vip_rows=(8,)))
    movie = Movie.objects.create(
        title="Сталкер",
        original_title="Stalker",
        slug="stalker",
        duration_minutes=161,
        release_date=timezone.localdate() - timedelta(days=10),
    )
    start = (timezone.now() + timedelta(days=2)).replace(hour=16, minute=30, second=0, microsecond=0)
    session = session_create(movie=movie, hall=hall, starts_at=start, base_price=Decimal("450"))
    other = session_create(movie=movie, hall=hall, starts_at=start + timedelta(hours=4), base_price=Decimal("450"))
    moderator = user_create(email="moderator@example.com", password="x", role=Role.MODERATOR, validate_password=False)

    languages = {"en": "anna@example.com", "ru": "ivan@example.com"}
    for language, email in languages.items():
        first_name = "Anna" if language == "en" else "Иван"
        user = user_register(
            email=email,
            password="a-long-passphrase-42",
            first_name=first_name,
            last_name="K",
            preferred_language=language,
        )
        row = 3 if language == "en" else 5
        booking = ticket_hold(user=user, session_id=session.pk, seats=[(row, 5), (row, 6), (8, 5 + row)])
        booking_pay(
            user=user, booking=booking, idempotency_key=uuid.uuid4().hex, method="card", card_number="4242424242424242"
        )
        ticket_cancel(ticket=booking.tickets.get(row=8), by=user)
        reminders_queue(now=session.starts_at - timedelta(hours=2))
        password_reset_request(email=email)
        review = Review.objects.create(user=user, movie=movie, rating=9, title="The Zone", text="Slow, and worth it.")
        review_moderate(review=review, by=moderator, approve=False, reason="Please remove the spoiler in the title.")
        late = ticket_hold(user=user, session_id=other.pk, seats=[(2, 1 + row), (2, 2 + row)])
        booking_pay(
            user=user, booking=late, idempotency_key=uuid.uuid4().hex, method="card", card_number="4242424242424242"
        )
    with transaction.atomic():
        session_cancel(session=other, by=moderator, reason="")


def inline(message) -> str:
    html = next(body for body, mimetype in message.alternatives if mimetype == "text/html")
    for part in message.attachments:
        if hasattr(part, "get_content_type") and part["Content-ID"]:
            cid = part["Content-ID"].strip("<>")
            data = base64.b64encode(part.get_payload(decode=True)).decode()
            html = html.replace(f"cid:{cid}", f"data:image/png;base64,{data}")
    return html


def main():
    call_command("migrate", verbosity=0)
    world()
    from notifications.models import Message

    kinds = {m.message_id: (m.kind, m.language) for m in Message.objects.all()}
    wanted = {}
    for message in mail.outbox:
        kind, language = kinds[message.extra_headers["Message-ID"]]
        wanted.setdefault((kind, language), message)  # the first of each
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs" / "img"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        page = browser.new_page(viewport={"width": 680, "height": 400}, device_scale_factor=1)
        for (kind, language), message in sorted(wanted.items()):
            if language != "en" and kind != "booking_confirmation":
                continue
            name = NAMES[kind] + ("" if language == "en" else f"-{language}")
            path = WORK / f"{name}.html"
            path.write_text(inline(message), encoding="utf-8")
            page.goto(path.as_uri())
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            subject = re.sub(r"\s+", " ", message.subject)
            print(f"docs/img/{name}.png  {subject}")
        browser.close()


if __name__ == "__main__":
    main()
