"""The listing's reads: sessions by business day, each session's own lowest price, bounded queries."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest

from scheduling.selectors import (
    SessionFilters,
    business_today,
    days_with_sessions,
    film_schedule,
    films_showing,
    listed_days,
)
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.services import hall_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall2(cinema):
    return hall_create(cinema=cinema, name="Зал 2", number=2, layout=rectangular_layout(3, 4))


@pytest.fixture
def vip_hall(cinema):
    return hall_create(cinema=cinema, name="VIP", number=3, layout=rectangular_layout(2, 4, vip_rows=(1, 2)))


def at(cinema, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=cinema.tz)


def test_a_session_after_midnight_is_listed_with_the_evening_it_belongs_to(cinema, hall, hall2, movie):
    evening = business_today(cinema.tz) + timedelta(days=1)
    late = session_create(movie=movie, hall=hall, starts_at=at(cinema, evening, 21), base_price=Decimal("400"))
    night = session_create(
        movie=movie, hall=hall2, starts_at=at(cinema, evening + timedelta(days=1), 0, 30), base_price=Decimal("400")
    )

    listed = films_showing(cinemas=[cinema], day=evening)
    assert [s.session for s in listed[0].cinemas[0].showtimes] == [late, night]
    assert films_showing(cinemas=[cinema], day=evening + timedelta(days=1)) == []
    assert days_with_sessions(cinemas=[cinema], days=listed_days(cinema.tz)) == {evening}
    schedule = film_schedule(movie=movie, cinemas=[cinema], days=listed_days(cinema.tz))
    assert [group.day for group in schedule] == [evening]


def test_each_session_shows_its_own_lowest_price_not_the_films(cinema, hall, vip_hall, movie):
    day = business_today(cinema.tz) + timedelta(days=1)
    plain = session_create(movie=movie, hall=hall, starts_at=at(cinema, day, 12), base_price=Decimal("400"))
    vip = session_create(
        movie=movie, hall=vip_hall, starts_at=at(cinema, day, 12), base_price=Decimal("400"), vip_price=Decimal("800")
    )
    prices = {s.session.pk: s.price_from for s in films_showing(cinemas=[cinema], day=day)[0].cinemas[0].showtimes}
    assert prices == {plain.pk: Decimal("400"), vip.pk: Decimal("800")}  # the VIP hall has VIP seats only


def test_a_price_cards_session_is_from_its_adult_price(cinema, hall, movie, price_card):
    day = business_today(cinema.tz) + timedelta(days=1)
    session_create(movie=movie, hall=hall, starts_at=at(cinema, day, 12), price_card=price_card)
    (showtime,) = films_showing(cinemas=[cinema], day=day)[0].cinemas[0].showtimes
    assert showtime.price_from == Decimal("500")  # adult standard; the child's 300 is not "from"


def test_filters_by_time_of_day_format_and_subtitles(cinema, hall, hall2, movie):
    day = business_today(cinema.tz) + timedelta(days=1)
    morning = session_create(movie=movie, hall=hall, starts_at=at(cinema, day, 10), base_price=Decimal("300"))
    night = session_create(
        movie=movie,
        hall=hall2,
        starts_at=at(cinema, day + timedelta(days=1), 1),
        base_price=Decimal("300"),
        format="3d",
        subtitles_language="ru",
    )

    def listed(**filters):
        films = films_showing(cinemas=[cinema], day=day, filters=SessionFilters(**filters))
        return [s.session for f in films for c in f.cinemas for s in c.showtimes]

    assert listed(time_of_day="morning") == [morning]
    assert listed(time_of_day="night") == [night]  # 01:00 is the night of the day before
    assert listed(format="3d") == [night]
    assert listed(subtitles=False) == [morning]


def test_the_listing_query_count_does_not_grow_with_films_and_sessions(
    cinema, hall, hall2, movie, django_assert_num_queries
):
    from catalog.models import Movie

    day = business_today(cinema.tz) + timedelta(days=1)

    def add_films(count, first_hour):
        for n in range(count):
            film = Movie.objects.create(
                title=f"Фильм {first_hour}-{n}",
                slug=f"film-{first_hour}-{n}",
                duration_minutes=30,
                release_date=movie.release_date,
            )
            film.genres.create(slug=f"g-{first_hour}-{n}", name="Drama", name_ru="Драма")
            for target in (hall, hall2):
                session_create(
                    movie=film, hall=target, starts_at=at(cinema, day, first_hour + n), base_price=Decimal("300")
                )

    add_films(2, 10)
    with django_assert_num_queries(2):  # sessions, genres (and no price card to read)
        assert len(films_showing(cinemas=[cinema], day=day)) == 2
    add_films(4, 14)
    with django_assert_num_queries(2):
        assert len(films_showing(cinemas=[cinema], day=day)) == 6
