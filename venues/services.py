"""Writes about cinemas and halls."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cinema.errors import Conflict, ValidationFailed
from venues.layout import describe_seats, parse_layout, summarize
from venues.models import Cinema, Hall

# Checks that a higher app (booking) registers in its AppConfig.ready():
# given a hall and the seats of its new layout, return the (row, seat) pairs
# still sold for future sessions that the new layout would lose.
LayoutGuard = Callable[[Hall, set[tuple[int, int]]], set[tuple[int, int]]]
_layout_guards: list[LayoutGuard] = []


def register_layout_guard(guard: LayoutGuard) -> None:
    if guard not in _layout_guards:
        _layout_guards.append(guard)


def hall_apply_layout(*, hall: Hall, layout) -> Hall:
    """Validate ``layout`` and set it with its derived counts (not saved).

    Refused when a seat sold for a future session would disappear or become blocked.
    """
    try:
        seats = parse_layout(layout)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"layout": exc.messages}) from exc
    if hall.pk:
        sellable = {(s.row, s.seat) for s in seats if not s.blocked}
        lost: set[tuple[int, int]] = set()
        for guard in _layout_guards:
            lost |= guard(hall, sellable)
        if lost:
            names, details = describe_seats(lost)
            raise Conflict(
                f"The new layout removes seats sold for future sessions: {names}.",
                code="layout_removes_sold_seats",
                extra={"seats": details},
            )
    hall.layout = layout
    for field, value in summarize(seats).items():
        setattr(hall, field, value)
    return hall


def hall_save(*, hall: Hall, layout=None) -> Hall:
    """Create or update a hall; a new layout is validated and its counts derived."""
    with transaction.atomic():
        hall_apply_layout(hall=hall, layout=hall.layout if layout is None else layout)
        try:
            with transaction.atomic():
                hall.save()
        except IntegrityError as exc:
            raise Conflict(
                f"Hall number {hall.number} already exists in this cinema.", code="hall_number_taken"
            ) from exc
    return hall


def hall_create(*, cinema: Cinema, name: str, number: int, layout, **fields) -> Hall:
    return hall_save(hall=Hall(cinema=cinema, name=name, number=number, layout=layout, **fields))
