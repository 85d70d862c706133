"""Reads about sessions."""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from pricing.models import DEFAULT_TICKET_TYPE, PriceCardPrice, TicketType
from pricing.selectors import card_price_table, default_ticket_type
from scheduling.models import Session, SessionStatus
from venues.models import Cinema, SeatCategory


def local_date_range_q(date_from, date_to, prefix: str = "") -> Q:
    """Sessions whose start falls on [date_from, date_to] in their own cinema's zone.

    One range per time zone in use (a handful), so the start index still serves."""
    q = Q(pk__in=[])
    for tz_name in Cinema.objects.order_by().values_list("timezone", flat=True).distinct():
        tz = zoneinfo.ZoneInfo(tz_name)
        start = datetime.combine(date_from, time.min, tzinfo=tz)
        end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        q |= Q(
            **{
                f"{prefix}hall__cinema__timezone": tz_name,
                f"{prefix}starts_at__gte": start,
                f"{prefix}starts_at__lt": end,
            }
        )
    return q


def session_ticket_prices(session) -> list[tuple[TicketType, dict[str, Decimal]]]:
    """The ticket types sold for ``session``, each with its price per seat
    category: its price card's table, or — a session without a card — its
    own per-category prices as the one type, ``adult``. One query."""
    if session.price_card_id is None:
        return [(default_ticket_type(), session.prices)]
    return card_price_table(session.price_card_id)


# --- What the customer pages list: sessions by business day ------------------------
#
# A cinema's day runs from BUSINESS_DAY_STARTS to the same time the next morning:
# a session at 00:30 belongs to the evening before, as the cinema sells it.

BUSINESS_DAY_STARTS = time(5, 0)
LISTED_DAYS = 7  # the date strip: today and six more days

# Parts of the business day by local start hour (hours past midnight count on from 24).
TIME_OF_DAY_HOURS = {"morning": (5, 12), "day": (12, 17), "evening": (17, 22), "night": (22, 29)}


def business_date(moment: datetime, tz) -> date:
    """The business day ``moment`` belongs to in the zone ``tz``."""
    local = timezone.localtime(moment, tz)
    return (local - timedelta(hours=BUSINESS_DAY_STARTS.hour, minutes=BUSINESS_DAY_STARTS.minute)).date()


def business_today(tz) -> date:
    return business_date(timezone.now(), tz)


def listed_days(tz) -> list[date]:
    today = business_today(tz)
    return [today + timedelta(days=n) for n in range(LISTED_DAYS)]


def _business_range_q(cinemas, day_from: date, day_to: date) -> Q:
    """Sessions whose start falls in the business days [day_from, day_to] of their cinema."""
    q = Q(pk__in=[])
    by_zone: dict[str, list[int]] = {}
    for cinema in cinemas:
        by_zone.setdefault(cinema.timezone, []).append(cinema.pk)
    for tz_name, ids in by_zone.items():
        tz = zoneinfo.ZoneInfo(tz_name)
        start = datetime.combine(day_from, BUSINESS_DAY_STARTS, tzinfo=tz)
        end = datetime.combine(day_to + timedelta(days=1), BUSINESS_DAY_STARTS, tzinfo=tz)
        q |= Q(hall__cinema_id__in=ids, starts_at__gte=start, starts_at__lt=end)
    return q


@dataclass(frozen=True)
class SessionFilters:
    """The listing's filters; None: not filtered."""

    format: str | None = None
    audio_language: str | None = None
    subtitles: bool | None = None
    time_of_day: str | None = None
    cinema_id: int | None = None


@dataclass
class Showtime:
    """A session as the pages show it: local times (naive, the cinema's clock), the
    cheapest price of this session, and whether it can still be booked."""

    session: Session
    starts: datetime
    ends: datetime
    day: date
    price_from: Decimal | None
    bookable: bool

    @property
    def cinema(self):
        return self.session.hall.cinema

    @property
    def hall(self):
        return self.session.hall


def _listed_sessions(*, cinemas, day_from: date, day_to: date, movie=None, filters: SessionFilters | None = None):
    filters = filters or SessionFilters()
    qs = (
        Session.objects.filter(_business_range_q(cinemas, day_from, day_to))
        .filter(starts_at__gt=timezone.now())
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.FINISHED])
        .select_related("movie", "hall", "hall__cinema")
        .order_by("starts_at", "id")
    )
    if movie is not None:
        qs = qs.filter(movie=movie)
    if filters.format:
        qs = qs.filter(format=filters.format)
    if filters.audio_language:
        qs = qs.filter(audio_language=filters.audio_language)
    if filters.subtitles is not None:
        qs = qs.exclude(subtitles_language="") if filters.subtitles else qs.filter(subtitles_language="")
    if filters.cinema_id:
        qs = qs.filter(hall__cinema_id=filters.cinema_id)
    return qs


def _present_categories(hall) -> list[str]:
    counts = {
        SeatCategory.STANDARD: hall.standard_seats,
        SeatCategory.PREMIUM: hall.premium_seats,
        SeatCategory.VIP: hall.vip_seats,
        SeatCategory.LOVE: hall.love_seats,
        SeatCategory.WHEELCHAIR: hall.wheelchair_spaces,
    }
    return [category for category, count in counts.items() if count] or list(SeatCategory.values)


def _card_prices(card_ids) -> dict[int, dict[str, Decimal]]:
    """Per price card, its price per seat category of the adult ticket (of the
    cheapest type when it has no adult price): the listing's "from". One query."""
    adult: dict[int, dict[str, Decimal]] = {}
    cheapest: dict[int, dict[str, Decimal]] = {}
    rows = PriceCardPrice.objects.filter(card_id__in=card_ids, ticket_type__is_active=True).values_list(
        "card_id", "category", "price", "ticket_type__code"
    )
    for card_id, category, price, code in rows:
        card = cheapest.setdefault(card_id, {})
        card[category] = min(price, card.get(category, price))
        if code == DEFAULT_TICKET_TYPE:
            adult.setdefault(card_id, {})[category] = price
    return {card_id: adult.get(card_id) or prices for card_id, prices in cheapest.items()}


def showtimes(sessions) -> list[Showtime]:
    """Sessions (with movie, hall and cinema joined) as ``Showtime``s: one more query
    for the price cards in use, whatever their number."""
    sessions = list(sessions)
    cards = _card_prices({s.price_card_id for s in sessions if s.price_card_id})
    now = timezone.now()
    out = []
    for session in sessions:
        tz = session.hall.cinema.tz
        table = cards.get(session.price_card_id) if session.price_card_id else session.prices
        candidates = [table[c] for c in _present_categories(session.hall) if table and c in table]
        out.append(
            Showtime(
                session=session,
                starts=timezone.localtime(session.starts_at, tz).replace(tzinfo=None),
                ends=timezone.localtime(session.ends_at, tz).replace(tzinfo=None),
                day=business_date(session.starts_at, tz),
                price_from=min(candidates) if candidates else None,
                bookable=session.status == SessionStatus.ON_SALE
                and session.seats_available > 0
                and session.effective_sales_close() > now,
            )
        )
    return out


def _in_time_of_day(showtime: Showtime, part: str | None) -> bool:
    if not part:
        return True
    low, high = TIME_OF_DAY_HOURS[part]
    hour = showtime.starts.hour + (24 if showtime.starts.time() < BUSINESS_DAY_STARTS else 0)
    return low <= hour < high


@dataclass
class CinemaShowtimes:
    cinema: Cinema
    showtimes: list[Showtime] = field(default_factory=list)


@dataclass
class FilmShowtimes:
    movie: object
    cinemas: list[CinemaShowtimes] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(c.showtimes) for c in self.cinemas)


def upcoming_sessions_by_city() -> dict[str, int]:
    """Sessions still to come in the next LISTED_DAYS days per city, for choosing a first
    visit's city. Films and cinemas withdrawn from the listings do not count. One query."""
    now = timezone.now()
    rows = (
        Session.objects.filter(
            starts_at__gt=now,
            starts_at__lt=now + timedelta(days=LISTED_DAYS),
            movie__is_active=True,
            hall__cinema__is_active=True,
        )
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.FINISHED])
        .order_by()
        .values("hall__cinema__city")
        .annotate(sessions=Count("id"))
    )
    return {row["hall__cinema__city"]: row["sessions"] for row in rows}


def days_with_sessions(*, cinemas, days: list[date], movie=None) -> set[date]:
    """The business days among ``days`` that have a session still to come. One query."""
    if not cinemas or not days:
        return set()
    zones = {c.pk: c.tz for c in cinemas}
    rows = (
        _listed_sessions(cinemas=cinemas, day_from=days[0], day_to=days[-1], movie=movie)
        .order_by()
        .values_list("starts_at", "hall__cinema_id")
    )
    return {business_date(starts_at, zones[cinema_id]) for starts_at, cinema_id in rows}


def films_showing(*, cinemas, day: date, filters: SessionFilters | None = None) -> list[FilmShowtimes]:
    """The listing: films with sessions on the business ``day`` in ``cinemas``, each
    with its sessions by cinema (featured and best rated films first). Three queries."""
    filters = filters or SessionFilters()
    sessions = _listed_sessions(cinemas=cinemas, day_from=day, day_to=day, filters=filters).prefetch_related(
        "movie__genres"
    )
    films: dict[int, FilmShowtimes] = {}
    rows: dict[tuple[int, int], CinemaShowtimes] = {}
    for showtime in showtimes(sessions):
        if not _in_time_of_day(showtime, filters.time_of_day):
            continue
        movie, cinema = showtime.session.movie, showtime.cinema
        film = films.setdefault(movie.pk, FilmShowtimes(movie=movie))
        row = rows.get((movie.pk, cinema.pk))
        if row is None:
            row = rows[movie.pk, cinema.pk] = CinemaShowtimes(cinema=cinema)
            film.cinemas.append(row)
        row.showtimes.append(showtime)
    for film in films.values():
        film.cinemas.sort(key=lambda c: (c.cinema.name, c.cinema.pk))
    return sorted(
        films.values(), key=lambda f: (not f.movie.is_featured, -f.movie.rating_average, f.movie.title, f.movie.pk)
    )


@dataclass
class DayShowtimes:
    day: date
    cinemas: list[CinemaShowtimes] = field(default_factory=list)


def film_schedule(*, movie, cinemas, days: list[date]) -> list[DayShowtimes]:
    """A film's sessions in ``cinemas`` over ``days``, by business day, then cinema. Two queries."""
    if not cinemas or not days:
        return []
    by_day: dict[date, dict[int, CinemaShowtimes]] = {}
    for showtime in showtimes(_listed_sessions(cinemas=cinemas, day_from=days[0], day_to=days[-1], movie=movie)):
        cinema_rows = by_day.setdefault(showtime.day, {})
        cinema_rows.setdefault(showtime.cinema.pk, CinemaShowtimes(cinema=showtime.cinema)).showtimes.append(showtime)
    return [
        DayShowtimes(day=day, cinemas=sorted(rows.values(), key=lambda c: (c.cinema.name, c.cinema.pk)))
        for day, rows in sorted(by_day.items())
    ]


def cinema_schedule(*, cinema, day: date) -> list[FilmShowtimes]:
    """One cinema's business day: its films, each with its sessions. Three queries."""
    return films_showing(cinemas=[cinema], day=day)


def listing_languages(*, cinemas, days: list[date]) -> list[str]:
    """The audio languages of the sessions listed over ``days`` (the language filter's choices)."""
    if not cinemas or not days:
        return []
    return sorted(
        set(
            _listed_sessions(cinemas=cinemas, day_from=days[0], day_to=days[-1])
            .order_by()
            .values_list("audio_language", flat=True)
            .distinct()
        )
    )
