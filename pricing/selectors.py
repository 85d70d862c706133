"""Reads of prices: a card's price table and the ticket types on sale."""

from decimal import Decimal

from pricing.models import DEFAULT_TICKET_TYPE, PriceCardPrice, TicketType


def card_price_table(card_id: int) -> list[tuple[TicketType, dict[str, Decimal]]]:
    """The active ticket types a card prices, in display order, each with its
    price per seat category. One query."""
    table: dict[int, tuple[TicketType, dict[str, Decimal]]] = {}
    rows = (
        PriceCardPrice.objects.filter(card_id=card_id, ticket_type__is_active=True)
        .select_related("ticket_type")
        .order_by("ticket_type__sort_order", "ticket_type__code", "category")
    )
    for row in rows:
        table.setdefault(row.ticket_type_id, (row.ticket_type, {}))[1][row.category] = row.price
    return list(table.values())


def default_ticket_type() -> TicketType:
    """The type of a ticket bought without one (``adult``); an unsaved stand-in
    if the row was removed, so old clients keep working."""
    return TicketType.objects.filter(code=DEFAULT_TICKET_TYPE).first() or TicketType(
        code=DEFAULT_TICKET_TYPE, name="Adult", name_ru="Взрослый"
    )
