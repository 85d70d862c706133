"""Rules of prices and promo codes: which price card a session is offered,
whether a promo code applies, and its use counter.

The counter moves only by conditional ``UPDATE``s: taking a use is
``uses = uses + 1 WHERE uses < max_uses`` (the row lock it takes lasts until
the caller's transaction ends, so holds with the same code queue there and
per-customer counts read after it are exact); giving one back is
``uses = uses - 1 WHERE uses > 0``.
"""

from collections import Counter
from datetime import datetime
from decimal import Decimal

from django.db.models import F

from pricing.errors import PromoInvalid
from pricing.models import PriceCard, PromoCode


def price_card_for(*, format: str, starts_at_local: datetime, cinema_id: int | None = None) -> PriceCard | None:
    """The card offered to a new session: the active card matching its format,
    weekday, local start time and cinema, highest priority first; ``None`` when
    none does (the session then keeps its own per-category prices)."""
    cards = PriceCard.objects.filter(is_active=True).prefetch_related("cinemas").order_by("-priority", "id")
    for card in cards:
        if card.matches(
            format=format,
            starts_at_local=starts_at_local,
            cinema_id=cinema_id,
            cinema_ids={c.pk for c in card.cinemas.all()},
        ):
            return card
    return None


def promo_find(code: str) -> PromoCode:
    """The code, whatever its case, with what it applies to (for ``promo_check``)."""
    promo = (
        PromoCode.objects.prefetch_related("movies", "cinemas", "ticket_types")
        .filter(code__iexact=(code or "").strip())
        .first()
    )
    if promo is None:
        raise PromoInvalid("There is no such promo code.", reason="unknown")
    return promo


def promo_check(
    promo: PromoCode, *, movie_id: int, cinema_id: int, ticket_types: list[str], now: datetime
) -> list[bool]:
    """Whether ``promo`` applies to a hold of tickets of ``ticket_types`` (codes,
    one per seat) for a film in a cinema; returns, per seat, whether the
    discount applies to it. Raises ``PromoInvalid`` with the reason otherwise.
    The use counter is checked again, exactly, when a use is taken."""
    if not promo.is_active:
        raise PromoInvalid("This promo code is no longer active.", reason="inactive")
    if promo.valid_from and now < promo.valid_from:
        raise PromoInvalid(
            f"This promo code is valid from {promo.valid_from.isoformat()}.",
            reason="not_yet_valid",
            valid_from=promo.valid_from.isoformat(),
        )
    if promo.valid_to and now >= promo.valid_to:
        raise PromoInvalid("This promo code has expired.", reason="expired", valid_to=promo.valid_to.isoformat())
    if promo.max_uses is not None and promo.uses >= promo.max_uses:
        raise PromoInvalid("This promo code has been used up.", reason="used_up")
    movies = {m.pk for m in promo.movies.all()}
    if movies and movie_id not in movies:
        raise PromoInvalid("This promo code does not apply to this film.", reason="film")
    cinemas = {c.pk for c in promo.cinemas.all()}
    if cinemas and cinema_id not in cinemas:
        raise PromoInvalid("This promo code does not apply in this cinema.", reason="cinema")
    types = {t.code for t in promo.ticket_types.all()}
    applies = [not types or code in types for code in ticket_types]
    if not any(applies):
        raise PromoInvalid("This promo code does not apply to these ticket types.", reason="ticket_type")
    if sum(applies) < promo.min_tickets:
        raise PromoInvalid(
            f"This promo code needs at least {promo.min_tickets} tickets.",
            reason="min_tickets",
            min_tickets=promo.min_tickets,
        )
    return applies


def promo_take_use(*, promo: PromoCode) -> None:
    """Count one use of ``promo``, or raise ``PromoInvalid`` (used up). Call
    inside the hold's transaction: the row stays locked until it ends, and a
    rolled-back hold takes no use."""
    taken = PromoCode.objects.filter(pk=promo.pk, is_active=True)
    if promo.max_uses is not None:
        taken = taken.filter(uses__lt=F("max_uses"))
    if not taken.update(uses=F("uses") + 1):
        raise PromoInvalid("This promo code has been used up.", reason="used_up")


def promo_give_back(*, promo_ids: list[int]) -> None:
    """Return one use per listed id (an id twice: two uses), for holds that
    lapsed or were cancelled. Call in the transaction that retires them, so
    each hold gives its use back once."""
    for promo_id, count in sorted(Counter(promo_ids).items()):  # a fixed lock order
        PromoCode.objects.filter(pk=promo_id, uses__gte=count).update(uses=F("uses") - count)


def discounted(price: Decimal, promo: PromoCode | None, applies: bool) -> Decimal:
    """The discount on one ticket."""
    if promo is None or not applies:
        return Decimal("0.00")
    return promo.discount_on(price)
