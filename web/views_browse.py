"""The browsing pages: the listing (home), a film, a cinema. Rendered on the server
from the apps' selectors; scripts only for what needs the API (votes, a review,
the nearest city)."""

import zoneinfo
from datetime import date
from urllib.parse import quote, unquote

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from catalog.selectors import movie_for_page
from reviews.selectors import film_reviews
from scheduling.models import SessionFormat
from scheduling.selectors import (
    TIME_OF_DAY_HOURS,
    SessionFilters,
    cinema_schedule,
    days_with_sessions,
    film_schedule,
    films_showing,
    listed_days,
    listing_languages,
    upcoming_sessions_by_city,
)
from venues.selectors import amenity_labels, cinema_for_page, cities, city_cinemas, default_city
from web.views import PageView

CITY_COOKIE = "city"
CITY_COOKIE_AGE = 365 * 24 * 3600

TIME_OF_DAY_LABELS = {
    "morning": _("Morning (before 12:00)"),
    "day": _("Afternoon (12:00–17:00)"),
    "evening": _("Evening (17:00–22:00)"),
    "night": _("Night (from 22:00)"),
}
assert set(TIME_OF_DAY_LABELS) == set(TIME_OF_DAY_HOURS)


class ListingFilterForm(forms.Form):
    """The listing's GET parameters. A value that does not parse is dropped, never an error page."""

    city = forms.CharField(required=False, max_length=100)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    format = forms.ChoiceField(required=False, choices=[("", "")] + SessionFormat.choices)
    audio = forms.CharField(required=False, validators=[RegexValidator(r"^[a-z]{2,3}$")])
    subtitles = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1"), ("0", "0")])
    time = forms.ChoiceField(required=False, choices=[("", "")] + [(k, k) for k in TIME_OF_DAY_HOURS])
    cinema = forms.SlugField(required=False, max_length=220)

    def value(self, name):
        """The parameter's cleaned value, or None when missing or unreadable."""
        self.is_valid()
        return self.cleaned_data.get(name) or None


def _clean_text(value: str | None) -> str:
    # Form input may hold characters no database column takes (PostgreSQL refuses NUL).
    return (value or "").replace("\x00", "").strip()


def _city_of(request, all_cities, asked: str | None):
    """The visitor's city: asked for now, else remembered in the cookie, else the default."""
    names = {c.name: c for c in all_cities}
    if asked and _clean_text(asked) in names:
        return names[_clean_text(asked)], True
    remembered = _clean_text(unquote(request.COOKIES.get(CITY_COOKIE, "")))
    if remembered in names:
        return names[remembered], False
    return default_city(all_cities, upcoming_sessions_by_city()), False


def _remember_city(request, response, city) -> None:
    response.set_cookie(
        CITY_COOKIE, quote(city.name), max_age=CITY_COOKIE_AGE, samesite="Lax", secure=request.is_secure()
    )


def _zone(cinemas):
    return cinemas[0].tz if cinemas else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _day(asked: date | None, days: list[date], with_sessions: set[date]) -> date:
    """The day asked for when on the strip, else the first day that has sessions."""
    if asked in days:
        return asked
    return next((d for d in days if d in with_sessions), days[0])


def not_found(request, message):
    return render(request, "web/not_found.html", {**PageView().get_context_data(), "message": message}, status=404)


class BrowsePageView(PageView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["browse_texts"] = {
            "locating": gettext("Finding your location…"),
            "noLocation": gettext("Your location is not available. Choose the city in the list."),
            "noneNear": gettext("No cinema of ours within 100 km of you. Choose the city in the list."),
            "nearest": gettext("Nearest cinema: %(name)s, %(km)s km. Showing its city…"),
            "voted": gettext("Thank you, your vote is counted."),
            "ownReview": gettext("You cannot vote on your own review."),
            "sent": gettext("Thank you! Your review is waiting for moderation."),
            "error": gettext("Something went wrong. Please try again."),
        }
        return context


class HomeView(BrowsePageView):
    template_name = "web/home.html"

    def get(self, request, *args, **kwargs):
        form = ListingFilterForm(request.GET)
        language = get_language()
        all_cities = cities(language)
        city, asked = _city_of(request, all_cities, form.value("city"))
        cinemas = city_cinemas(city.name) if city else []
        days = listed_days(_zone(cinemas))
        with_sessions = days_with_sessions(cinemas=cinemas, days=days)
        day = _day(form.value("date"), days, with_sessions)
        cinema = next((c for c in cinemas if c.slug == form.value("cinema")), None)
        subtitles = form.value("subtitles")
        filters = SessionFilters(
            format=form.value("format"),
            audio_language=form.value("audio"),
            subtitles=None if subtitles is None else subtitles == "1",
            time_of_day=form.value("time"),
            cinema_id=cinema.pk if cinema else None,
        )
        context = self.get_context_data(
            cities=all_cities,
            city=city,
            cinemas=cinemas,
            days=days,
            with_sessions=with_sessions,
            day=day,
            films=films_showing(cinemas=cinemas, day=day, filters=filters) if cinemas else [],
            filters=filters,
            chosen_cinema=cinema,
            formats=SessionFormat.choices,
            languages=listing_languages(cinemas=cinemas, days=days),
            times=TIME_OF_DAY_LABELS.items(),
            filtered=any(v is not None for v in vars(filters).values()),
        )
        response = self.render_to_response(context)
        if asked:
            _remember_city(request, response, city)
        return response


class FilmView(BrowsePageView):
    template_name = "web/film.html"

    def get(self, request, slug, *args, **kwargs):
        movie = movie_for_page(slug)
        if movie is None:
            return not_found(request, _("There is no such film."))
        city, _asked = _city_of(request, cities(get_language()), None)
        cinemas = city_cinemas(city.name) if city else []
        context = self.get_context_data(
            movie=movie,
            genres=list(movie.genres.all()),
            cast=[name.strip() for name in movie.cast.split(",") if name.strip()],
            city=city,
            schedule=film_schedule(movie=movie, cinemas=cinemas, days=listed_days(_zone(cinemas))),
            reviews=film_reviews(movie=movie, user=request.user),
        )
        return self.render_to_response(context)


class CinemaView(BrowsePageView):
    template_name = "web/cinema.html"

    def get(self, request, slug, *args, **kwargs):
        cinema = cinema_for_page(slug)
        if cinema is None:
            return not_found(request, _("There is no such cinema."))
        form = ListingFilterForm(request.GET)
        days = listed_days(cinema.tz)
        with_sessions = days_with_sessions(cinemas=[cinema], days=days)
        day = _day(form.value("date"), days, with_sessions)
        context = self.get_context_data(
            cinema=cinema,
            halls=list(cinema.halls.all()),
            amenities=amenity_labels(cinema),
            days=days,
            with_sessions=with_sessions,
            day=day,
            films=cinema_schedule(cinema=cinema, day=day),
        )
        return self.render_to_response(context)
