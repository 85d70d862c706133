"""Writes about sessions: scheduling with the no-overlap rule and prices."""

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Movie
from cinema.errors import ApplicationError, Conflict, ValidationFailed
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
        return SessionOverlap(_("The hall is busy at that time (another session or its cleaning)."))
    local = timezone.localtime(clash.starts_at, clash.hall.cinema_tz)
    busy = timezone.localtime(clash.busy_until, clash.hall.cinema_tz)
    return SessionOverlap(
        _("The hall is busy: “%(film)s” runs %(start)s–%(end)s including cleaning.")
        % {"film": clash.movie.title, "start": f"{local:%Y-%m-%d %H:%M}", "end": f"{busy:%H:%M}"},
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


def session_create(*, movie: Movie, hall: Hall, starts_at, base_price: Decimal, created_by=None, **fields) -> Session:
    """Schedule a showing; category prices default to surcharges over ``base_price``."""
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
        if "hall" in changes and changes["hall"].pk != session.hall_id:
            raise Conflict(
                _("Tickets exist for this session: its hall cannot change. Cancel it instead (tickets are refunded)."),
                code="session_has_tickets",
            )
        raise Conflict(
            _("Tickets exist for this session: its film cannot change. Cancel it instead (tickets are refunded)."),
            code="session_has_tickets",
        )
    new_start = changes.get("starts_at")
    if new_start is not None and new_start != session.starts_at and session.seats_sold and new_start <= timezone.now():
        raise Conflict(
            _("Tickets are sold for this session: it cannot move into the past. Cancel it instead."),
            code="session_has_tickets",
        )
    for field, value in changes.items():
        setattr(session, field, value)
    if "hall" in changes:
        session.capacity = session.hall.capacity
        session.seats_available = session.capacity - session.seats_sold
    return _save_checked(session, is_new=False)


# --- Bulk scheduling: plan, check every proposal, then write all or nothing ----

MAX_PLANNED_SESSIONS = 500


@dataclass
class ProposedSession:
    """One session a bulk plan would create, with what stands in its way.

    ``fields`` go to ``session_create`` unchanged (prices, format, languages and,
    with price cards, the card): the plan and the write take the same input."""

    movie: Movie
    hall: Hall
    starts_at: datetime
    fields: dict = dataclasses.field(default_factory=dict)
    ends_at: datetime | None = None
    busy_until: datetime | None = None
    conflicts: list[str] = dataclasses.field(default_factory=list)

    @property
    def local_starts_at(self) -> datetime:
        return timezone.localtime(self.starts_at, self.hall.cinema_tz)

    @property
    def local_ends_at(self) -> datetime:
        return timezone.localtime(self.ends_at, self.hall.cinema_tz)

    @property
    def local_busy_until(self) -> datetime:
        return timezone.localtime(self.busy_until, self.hall.cinema_tz)


class BulkScheduleRefused(Conflict):
    code = "bulk_schedule_refused"


def sessions_plan(*, movie: Movie, halls: list[Hall], dates: list[date], start_times: list[time], fields: dict):
    """Every combination of hall × date × start time (local to the hall's cinema)."""
    proposals = [
        ProposedSession(
            movie=movie,
            hall=hall,
            starts_at=datetime.combine(day, start, tzinfo=hall.cinema_tz),
            fields=dict(fields),
        )
        for hall in halls
        for day in dates
        for start in start_times
    ]
    return sessions_plan_check(proposals)


def sessions_plan_copy(*, cinema, source_from: date, source_to: date, target_from: date) -> list[ProposedSession]:
    """The non-cancelled sessions of ``cinema`` on [source_from, source_to], moved
    to start ``target_from``: same hall, film, local time, format, prices."""
    tz = cinema.tz
    shift = target_from - source_from
    start = datetime.combine(source_from, time.min, tzinfo=tz)
    end = datetime.combine(source_to + timedelta(days=1), time.min, tzinfo=tz)
    sources = (
        Session.objects.filter(hall__cinema=cinema, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("movie", "hall__cinema")
        .order_by("hall__number", "starts_at")
    )
    proposals = []
    for source in sources:
        local = timezone.localtime(source.starts_at, tz)
        copied = {name: getattr(source, name) for name in COPIED_FIELDS}
        proposals.append(
            ProposedSession(
                movie=source.movie,
                hall=source.hall,
                starts_at=datetime.combine(local.date() + shift, local.time(), tzinfo=tz),
                fields=copied,
            )
        )
    return sessions_plan_check(proposals)


# What a copied session keeps of its source (besides film, hall and local time).
COPIED_FIELDS = (*PRICE_FIELDS, "currency", "format", "audio_language", "subtitles_language")


def sessions_plan_check(proposals: list[ProposedSession], now=None) -> list[ProposedSession]:
    """Fill in each proposal's timing and conflicts, writing nothing: a start in the
    past, an inactive film or hall, the cinema's opening and closing time, overlap
    (with cleaning) with a session of the hall or with another proposal. Two
    queries whatever the number of proposals."""
    if len(proposals) > MAX_PLANNED_SESSIONS:
        raise ValidationFailed(
            _("At most %(count)d sessions at once; plan fewer halls, dates or start times.")
            % {"count": MAX_PLANNED_SESSIONS}
        )
    now = now or timezone.now()
    for p in proposals:
        p.ends_at, p.busy_until = session_timing(movie=p.movie, hall=p.hall, starts_at=p.starts_at)
        p.conflicts = []
    if not proposals:
        return proposals
    existing = (
        Session.objects.filter(
            hall__in={p.hall.pk for p in proposals},
            starts_at__lt=max(p.busy_until for p in proposals),
            busy_until__gt=min(p.starts_at for p in proposals),
        )
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("movie")
    )
    by_hall: dict[int, list] = {}
    for s in existing:
        by_hall.setdefault(s.hall_id, []).append(s)
    for index, p in enumerate(proposals):
        tz = p.hall.cinema_tz
        if p.starts_at <= now:
            p.conflicts.append(_("starts in the past"))
        if not p.movie.is_active:
            p.conflicts.append(_("the film is not active"))
        if not p.hall.is_active or not p.hall.cinema.is_active:
            p.conflicts.append(_("the hall or its cinema is not active"))
        p.conflicts.extend(_opening_hours_conflicts(p))
        for s in by_hall.get(p.hall.pk, []):
            if s.starts_at < p.busy_until and s.busy_until > p.starts_at:
                p.conflicts.append(
                    _("overlaps “%(film)s” %(start)s–%(end)s (with cleaning)")
                    % {
                        "film": s.movie.title,
                        "start": f"{timezone.localtime(s.starts_at, tz):%H:%M}",
                        "end": f"{timezone.localtime(s.busy_until, tz):%H:%M}",
                    }
                )
        for other_index, other in enumerate(proposals):
            if (
                other_index != index
                and other.hall.pk == p.hall.pk
                and other.starts_at < p.busy_until
                and other.busy_until > p.starts_at
            ):
                p.conflicts.append(
                    _("overlaps another new session at %(start)s (with cleaning)")
                    % {"start": f"{other.local_starts_at:%Y-%m-%d %H:%M}"}
                )
    return proposals


def _opening_hours_conflicts(p: ProposedSession) -> list[str]:
    """The film must start after opening and end by closing (the cinema's local
    times; a closing time at or before the opening time is past midnight)."""
    cinema = p.hall.cinema
    opens, closes = cinema.opening_time, cinema.closing_time
    if opens is None or closes is None:
        return []
    tz = cinema.tz
    local_start = p.local_starts_at
    day = local_start.date()
    if closes <= opens and local_start.time() < closes:
        day -= timedelta(days=1)  # after midnight: the business day began the day before
    opening = datetime.combine(day, opens, tzinfo=tz)
    closing = datetime.combine(day + timedelta(days=1 if closes <= opens else 0), closes, tzinfo=tz)
    found = []
    if p.starts_at < opening:
        found.append(_("starts before the cinema opens (%(time)s)") % {"time": f"{opens:%H:%M}"})
    if p.ends_at > closing:
        found.append(_("ends after the cinema closes (%(time)s)") % {"time": f"{closes:%H:%M}"})
    return found


def sessions_bulk_create(*, proposals: list[ProposedSession], created_by=None) -> list[Session]:
    """Create every proposed session in one transaction, or none.

    Each goes through ``session_create`` (its rules and the per-hall lock); the
    exclusion constraint stays the last guard. Any refusal rolls back all."""
    checked = sessions_plan_check(proposals)
    refused = [p for p in checked if p.conflicts]
    if refused:
        first = refused[0]
        raise BulkScheduleRefused(
            _("Nothing was created: %(count)d session(s) conflict, e.g. %(hall)s %(start)s: %(reason)s.")
            % {
                "count": len(refused),
                "hall": first.hall.name,
                "start": f"{first.local_starts_at:%Y-%m-%d %H:%M}",
                "reason": first.conflicts[0],
            }
        )
    created = []
    try:
        with transaction.atomic():
            # Halls locked in id order up front, so two bulk writes never deadlock.
            list(Hall.objects.select_for_update().filter(pk__in={p.hall.pk for p in checked}).order_by("pk"))
            for p in sorted(checked, key=lambda p: (p.hall.pk, p.starts_at)):
                created.append(
                    session_create(movie=p.movie, hall=p.hall, starts_at=p.starts_at, created_by=created_by, **p.fields)
                )
    except (ApplicationError, IntegrityError) as exc:
        reason = exc.message if isinstance(exc, ApplicationError) else _("the database refused a session")
        raise BulkScheduleRefused(
            _("Nothing was created: %(reason)s") % {"reason": reason}, extra={"created": 0}
        ) from exc
    return created
