"""Hall layouts: the seat map of a hall as JSON.

A layout is an object with a list of rows, front (screen side) first::

    {"rows": [
        {"row": 1, "seats": [{"seat": 1, "category": "standard"},
                             null,
                             {"seat": 2, "category": "vip", "blocked": true}]},
        {"row": 2, "aisle_before": true, "seats": [...]}
    ]}

- ``row``: the row number printed on tickets, a positive integer, unique.
- ``seats``: positions from left to right; ``null`` is a gap (an aisle or a
  missing seat), so the hall can be drawn to scale.
- a seat: ``seat`` (number, positive, unique within its row), ``category``
  (``standard``, ``premium``, ``vip``, ``love``, ``wheelchair``) and optionally
  ``blocked: true`` (broken or kept free: never sold).
- ``aisle_before`` (optional): a horizontal aisle in front of this row.

Capacity is the number of seats that are not blocked.
"""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from venues.models import Hall, SeatCategory

CATEGORIES = frozenset(SeatCategory.values)  # Enum.values builds a list on every access
MAX_ROWS = 100
MAX_POSITIONS = 100
_ROW_KEYS = {"row", "seats", "aisle_before"}
_SEAT_KEYS = {"seat", "category", "blocked"}


@dataclass(frozen=True, slots=True)
class Seat:
    row: int
    seat: int
    category: str
    blocked: bool
    x: int  # position from the left, gaps included
    y: int  # row position from the screen, aisles included


def describe_seats(seats) -> tuple[str, list[dict]]:
    """("row 2 seat 3, row 2 seat 4", [{"row": 2, "seat": 3}, …]) for messages and error details."""
    ordered = sorted(seats)
    return ", ".join(f"row {r} seat {s}" for r, s in ordered), [{"row": r, "seat": s} for r, s in ordered]


# The hall columns derived from its layout by ``summarize`` (read-only everywhere).
DERIVED_FIELDS = (
    "rows_count",
    "seats_per_row",
    "capacity",
    "standard_seats",
    "premium_seats",
    "vip_seats",
    "love_seats",
    "wheelchair_spaces",
    "blocked_seats",
)


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 10_000


def parse_layout(layout) -> list[Seat]:
    """Validate a layout and return its seats; raises ``ValidationError`` naming the problem."""
    if not isinstance(layout, dict) or not isinstance(layout.get("rows"), list):
        raise ValidationError('A layout is an object with a "rows" list.')
    rows = layout["rows"]
    if not rows:
        raise ValidationError("A layout needs at least one row.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"A layout has at most {MAX_ROWS} rows.")
    unknown_top = set(layout) - {"rows"}
    if unknown_top:
        raise ValidationError(f"Unknown layout keys: {', '.join(sorted(unknown_top))}.")

    seats: list[Seat] = []
    row_numbers: set[int] = set()
    y = 0
    for index, row in enumerate(rows, start=1):
        where = f"Row entry {index}"
        if not isinstance(row, dict):
            raise ValidationError(f"{where} must be an object.")
        unknown = set(row) - _ROW_KEYS
        if unknown:
            raise ValidationError(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
        number = row.get("row")
        if not _positive_int(number):
            raise ValidationError(f'{where}: "row" must be a positive integer.')
        if number in row_numbers:
            raise ValidationError(f"Row {number} appears twice.")
        row_numbers.add(number)
        if row.get("aisle_before", False) not in (True, False):
            raise ValidationError(f'Row {number}: "aisle_before" must be true or false.')
        if row.get("aisle_before"):
            y += 1
        positions = row.get("seats")
        if not isinstance(positions, list) or not positions:
            raise ValidationError(f'Row {number}: "seats" must be a non-empty list.')
        if len(positions) > MAX_POSITIONS:
            raise ValidationError(f"Row {number}: at most {MAX_POSITIONS} positions.")
        seat_numbers: set[int] = set()
        for x, position in enumerate(positions):
            if position is None:
                continue
            if not isinstance(position, dict):
                raise ValidationError(f"Row {number}, position {x + 1}: a seat object or null.")
            unknown = set(position) - _SEAT_KEYS
            if unknown:
                raise ValidationError(f"Row {number}, position {x + 1}: unknown keys {', '.join(sorted(unknown))}.")
            seat_number = position.get("seat")
            if not _positive_int(seat_number):
                raise ValidationError(f'Row {number}, position {x + 1}: "seat" must be a positive integer.')
            if seat_number in seat_numbers:
                raise ValidationError(f"Row {number}: seat {seat_number} appears twice.")
            seat_numbers.add(seat_number)
            category = position.get("category", SeatCategory.STANDARD)
            if category not in CATEGORIES:
                raise ValidationError(
                    f"Row {number}, seat {seat_number}: unknown category {category!r} "
                    f"(one of {', '.join(SeatCategory.values)})."
                )
            blocked = position.get("blocked", False)
            if blocked not in (True, False):
                raise ValidationError(f'Row {number}, seat {seat_number}: "blocked" must be true or false.')
            seats.append(Seat(number, seat_number, category, blocked, x, y))
        if not seat_numbers:
            raise ValidationError(f"Row {number} has no seats.")
        y += 1
    if not any(not seat.blocked for seat in seats):
        raise ValidationError("A hall needs at least one seat that is not blocked.")
    return seats


def summarize(seats: list[Seat]) -> dict:
    """The hall's derived counts: rows, widest row, capacity and seats per category."""
    sellable = Counter(seat.category for seat in seats if not seat.blocked)
    widths = Counter(seat.row for seat in seats)
    return {
        "rows_count": len(widths),
        "seats_per_row": max(widths.values()),
        "capacity": sum(sellable.values()),
        "standard_seats": sellable[SeatCategory.STANDARD],
        "premium_seats": sellable[SeatCategory.PREMIUM],
        "vip_seats": sellable[SeatCategory.VIP],
        "love_seats": sellable[SeatCategory.LOVE],
        "wheelchair_spaces": sellable[SeatCategory.WHEELCHAIR],
        "blocked_seats": sum(1 for seat in seats if seat.blocked),
    }


def rectangular_layout(
    rows: int,
    seats_per_row: int,
    *,
    vip_rows: tuple[int, ...] = (),
    premium_rows: tuple[int, ...] = (),
    love_rows: tuple[int, ...] = (),
    wheelchair_seats: tuple[tuple[int, int], ...] = (),
    blocked: tuple[tuple[int, int], ...] = (),
    aisle_after_seat: int | None = None,
    aisle_before_rows: tuple[int, ...] = (),
) -> dict:
    """A rectangular hall: chosen rows VIP/premium/love, an optional vertical aisle
    after seat ``aisle_after_seat`` and horizontal aisles before given rows."""
    if rows <= 0 or seats_per_row <= 0:
        raise ValueError("rows and seats_per_row must be positive")
    out_rows = []
    for r in range(1, rows + 1):
        category = (
            SeatCategory.VIP
            if r in vip_rows
            else SeatCategory.PREMIUM
            if r in premium_rows
            else SeatCategory.LOVE
            if r in love_rows
            else SeatCategory.STANDARD
        )
        positions: list[dict | None] = []
        for s in range(1, seats_per_row + 1):
            seat: dict = {"seat": s, "category": category.value}
            if (r, s) in wheelchair_seats:
                seat["category"] = SeatCategory.WHEELCHAIR.value
            if (r, s) in blocked:
                seat["blocked"] = True
            positions.append(seat)
            if aisle_after_seat and s == aisle_after_seat and s != seats_per_row:
                positions.append(None)
        row: dict = {"row": r, "seats": positions}
        if r in aisle_before_rows:
            row["aisle_before"] = True
        out_rows.append(row)
    return {"rows": out_rows}


_SEAT_INDEXES: dict[tuple[int, object], dict[tuple[int, int], Seat]] = {}


def hall_seats(hall) -> dict[tuple[int, int], Seat]:
    """The seats of a hall by ``(row, seat)``, parsed once per layout in this process.

    ``hall`` needs ``id`` and ``updated_at`` loaded: a layout changes only
    through ``hall_save``, which stamps ``updated_at``, so the pair names one
    layout. Every hold of a premiere looks up a few seats of the same hall;
    reading and parsing its 300 seats each time cost more than the hold."""
    key = (hall.pk, hall.updated_at)
    index = _SEAT_INDEXES.get(key)
    if index is None:
        layout = Hall.objects.values_list("layout", flat=True).get(pk=hall.pk)
        if len(_SEAT_INDEXES) >= 512:  # bounded: halls are few, edits rare
            _SEAT_INDEXES.clear()
        index = _SEAT_INDEXES[key] = {(s.row, s.seat): s for s in parse_layout(layout)}
    return index
