"""Writes about sessions: scheduling with the no-overlap rule and prices."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Movie
from cinema.errors import Conflict, ValidationFailed
from pricing.models import DEFAULT_TICKET_TYPE, PriceCard
from pricing.selectors import card_price_table
from pricing.services import price_card_for
from scheduling.models import Session, SessionStatus
from venues.models import Hall

# Default surcharges of the seat categories over the standard price.
CATEGORY_FACTORS = {
    "premium_price": Decimal("1.25"),
    "vip_price": Decimal("1.75"),
    "love_price": Decimal("1.50"),
    "wheelchair_price": Decimal("1.00"),
}
PRICE_FIELDS = ("base_price", *CATEGORY_FACTORS)
MAX_PRICE = Decimal("100000")


class SessionOverlap(Conflict):
    code = "session_overlap"


def session_timing(*, movie: Movie, hall: Hall, starts_at) -> tuple:
    """(ends_at, busy_until): adverts + the film, then the hall's cleaning time."""
    ends_at = starts_at + timedelta(minutes=settings.SESSION_ADS_MINUTES + movie.duration_minutes)
    return ends_at, ends_at + timedelta(minutes=hall.cleaning_minutes)


def session_overlaps(*, hall: Hall, starts_at, busy_until, exclude_pk=None):
    qs = Session.objects.filter(hall=hall, starts_at__lt=busy_until, busy_until__gt=starts_at).exclude(
        status=SessionStatus.CANCELLED
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs


def _overlap_error(clash: Session | None) -> SessionOverlap:
    if clash is None:
        return SessionOverlap("The hall is busy at that time (another session or its cleaning).")
    local = timezone.localtime(clash.starts_at, clash.hall.cinema_tz)
    busy = timezone.localtime(clash.busy_until, clash.hall.cinema_tz)
    return SessionOverlap(
        f"The hall is busy: “{clash.movie.title}” runs {local:%Y-%m-%d %H:%M}–{busy:%H:%M} including cleaning.",
        extra={"conflicting_session": clash.pk},
    )


def _validate(session: Session, *, is_new: bool) -> None:
    errors: dict[str, list[str]] = {}
    now = timezone.now()
    if is_new and session.starts_at <= now:
        errors["starts_at"] = ["A new session must start in the future."]
    if not session.movie.is_active:
        errors["movie"] = ["This film is not active."]
    if not session.hall.is_active or not session.hall.cinema.is_active:
        errors["hall"] = ["This hall or its cinema is not active."]
    for field in PRICE_FIELDS:
        value = getattr(session, field)
        if value is None or value < 0 or value > MAX_PRICE:
            errors[field] = [f"A price from 0 to {MAX_PRICE}."]
    if session.sales_close_at and session.sales_close_at > session.starts_at:
        errors["sales_close_at"] = ["Sales must close no later than the start."]
    if session.sales_open_at and session.sales_open_at >= (session.sales_close_at or session.starts_at):
        errors["sales_open_at"] = ["Sales must open before they close."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)


def _save_checked(session: Session, *, is_new: bool) -> Session:
    session.ends_at, session.busy_until = session_timing(
        movie=session.movie, hall=session.hall, starts_at=session.starts_at
    )
    _validate(session, is_new=is_new)
    with transaction.atomic():
        # Serialise scheduling per hall, then check: the exclusion constraint
        # (PostgreSQL) backs this up, the check gives the readable message.
        Hall.objects.select_for_update().filter(pk=session.hall_id).first()
        if session.status != SessionStatus.CANCELLED:
            clash = (
                session_overlaps(
                    hall=session.hall, starts_at=session.starts_at, busy_until=session.busy_until, exclude_pk=session.pk
                )
                .select_related("movie", "hall__cinema")
                .first()
            )
            if clash is not None:
                raise _overlap_error(clash)
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError as exc:
            if "session_no_overlap_in_hall" in str(exc):
                raise _overlap_error(None) from exc
            raise
    return session


_OFFERED = object()


def _card_category_prices(card: PriceCard) -> dict[str, Decimal]:
    """The card's adult prices as the session's per-category price fields."""
    for ticket_type, prices in card_price_table(card.pk):
        if ticket_type.code == DEFAULT_TICKET_TYPE:
            return {Session.PRICE_FIELD_OF[category]: price for category, price in prices.items()}
    return {}


def session_create(
    *,
    movie: Movie,
    hall: Hall,
    starts_at,
    base_price: Decimal | None = None,
    price_card: PriceCard | None = _OFFERED,
    created_by=None,
    **fields,
) -> Session:
    """Schedule a showing.

    ``price_card`` left out: the card matching the session's format, weekday
    and local start time is offered (``pricing.services.price_card_for``);
    ``None``: no card. The per-category prices (the card's adult prices where
    it has them) default to surcharges over ``base_price``."""
    if price_card is _OFFERED:
        price_card = price_card_for(
            format=fields.get("format") or Session._meta.get_field("format").default,
            starts_at_local=timezone.localtime(starts_at, hall.cinema.tz),
            cinema_id=hall.cinema_id,
        )
    if price_card is not None:
        for field, price in _card_category_prices(price_card).items():
            if field == "base_price":
                base_price = price if base_price is None else base_price
            elif fields.get(field) is None:
                fields[field] = price
    if base_price is None:
        message = "A standard seat price is required (or a price card with adult prices)."
        raise ValidationFailed(message, fields={"base_price": [message]})
    fields["price_card"] = price_card
    base_price = Decimal(base_price)
    for field, factor in CATEGORY_FACTORS.items():
        if fields.get(field) is None:
            fields[field] = (base_price * factor).quantize(Decimal("1")).quantize(Decimal("0.01"))  # whole roubles
    session = Session(
        movie=movie,
        hall=hall,
        starts_at=starts_at,
        base_price=base_price,
        created_by=created_by,
        capacity=hall.capacity,
        seats_available=hall.capacity,
        **fields,
    )
    return _save_checked(session, is_new=True)


EDITABLE_FIELDS = (
    "movie",
    "hall",
    "starts_at",
    *PRICE_FIELDS,
    "price_card",
    "format",
    "audio_language",
    "subtitles_language",
    "is_premiere",
    "sales_open_at",
    "sales_close_at",
    "status",
)


def session_update(*, session: Session, **changes) -> Session:
    """Change a session; moving it to another hall or film is refused once tickets exist."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Not editable: {', '.join(sorted(unknown))}.")
    if session.status in (SessionStatus.CANCELLED, SessionStatus.FINISHED):
        raise Conflict("A cancelled or finished session cannot be changed.", code="session_closed")
    status = changes.get("status")
    if status is not None and status not in (SessionStatus.SCHEDULED, SessionStatus.ON_SALE, session.status):
        raise ValidationFailed(
            "Status can only be set to scheduled or on_sale here; cancel through the cancel action.",
            fields={"status": ["Use scheduled or on_sale; cancel through the cancel action."]},
        )
    moved = ("hall" in changes and changes["hall"].pk != session.hall_id) or (
        "movie" in changes and changes["movie"].pk != session.movie_id
    )
    if moved and session.tickets.exists():
        raise Conflict("Tickets exist for this session: its hall and film cannot change.", code="session_has_tickets")
    card = changes.get("price_card")
    if card is not None and card.pk != session.price_card_id:
        # Another card: the session's seat prices follow its adult prices, unless given too.
        for field, price in _card_category_prices(card).items():
            changes.setdefault(field, price)
    for field, value in changes.items():
        setattr(session, field, value)
    if "hall" in changes:
        session.capacity = session.hall.capacity
        session.seats_available = session.capacity - session.seats_sold
    return _save_checked(session, is_new=False)
