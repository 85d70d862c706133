"""What each ticket of a hold costs: its type's price on the session's card,
the promo code's discount, the cinema's booking fee; and the promo code's use.

The hold calls ``hold_prices`` before its transaction (reads only) and
``promo_use_take`` inside it; the services that retire a hold (expiry,
cancellation) call ``promo_uses_give_back`` in the transaction that changes
the booking's status, so each hold gives its use back exactly once.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.models import Booking, BookingStatus, Ticket, TicketStatus
from pricing.errors import PromoInvalid, TicketTypeNotOffered
from pricing.models import DEFAULT_TICKET_TYPE, PromoCode, TicketType
from pricing.selectors import card_price_table
from pricing.services import discounted, promo_check, promo_find, promo_give_back, promo_take_use
from scheduling.models import Session

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SeatPrice:
    ticket_type: TicketType | None  # None: adult, on a session without a price card
    list_price: Decimal  # the card's price for the type and seat category
    discount: Decimal
    fee: Decimal

    @property
    def price(self) -> Decimal:
        """What the customer pays for the ticket (``Ticket.price``)."""
        return self.list_price - self.discount + self.fee


def hold_prices(
    *,
    session: Session,
    categories: list[str],
    ticket_types: list[str | None],
    booking_fee: Decimal,
    promo: PromoCode | None = None,
    now=None,
) -> list[SeatPrice]:
    """The price of each seat (its category, and the ticket type asked for it;
    ``None``: adult), in order, with ``promo``'s discount (``promo_for_hold``).

    Raises ``TicketTypeNotOffered`` (400) for a type the session's card does
    not sell (or not for that seat's category), ``PromoInvalid`` (400) for a
    code that does not apply. Reads only: the use is taken by
    ``promo_use_take`` in the hold's transaction."""
    now = now or timezone.now()
    wanted = [code or DEFAULT_TICKET_TYPE for code in ticket_types]
    if session.price_card_id is None:
        # Adult only, at the session's own prices: no query (a ticket without a type is adult).
        table = {DEFAULT_TICKET_TYPE: (None, session.prices)}
    else:
        # The prices of these seats' types and categories only; the whole card
        # (a second query) only to name what it offers when something is not sold.
        table = _price_table(session.price_card_id, codes=wanted, categories=categories)
    not_offered = _not_offered(table, wanted, categories)
    if not_offered and session.price_card_id is not None:
        table = _price_table(session.price_card_id)
    if not_offered:
        message = f"Not sold for this session (or not for these seats): {', '.join(not_offered)}."
        raise TicketTypeNotOffered(
            message, fields={"seats": [message]}, extra={"ticket_types": not_offered, "offered": sorted(table)}
        )
    applies = [False] * len(wanted)
    if promo is not None:
        applies = promo_check(
            promo, movie_id=session.movie_id, cinema_id=session.hall.cinema_id, ticket_types=wanted, now=now
        )
    seat_prices = []
    for code, category, discount_applies in zip(wanted, categories, applies, strict=True):
        ticket_type, prices = table[code]
        list_price = prices[category]
        seat_prices.append(
            SeatPrice(ticket_type, list_price, discounted(list_price, promo, discount_applies), booking_fee)
        )
    return seat_prices


def _price_table(card_id: int, **narrowed) -> dict[str, tuple[TicketType, dict[str, Decimal]]]:
    return {ticket_type.code: (ticket_type, prices) for ticket_type, prices in card_price_table(card_id, **narrowed)}


def _not_offered(table, wanted: list[str], categories: list[str]) -> list[str]:
    """The ticket types asked for that ``table`` does not price for their seat's category."""
    return sorted(
        {code for code, category in zip(wanted, categories, strict=True) if category not in table.get(code, (0, {}))[1]}
    )


def promo_for_hold(*, code: str, now) -> PromoCode:
    """The promo code a hold names (``PromoInvalid`` if none). Before the hold's
    transaction: a code whose uses are all counted first retires its lapsed
    holds (giving their uses back), in a transaction of its own."""
    promo = promo_find(code)
    if promo.max_uses is not None and promo.uses >= promo.max_uses and promo_uses_reclaim(promo=promo, now=now):
        promo.refresh_from_db(fields=["uses"])
    return promo


def promo_use_take(*, promo: PromoCode, user_id: int, now, booking_id: int | None = None) -> None:
    """Inside the hold's transaction: count a use of ``promo``, exactly (its
    row stays locked until the hold commits or rolls back), then the
    customer's own limit, read after that lock so it is exact too
    (``booking_id``: the hold's own booking, if written already)."""
    promo_take_use(promo=promo)
    if promo.max_uses_per_customer is not None:
        mine = (
            Booking.objects.filter(promo_code=promo, user_id=user_id)
            .exclude(pk=booking_id)
            .filter(
                Q(status__in=[BookingStatus.PAID, BookingStatus.REFUNDED])
                | Q(status=BookingStatus.RESERVED, reserved_until__gt=now)
            )
            .count()
        )
        if mine >= promo.max_uses_per_customer:
            raise PromoInvalid(
                "You have used this promo code as often as it allows.",
                reason="customer_limit",
                max_uses_per_customer=promo.max_uses_per_customer,
            )


def promo_uses_give_back(*, bookings) -> None:
    """Give back the uses of bookings that were held with a code and are now
    retired without being paid (lapsed or cancelled). Call in the transaction
    that moved them out of ``reserved``, with just those bookings."""
    promo_give_back(promo_ids=[b.promo_code_id for b in bookings if b.promo_code_id])


def promo_uses_reclaim(*, promo: PromoCode, now) -> int:
    """Retire the lapsed holds still counting a use of ``promo`` (the expiry job
    would, later), giving their uses back; returns how many. Its own short
    transaction; rows another transaction holds (a payment) are skipped."""
    with transaction.atomic():
        lapsed = list(
            Booking.objects.filter(promo_code=promo, status=BookingStatus.RESERVED, reserved_until__lte=now)
            .exclude(tickets__status__in=[TicketStatus.PAID, TicketStatus.USED])
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .only("pk", "promo_code_id")
        )
        if not lapsed:
            return 0
        ids = [b.pk for b in lapsed]
        Ticket.objects.filter(booking_id__in=ids).lapsed(now).update(status=TicketStatus.EXPIRED, updated_at=now)
        Booking.objects.filter(pk__in=ids).update(status=BookingStatus.EXPIRED, updated_at=now)
        promo_uses_give_back(bookings=lapsed)
    return len(lapsed)
