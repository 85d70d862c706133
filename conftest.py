"""Fixtures that read like the domain: cinema → hall → session, and a client per role."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.services import user_create
from catalog.models import Movie
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.models import Cinema
from venues.services import hall_create

PASSWORD = "correct-horse-battery"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (exclusion constraint, real parallel connections)
    are deselected on SQLite, and browser tests where Chromium is not installed;
    not skipped: CI runs them all (it installs Chromium)."""
    import os

    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_browser = os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    kept, dropped = [], []
    for item in items:
        unsupported = (item.get_closest_marker("postgres") and not on_postgres) or (
            item.get_closest_marker("browser") and not has_browser
        )
        (dropped if unsupported else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


def make_user(email: str, role: str = Role.CUSTOMER, **fields):
    return user_create(email=email, password=PASSWORD, role=role, validate_password=False, **fields)


@pytest.fixture
def customer(db):
    return make_user("customer@example.com", first_name="Ivan")


@pytest.fixture
def other_customer(db):
    return make_user("other@example.com", first_name="Olga")


@pytest.fixture
def moderator(db):
    return make_user("moderator@example.com", Role.MODERATOR)


@pytest.fixture
def manager(db):
    return make_user("manager@example.com", Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return make_user("admin@example.com", Role.ADMIN)


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anon_client():
    return client_for()


@pytest.fixture
def customer_client(customer):
    return client_for(customer)


@pytest.fixture
def other_client(other_customer):
    return client_for(other_customer)


@pytest.fixture
def moderator_client(moderator):
    return client_for(moderator)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def admin_client_api(admin_user):
    return client_for(admin_user)


@pytest.fixture
def cinema(db):
    return Cinema.objects.create(
        name="Октябрь",
        slug="oktyabr",
        city="Москва",
        address="Новый Арбат, 24",
        latitude=Decimal("55.7527"),
        longitude=Decimal("37.5866"),
        timezone="Europe/Moscow",
        has_parking=True,
    )


@pytest.fixture
def hall(cinema):
    """5 rows × 6 seats: row 5 VIP, seat 6 of row 1 blocked, a gap after seat 3."""
    layout = rectangular_layout(5, 6, vip_rows=(5,), blocked=((1, 6),), aisle_after_seat=3)
    return hall_create(cinema=cinema, name="Зал 1", number=1, layout=layout, cleaning_minutes=15)


@pytest.fixture
def movie(db):
    return Movie.objects.create(
        title="Сталкер",
        original_title="Stalker",
        slug="stalker",
        duration_minutes=161,
        release_date=timezone.localdate() - timedelta(days=10),
        director="Андрей Тарковский",
        cast="Александр Кайдановский, Анатолий Солоницын",
    )


@pytest.fixture
def session(movie, hall):
    return session_create(
        movie=movie, hall=hall, starts_at=timezone.now() + timedelta(days=1), base_price=Decimal("400")
    )


def pay_booking(user, booking, **kwargs):
    """Pay a held booking through the fake provider's page (see ``pay_through_fake``)."""
    from booking.providers.fake.provider import pay_through_fake

    return pay_through_fake(user, booking, **kwargs)


@pytest.fixture
def ticket_types(db):
    """The four ticket types (a data migration makes them; a test that empties the
    tables, ``transaction=True``, loses them): code -> TicketType."""
    from pricing.models import TicketType

    specs = [
        ("adult", "Adult", "Взрослый", False, 10),
        ("child", "Child (under 12)", "Детский (до 12 лет)", True, 20),
        ("student", "Student", "Студенческий", True, 30),
        ("senior", "Senior", "Пенсионный", True, 40),
    ]
    return {
        code: TicketType.objects.get_or_create(
            code=code, defaults={"name": name, "name_ru": name_ru, "check_id": check_id, "sort_order": order}
        )[0]
        for code, name, name_ru, check_id, order in specs
    }


@pytest.fixture
def price_card(ticket_types):
    """Every day, any time, any format: adult 500 / child 300 for standard seats,
    adult 900 for VIP (children are not sold VIP seats)."""
    from pricing.models import PriceCard, PriceCardPrice

    card = PriceCard.objects.create(name="Standard")
    for code, category, price in (("adult", "standard", 500), ("adult", "vip", 900), ("child", "standard", 300)):
        PriceCardPrice.objects.create(card=card, ticket_type=ticket_types[code], category=category, price=price)
    return card


@pytest.fixture
def jobs_held(monkeypatch):
    """Jobs queued after a commit are collected here instead of run in-process
    (a test that measures a request alone, without the work it queues)."""
    held = []
    monkeypatch.setattr("cinema.jobs._send", lambda task, args, kwargs: held.append((task.name, args, kwargs)))
    return held
