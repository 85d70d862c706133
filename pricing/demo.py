"""Demo price cards and the promo code ``KINO10`` (``manage.py seed_demo``):
mornings and children cheaper, IMAX and 4DX dearer, evenings in between."""

from datetime import time
from decimal import Decimal

from pricing.models import PriceCard, PriceCardPrice, PromoCode, TicketType
from venues.models import SeatCategory

# Surcharge of each seat category over the standard seat, as sessions have.
CATEGORY_FACTORS = {
    SeatCategory.STANDARD: Decimal("1"),
    SeatCategory.PREMIUM: Decimal("1.25"),
    SeatCategory.VIP: Decimal("1.75"),
    SeatCategory.LOVE: Decimal("1.5"),
    SeatCategory.WHEELCHAIR: Decimal("1"),
}

# What demo customers buy: mostly adults.
DEMO_TICKET_TYPES = ["adult", "adult", "adult", "child", "student", "senior"]

CARDS = [
    # name, time from, time to, formats, priority, standard seat price per ticket type
    (
        "Утро (до 12:00) / Morning",
        time(6),
        time(12),
        [],
        20,
        {"adult": 250, "child": 150, "student": 200, "senior": 150},
    ),
    (
        "IMAX и 4DX / IMAX and 4DX",
        None,
        None,
        ["imax", "imax_3d", "4dx"],
        10,
        {"adult": 650, "child": 450, "student": 550, "senior": 450},
    ),
    (
        "Вечер (с 18:00) / Evening",
        time(18),
        time(6),
        [],
        5,
        {"adult": 500, "child": 350, "student": 400, "senior": 350},
    ),
    (
        "День / Daytime",
        None,
        None,
        [],
        0,
        {"adult": 400, "child": 250, "student": 300, "senior": 250},
    ),
]


def seed_prices() -> None:
    """Idempotent: cards and the code are created once, by name and code."""
    types = {t.code: t for t in TicketType.objects.all()}
    for name, start, end, formats, priority, standard in CARDS:
        card, created = PriceCard.objects.get_or_create(
            name=name, defaults={"time_from": start, "time_to": end, "formats": formats, "priority": priority}
        )
        if not created:
            continue
        PriceCardPrice.objects.bulk_create(
            PriceCardPrice(
                card=card,
                ticket_type=types[code],
                category=category,
                price=(Decimal(price) * factor).quantize(Decimal("1")),
            )
            for code, price in standard.items()
            if code in types
            for category, factor in CATEGORY_FACTORS.items()
        )
    PromoCode.objects.get_or_create(
        code="KINO10",
        defaults={"description": "10 % off every film", "kind": "percent", "value": Decimal("10"), "max_uses": 1000},
    )
