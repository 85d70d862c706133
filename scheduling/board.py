"""The schedule board of the back office: one cinema's day, halls as rows, and
the bulk planner that fills it (a preview of every conflict, then all or nothing).

Views of ``SessionAdmin`` (its ``get_urls``), behind the admin's login: the
board needs ``view_session``, planning and copying ``add_session``.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Movie
from cinema.errors import ApplicationError
from scheduling.models import Session, SessionFormat, SessionStatus
from scheduling.services import sessions_bulk_create, sessions_plan, sessions_plan_copy
from venues.models import Cinema, Hall

BOARD_WIDTH = 1100
LABEL_WIDTH = 130
ROW_HEIGHT = 56
LANE_HEIGHT = 44
HEADER_HEIGHT = 22
DEFAULT_OPEN = time(9, 0)
MAX_PLAN_DAYS = 31


class BadBoardRequest(Exception):
    """A parameter of the board that cannot be read: answered with a 400 page."""


# --- Reading the parameters -------------------------------------------------------


def _cinema_param(value: str | None) -> Cinema:
    if value in (None, ""):
        cinema = Cinema.objects.filter(is_active=True).order_by("city", "name", "id").first()
        if cinema is None:
            raise BadBoardRequest(_("There is no active cinema yet."))
        return cinema
    try:
        return Cinema.objects.get(pk=int(value))
    except (ValueError, Cinema.DoesNotExist):
        raise BadBoardRequest(_("No cinema with id %(value)s.") % {"value": value}) from None


def _date_param(value: str | None, cinema: Cinema) -> date:
    if value in (None, ""):
        return timezone.localdate(timezone=cinema.tz)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadBoardRequest(_("The date must be written YYYY-MM-DD, not %(value)s.") % {"value": value}) from None
    if not 2000 <= day.year <= 2100:
        raise BadBoardRequest(_("The date must be written YYYY-MM-DD, not %(value)s.") % {"value": value})
    return day


def board_url(cinema_id: int, day: date) -> str:
    query = urlencode({"cinema": cinema_id, "date": day.isoformat()})
    return f"{reverse('admin:scheduling_session_board')}?{query}"


# --- The board's geometry -----------------------------------------------------------


@dataclass
class Block:
    session: Session
    x: float
    y: float
    film_width: float
    cleaning_width: float
    fill_width: float
    starts: datetime
    ends: datetime
    busy_until: datetime
    occupancy: int

    @property
    def cleaning_x(self) -> float:
        return self.x + self.film_width


def _hours(window_start: datetime, window_end: datetime, ppm: float) -> list[dict]:
    first = window_start.replace(minute=0, second=0, microsecond=0)
    if first < window_start:
        first += timedelta(hours=1)
    marks, mark = [], first
    while mark <= window_end:
        marks.append({"x": LABEL_WIDTH + (mark - window_start).total_seconds() / 60 * ppm, "label": f"{mark:%H:%M}"})
        mark += timedelta(hours=1)
    return marks


def _duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)d h %(m)d min free") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h free") % {"h": hours}
    return _("%(m)d min free") % {"m": rest}


def schedule_board(cinema: Cinema, day: date) -> dict:
    """Halls of ``cinema`` with the day's sessions placed on a timeline (local time),
    and the gaps between them. Three queries."""
    tz = cinema.tz
    opens = cinema.opening_time or DEFAULT_OPEN
    window_start = datetime.combine(day, opens, tzinfo=tz)
    if cinema.closing_time and cinema.closing_time > opens:
        window_end = datetime.combine(day, cinema.closing_time, tzinfo=tz)
    elif cinema.closing_time:
        window_end = datetime.combine(day + timedelta(days=1), cinema.closing_time, tzinfo=tz)
    else:
        window_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    day_start = datetime.combine(day, time.min, tzinfo=tz)
    day_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)

    halls = list(Hall.objects.filter(cinema=cinema, is_active=True).order_by("number"))
    sessions = list(
        Session.objects.filter(hall__in=halls, starts_at__gte=day_start, starts_at__lt=day_end)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("movie")
        .order_by("starts_at")
    )
    if sessions:  # a session outside the opening hours widens the board
        window_start = min(window_start, min(s.starts_at for s in sessions).astimezone(tz))
        window_end = max(window_end, max(s.busy_until for s in sessions).astimezone(tz))
    window_start = window_start.replace(minute=0, second=0, microsecond=0)
    if window_end.minute or window_end.second:
        window_end = window_end.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    minutes = (window_end - window_start).total_seconds() / 60
    ppm = (BOARD_WIDTH - LABEL_WIDTH) / minutes

    def x_of(moment: datetime) -> float:
        return LABEL_WIDTH + (moment - window_start).total_seconds() / 60 * ppm

    by_hall: dict[int, list[Session]] = {}
    for s in sessions:
        by_hall.setdefault(s.hall_id, []).append(s)
    rows = []
    for index, hall in enumerate(halls):
        y = HEADER_HEIGHT + index * ROW_HEIGHT
        blocks, gaps, free_from = [], [], window_start
        for s in by_hall.get(hall.pk, []):
            occupancy = round(100 * s.seats_sold / s.capacity) if s.capacity else 0
            film_width = x_of(s.ends_at) - x_of(s.starts_at)
            blocks.append(
                Block(
                    session=s,
                    x=x_of(s.starts_at),
                    y=y,
                    film_width=film_width,
                    cleaning_width=x_of(s.busy_until) - x_of(s.ends_at),
                    fill_width=film_width * occupancy / 100,
                    starts=timezone.localtime(s.starts_at, tz),
                    ends=timezone.localtime(s.ends_at, tz),
                    busy_until=timezone.localtime(s.busy_until, tz),
                    occupancy=occupancy,
                )
            )
            if s.starts_at > free_from:
                gaps.append((free_from, s.starts_at))
            free_from = max(free_from, s.busy_until)
        if window_end > free_from:
            gaps.append((free_from, window_end))
        rows.append(
            {
                "hall": hall,
                "y": y,
                "label_y": y + LANE_HEIGHT / 2,
                "blocks": blocks,
                "gaps": [
                    {
                        "x": x_of(start),
                        "width": x_of(end) - x_of(start),
                        "text": _duration_text(int((end - start).total_seconds() // 60)),
                        "from": timezone.localtime(start, tz),
                        "to": timezone.localtime(end, tz),
                    }
                    for start, end in gaps
                    if (end - start) >= timedelta(minutes=1)
                ],
            }
        )
    return {
        "width": BOARD_WIDTH,
        "height": HEADER_HEIGHT + max(len(halls), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "lane_height": LANE_HEIGHT,
        "lane_width": BOARD_WIDTH - LABEL_WIDTH,
        "hours": _hours(window_start, window_end, ppm),
        "rows": rows,
        "session_count": len(sessions),
    }


# --- Forms ---------------------------------------------------------------------------


class StartTimesField(forms.CharField):
    """``10:00, 13:30 19:45``: local start times, separated by commas or spaces."""

    def to_python(self, value):
        value = super().to_python(value)
        times = []
        for part in value.replace(",", " ").split():
            try:
                times.append(time.fromisoformat(part if len(part) > 2 else f"{part}:00"))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a time; write them like 10:00, 13:30.") % {"value": part}
                ) from None
        if not times:
            raise forms.ValidationError(_("Give at least one start time."))
        return sorted(set(times))


WEEKDAYS = [
    (0, gettext_lazy("Mon")),
    (1, gettext_lazy("Tue")),
    (2, gettext_lazy("Wed")),
    (3, gettext_lazy("Thu")),
    (4, gettext_lazy("Fri")),
    (5, gettext_lazy("Sat")),
    (6, gettext_lazy("Sun")),
]


class BulkScheduleForm(forms.Form):
    """Film × halls × dates × start times × format (and prices)."""

    movie = forms.ModelChoiceField(
        label=gettext_lazy("Film"), queryset=Movie.objects.filter(is_active=True).order_by("title")
    )
    halls = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Halls"), queryset=Hall.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    date_from = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every day."),
    )
    start_times = StartTimesField(
        label=gettext_lazy("Start times"), help_text=gettext_lazy("Local time, e.g. 10:00, 13:30, 19:45.")
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=SessionFormat.choices)
    base_price = forms.DecimalField(
        label=gettext_lazy("Standard seat price"), max_digits=10, decimal_places=2, min_value=0
    )
    audio_language = forms.CharField(label=gettext_lazy("Audio language"), max_length=8, initial="ru")
    subtitles_language = forms.CharField(label=gettext_lazy("Subtitles"), max_length=8, required=False)
    # Price cards: a ``price_card`` field here passes to session_create through
    # ``session_fields()`` once sessions have one.

    def __init__(self, *args, cinema: Cinema, **kwargs):
        super().__init__(*args, **kwargs)
        self.cinema = cinema
        self.fields["halls"].queryset = Hall.objects.filter(cinema=cinema, is_active=True).select_related("cinema")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The last date comes before the first."))
            elif (end - start).days >= MAX_PLAN_DAYS:
                self.add_error("date_to", _("At most %(days)d days at once.") % {"days": MAX_PLAN_DAYS})
        return cleaned

    def dates(self) -> list[date]:
        start, end = self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        weekdays = set(self.cleaned_data.get("weekdays") or range(7))
        days = (start + timedelta(days=i) for i in range((end - start).days + 1))
        return [d for d in days if d.weekday() in weekdays]

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "base_price": data["base_price"],
            "format": data["format"],
            "audio_language": data["audio_language"],
            "subtitles_language": data["subtitles_language"],
        }

    def proposals(self):
        return sessions_plan(
            movie=self.cleaned_data["movie"],
            halls=list(self.cleaned_data["halls"]),
            dates=self.dates(),
            start_times=self.cleaned_data["start_times"],
            fields=self.session_fields(),
        )


class CopyScheduleForm(forms.Form):
    """Copy the board's day (or the week from it) to another date."""

    SPANS = [("day", gettext_lazy("this day")), ("week", gettext_lazy("this week (7 days from this day)"))]

    source = forms.DateField(widget=forms.HiddenInput)
    span = forms.ChoiceField(label=gettext_lazy("Copy"), choices=SPANS, initial="day")
    target = forms.DateField(label=gettext_lazy("to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, cinema: Cinema, **kwargs):
        super().__init__(*args, **kwargs)
        self.cinema = cinema

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if source and target and source == target:
            self.add_error("target", _("Choose another date than the one copied."))
        return cleaned

    def proposals(self):
        source = self.cleaned_data["source"]
        days = 7 if self.cleaned_data["span"] == "week" else 1
        return sessions_plan_copy(
            cinema=self.cinema,
            source_from=source,
            source_to=source + timedelta(days=days - 1),
            target_from=self.cleaned_data["target"],
        )


# --- Views -----------------------------------------------------------------------------


def _bad_request(model_admin, request, message: str) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Schedule board"),
        "error": message,
    }
    return TemplateResponse(request, "admin/scheduling/session/board_error.html", context, status=400)


def _context(model_admin, request, cinema: Cinema, day: date, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "cinema": cinema,
        "day": day,
        "cinemas": Cinema.objects.filter(is_active=True).order_by("city", "name"),
        "board_url": board_url(cinema.pk, day),
        "previous_url": board_url(cinema.pk, day - timedelta(days=1)),
        "next_url": board_url(cinema.pk, day + timedelta(days=1)),
        "can_plan": request.user.has_perm("scheduling.add_session"),
        **extra,
    }


def board_view(model_admin, request):
    if not request.user.has_perm("scheduling.view_session"):
        raise PermissionDenied
    try:
        cinema = _cinema_param(request.GET.get("cinema"))
        day = _date_param(request.GET.get("date"), cinema)
    except BadBoardRequest as exc:
        return _bad_request(model_admin, request, str(exc))
    context = _context(
        model_admin,
        request,
        cinema,
        day,
        title=_("Schedule board"),
        is_board=True,
        board=schedule_board(cinema, day),
        copy_form=CopyScheduleForm(cinema=cinema, initial={"source": day, "target": day + timedelta(days=7)}),
    )
    return TemplateResponse(request, "admin/scheduling/session/board.html", context)


def _planner(model_admin, request, form_class, initial: dict, title: str):
    """GET: the form. POST ``preview``: the plan with its conflicts, nothing written.
    POST ``confirm``: planned again, and created all at once when nothing conflicts."""
    if not request.user.has_perm("scheduling.add_session"):
        raise PermissionDenied
    try:
        cinema = _cinema_param(request.POST.get("cinema") or request.GET.get("cinema"))
        day = _date_param(request.POST.get("date") or request.GET.get("date"), cinema)
    except BadBoardRequest as exc:
        return _bad_request(model_admin, request, str(exc))
    proposals = None
    if request.method == "POST":
        form = form_class(request.POST, cinema=cinema)
        if form.is_valid():
            try:
                proposals = form.proposals()
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            if proposals is not None and "confirm" in request.POST and not any(p.conflicts for p in proposals):
                if not proposals:
                    form.add_error(None, _("Nothing to create."))
                else:
                    try:
                        created = sessions_bulk_create(proposals=proposals, created_by=request.user)
                    except ApplicationError as exc:
                        form.add_error(None, exc.message)
                    else:
                        model_admin.message_user(
                            request,
                            _("%(count)d session(s) created.") % {"count": len(created)},
                            messages.SUCCESS,
                        )
                        first = min(p.local_starts_at.date() for p in proposals)
                        return HttpResponseRedirect(board_url(cinema.pk, first))
    else:
        form = form_class(cinema=cinema, initial=initial(cinema, day))
    conflicts = sum(1 for p in proposals or [] if p.conflicts)
    context = _context(
        model_admin,
        request,
        cinema,
        day,
        title=title,
        form=form,
        proposals=proposals,
        conflicts=conflicts,
        can_confirm=proposals is not None and bool(proposals) and not conflicts,
    )
    return TemplateResponse(request, "admin/scheduling/session/plan.html", context)


def plan_view(model_admin, request):
    def initial(cinema, day):
        return {"date_from": day, "date_to": day + timedelta(days=6), "format": SessionFormat.TWO_D}

    return _planner(model_admin, request, BulkScheduleForm, initial, _("Plan sessions"))


def copy_view(model_admin, request):
    def initial(cinema, day):
        return {"source": day, "target": day + timedelta(days=7)}

    return _planner(model_admin, request, CopyScheduleForm, initial, _("Copy the schedule"))
