"""The browsing pages on the server: home, film, cinema (status, content, queries, bad input)."""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from booking.services import ticket_hold
from catalog.models import Movie
from catalog.services import movie_poster_thumbnails
from conftest import make_user, pay_booking
from reviews.models import Review, ReviewStatus
from reviews.services import review_create, review_moderate
from scheduling.selectors import business_today
from scheduling.services import session_create
from venues.layout import rectangular_layout
from venues.models import Cinema
from venues.services import hall_create

pytestmark = pytest.mark.django_db
TEXT = "A film worth the evening, truly."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ru():
    return Client(HTTP_ACCEPT_LANGUAGE="ru")


def en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def at(cinema, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=cinema.tz)


@pytest.fixture
def tomorrow(cinema):
    return business_today(cinema.tz) + timedelta(days=1)


@pytest.fixture
def evening(movie, hall, cinema, tomorrow):
    return session_create(movie=movie, hall=hall, starts_at=at(cinema, tomorrow, 19), base_price=Decimal("450"))


@pytest.fixture
def spb(db):
    cinema = Cinema.objects.create(
        name="Аврора",
        slug="avrora",
        city="Санкт-Петербург",
        address="Невский пр-т, 60",
        latitude=Decimal("59.9343"),
        longitude=Decimal("30.3380"),
    )
    hall_create(cinema=cinema, name="Большой зал", number=1, layout=rectangular_layout(3, 4))
    return cinema


def test_home_opens_on_the_first_day_with_sessions_and_shows_the_session_button(evening, tomorrow):
    html = ru().get("/").content.decode()
    assert re.search(r'aria-current="date"[^>]*>\s*<span class="weekday">Завтра', html)
    assert "Сталкер" in html and "Октябрь" in html
    assert f'href="/sessions/{evening.pk}/"' in html
    assert "19:00" in html and "Зал 1" in html and "2D" in html
    assert "от 450\u00a0₽" in html


def test_home_in_english_names_the_film_city_and_cinema_in_english(evening):
    html = en().get("/").content.decode()
    assert "Films and sessions in Moscow" in html
    assert "Stalker" in html and "Oktyabr" in html and "from ₽450" in html
    assert "Сталкер" not in html


def test_the_city_asked_for_is_remembered_in_a_cookie(evening, spb):
    client = ru()
    first = client.get("/", {"city": "Санкт-Петербург"})
    assert first.cookies["city"].value == quote("Санкт-Петербург")
    again = client.get("/").content.decode()
    assert "Фильмы и сеансы: Санкт-Петербург" in again and "Сталкер" not in again


def test_a_first_visit_shows_the_city_with_most_cinemas(evening, spb):
    Cinema.objects.create(
        name="Горизонт",
        slug="gorizont",
        city="Москва",
        address="x",
        latitude=55,
        longitude=37,
        timezone="Europe/Moscow",
    )
    assert "Фильмы и сеансы: Москва" in ru().get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "date=2020-01-01",
        "date=not-a-date",
        "date=9999-99-99",
        "format=70mm",
        "time=teatime",
        "subtitles=maybe",
        "audio=%00",
        "audio=" + "x" * 500,
        "cinema=%00",
        "cinema=nope",
        "city=%00",
        "city=" + "Я" * 500,
        "city[]=1&date[]=2",
    ],
)
def test_bad_filter_values_are_ignored_not_a_server_error(evening, query):
    response = ru().get("/?" + query)
    assert response.status_code == 200 and f"/sessions/{evening.pk}/" in response.content.decode()


def test_filters_narrow_the_listing(evening, movie, cinema, tomorrow):
    hall2 = hall_create(cinema=cinema, name="Зал 2", number=2, layout=rectangular_layout(3, 4))
    imax = session_create(
        movie=movie, hall=hall2, starts_at=at(cinema, tomorrow, 11), base_price=Decimal("600"), format="imax"
    )
    html = ru().get("/", {"format": "imax"}).content.decode()
    assert f"/sessions/{imax.pk}/" in html and f"/sessions/{evening.pk}/" not in html
    html = ru().get("/", {"time": "evening"}).content.decode()
    assert f"/sessions/{evening.pk}/" in html and f"/sessions/{imax.pk}/" not in html


def test_home_query_count_is_bounded(cinema, hall, movie, tomorrow, django_assert_max_num_queries):
    def add(count, first_hour):
        for n in range(count):
            film = Movie.objects.create(
                title=f"Фильм {first_hour}-{n}",
                slug=f"film-{first_hour}-{n}",
                duration_minutes=30,
                release_date=movie.release_date,
            )
            session_create(
                movie=film, hall=hall, starts_at=at(cinema, tomorrow, first_hour + n), base_price=Decimal(300)
            )

    add(2, 9)
    with django_assert_max_num_queries(8):
        ru().get("/")
    add(8, 12)
    with django_assert_max_num_queries(8):
        assert ru().get("/").content.decode().count('class="film-card"') == 10


def test_film_page_shows_the_facts_sessions_and_reviews_by_helpfulness(movie, evening, moderator):
    movie.trailer_url = "https://example.org/trailer"
    movie.synopsis = "Зона исполняет желания."
    movie.save()
    vera = make_user("a@example.com", first_name="Vera")
    helpful = review_create(user=vera, movie=movie, rating=9, title="Шедевр", text=TEXT)
    plain = review_create(user=make_user("secret.person@example.com"), movie=movie, rating=6, title="Долго", text=TEXT)
    pending = review_create(user=make_user("c@example.com"), movie=movie, rating=1, title="Скрытый", text=TEXT)
    for review in (helpful, plain):
        review_moderate(review=review, by=moderator, approve=True)
    Review.objects.filter(pk=helpful.pk).update(helpful_count=5)

    html = ru().get("/films/stalker/").content.decode()
    assert "2 ч 41 мин" in html and "Андрей Тарковский" in html and "Анатолий Солоницын" in html
    assert 'href="https://example.org/trailer"' in html and "Зона исполняет желания." in html
    assert f'href="/sessions/{evening.pk}/"' in html
    assert html.index("Шедевр") < html.index("Долго") and "Скрытый" not in html
    assert "2 отзыва, сначала самые полезные" in html
    assert "Vera ·" in html and "Зритель ·" in html and "secret" not in html  # the API signs them the same way
    assert pending.status == ReviewStatus.PENDING


def test_a_viewer_who_attended_may_write_and_sees_their_pending_review(movie, session, customer):
    client = ru()
    client.force_login(customer)
    assert 'id="review-form"' not in client.get("/films/stalker/").content.decode()  # not attended yet
    pay_booking(customer, ticket_hold(user=customer, session_id=session.pk, seats=[(2, 2)]))
    assert 'id="review-form"' in client.get("/films/stalker/").content.decode()
    review_create(user=customer, movie=movie, rating=8, title="Мой отзыв", text=TEXT)
    html = client.get("/films/stalker/").content.decode()
    assert 'id="review-form"' not in html and "Мой отзыв" in html and "На модерации" in html


def test_unknown_film_and_cinema_are_404_pages():
    for path in ("/films/no-such-film/", "/cinemas/no-such-cinema/"):
        response = ru().get(path)
        assert response.status_code == 404 and "Не найдено" in response.content.decode()


def test_cinema_page_shows_address_map_link_halls_and_the_days_schedule(cinema, hall, evening, tomorrow):
    html = ru().get("/cinemas/oktyabr/").content.decode()
    assert "Новый Арбат, 24" in html and "https://www.openstreetmap.org/?mlat=55.7527" in html
    assert "Зал 1" in html and str(hall.capacity) in html and "Парковка" in html
    assert f'href="/sessions/{evening.pk}/"' in html
    other_day = (tomorrow + timedelta(days=2)).isoformat()
    assert f"/sessions/{evening.pk}/" not in ru().get("/cinemas/oktyabr/", {"date": other_day}).content.decode()


def test_film_and_cinema_pages_query_counts_are_bounded(movie, evening, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert ru().get("/films/stalker/").status_code == 200
    with django_assert_max_num_queries(8):
        assert ru().get("/cinemas/oktyabr/").status_code == 200


def poster_upload(colour="red"):
    buffer = BytesIO()
    Image.new("RGB", (600, 800), colour).save(buffer, "PNG")
    return SimpleUploadedFile("poster.png", buffer.getvalue(), content_type="image/png")


def test_an_uploaded_poster_gets_grid_and_page_copies_shown_with_alt_text(movie, evening):
    movie.poster = poster_upload()
    movie.save()
    movie_poster_thumbnails(movie=movie)
    movie.refresh_from_db()
    with Image.open(movie.poster_small.path) as small, Image.open(movie.poster_medium.path) as medium:
        assert small.size == (240, 360) and medium.size == (480, 720)
    html = ru().get("/").content.decode()
    assert f'src="{movie.poster_small.url}" alt="Постер фильма «Сталкер»"' in html
    assert f'src="{movie.poster_medium.url}"' in ru().get("/films/stalker/").content.decode()


def test_the_api_gives_the_uploaded_posters_url_else_the_stored_one(movie, anon_client):
    external = Movie.objects.create(
        title="Солярис",
        slug="solaris",
        duration_minutes=167,
        release_date=movie.release_date,
        poster_url="https://posters.example.org/solaris.jpg",
    )
    movie.poster_url = "https://posters.example.org/stalker.jpg"
    movie.poster = poster_upload()
    movie.save()
    assert (
        anon_client.get("/api/v1/movies/stalker/").json()["poster_url"].startswith("http://testserver/media/posters/")
    )
    assert anon_client.get(f"/api/v1/movies/{external.slug}/").json()["poster_url"] == external.poster_url


def test_film_page_in_english_shows_the_original_title_and_duration(movie):
    html = en().get("/films/stalker/").content.decode()
    assert "<title>Stalker" in html and "2 h 41 min" in html


def test_with_no_sessions_anywhere_a_first_visit_takes_the_city_with_most_cinemas(spb, tomorrow):
    Cinema.objects.create(name="Заря", slug="zarya", city="Санкт-Петербург", address="x", latitude=59, longitude=30)
    assert "Фильмы и сеансы: Санкт-Петербург" in ru().get("/").content.decode()  # two cinemas against Moscow's one


def test_a_first_visit_goes_where_the_sessions_are(evening, spb):
    Cinema.objects.create(name="Заря", slug="zarya", city="Санкт-Петербург", address="x", latitude=59, longitude=30)
    # St Petersburg has two cinemas and nothing on; Moscow one cinema and tomorrow's session
    html = ru().get("/").content.decode()
    assert "Фильмы и сеансы: Москва" in html and "Сталкер" in html
