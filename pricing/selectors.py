"""Reads of prices: a card's price table and the ticket types on sale."""

from collections.abc import Iterable
from decimal import Decimal

from pricing.models import DEFAULT_TICKET_TYPE, PriceCardPrice, TicketType


def card_price_table(
    card_id: int, *, codes: Iterable[str] | None = None, categories: Iterable[str] | None = None
) -> list[tuple[TicketType, dict[str, Decimal]]]:
    """The active ticket types a card prices, in display order, each with its
    price per seat category. One query.

    ``codes`` and ``categories`` narrow it to those ticket types and seat
    categories (a hold needs the prices of its own seats only: a whole card is
    a few dozen rows, each a model instance and its type another)."""
    table: dict[int, tuple[TicketType, dict[str, Decimal]]] = {}
    rows = PriceCardPrice.objects.filter(card_id=card_id, ticket_type__is_active=True)
    if codes is not None:
        rows = rows.filter(ticket_type__code__in=sorted(set(codes)))
    if categories is not None:
        rows = rows.filter(category__in=sorted(set(categories)))
    rows = rows.select_related("ticket_type").order_by("ticket_type__sort_order", "ticket_type__code", "category")
    for row in rows:
        table.setdefault(row.ticket_type_id, (row.ticket_type, {}))[1][row.category] = row.price
    return list(table.values())


def default_ticket_type() -> TicketType:
    """The type of a ticket bought without one (``adult``), made again should
    its row be gone (a data migration makes it): clients that name no type
    keep working."""
    return TicketType.objects.get_or_create(
        code=DEFAULT_TICKET_TYPE, defaults={"name": "Adult", "name_ru": "Взрослый"}
    )[0]
