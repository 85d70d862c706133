"""The schedule board and the bulk planner in the admin: who may open them,
what they show, and that a preview writes nothing."""

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from scheduling.models import Session
from scheduling.services import session_create

pytestmark = pytest.mark.django_db
BOARD = "/admin/scheduling/session/board/"
PLAN = "/admin/scheduling/session/board/plan/"
COPY = "/admin/scheduling/session/board/copy/"


def client_of(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=3)


@pytest.fixture
def planned(movie, hall, day):
    return session_create(
        movie=movie, hall=hall, starts_at=datetime.combine(day, time(12), tzinfo=hall.cinema_tz), base_price=400
    )


def test_the_board_shows_each_hall_and_session_in_local_time_with_a_link(manager, planned, cinema, day):
    response = client_of(manager).get(BOARD, {"cinema": cinema.pk, "date": day.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-session="{planned.pk}"' in html and f"/admin/scheduling/session/{planned.pk}/change/" in html
    assert "12:00–14:56" in html and "15:11" in html  # film end, then cleaning until
    assert "h free" in html  # the gaps around it
    assert (
        f"date={(day - timedelta(days=1)).isoformat()}" in html
        and f"date={(day + timedelta(days=1)).isoformat()}" in html
    )


def test_the_board_takes_a_fixed_number_of_queries(manager, movie, hall, cinema, day, django_assert_max_num_queries):
    client = client_of(manager)
    client.get(BOARD, {"cinema": cinema.pk, "date": day.isoformat()})
    for hour in (9, 13, 17, 21):
        session_create(
            movie=movie, hall=hall, starts_at=datetime.combine(day, time(hour), tzinfo=hall.cinema_tz), base_price=1
        )
    with django_assert_max_num_queries(12):
        response = client.get(BOARD, {"cinema": cinema.pk, "date": day.isoformat()})
    assert response.content.decode().count('class="bo-session-link"') == 4


@pytest.mark.parametrize(
    "params",
    [
        {"cinema": "x"},
        {"cinema": "999999"},
        {"date": "2026-13-45"},
        {"date": "tomorrow"},
        {"date": "0001-01-01"},
    ],
)
def test_bad_parameters_answer_400_with_a_page_that_says_why(manager, cinema, params):
    response = client_of(manager).get(BOARD, {"cinema": cinema.pk, **params}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'id="board-error"' in response.content.decode()


@pytest.mark.parametrize("path", [BOARD, PLAN, COPY])
def test_moderators_are_refused_and_customers_and_strangers_sent_to_log_in(path, moderator, customer, cinema):
    assert client_of(moderator).get(path, {"cinema": cinema.pk}).status_code == 403
    for user in (customer, None):
        response = client_of(user).get(path, {"cinema": cinema.pk})
        assert response.status_code == 302 and "/login/" in response["Location"]


def _plan_data(cinema, movie, hall, day, times, action="preview"):
    return {
        "cinema": cinema.pk,
        "date": day.isoformat(),
        "movie": movie.pk,
        "halls": [hall.pk],
        "date_from": day.isoformat(),
        "date_to": (day + timedelta(days=1)).isoformat(),
        "start_times": times,
        "format": "2d",
        "base_price": "350",
        "audio_language": "ru",
        action: "1",
    }


def test_a_preview_lists_the_conflict_and_writes_nothing(manager, planned, cinema, movie, hall, day):
    response = client_of(manager).post(
        PLAN, _plan_data(cinema, movie, hall, day, "10:00, 19:00", action="confirm"), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "overlaps “Сталкер” 12:00–15:11 (with cleaning)" in html
    assert 'id="confirm-button"' not in html  # nothing may be confirmed while a conflict remains
    assert Session.objects.count() == 1


def test_a_clean_plan_is_previewed_then_created_at_once(manager, cinema, movie, hall, day):
    client = client_of(manager)
    preview = client.post(PLAN, _plan_data(cinema, movie, hall, day, "10:00 19:00"), HTTP_ACCEPT_LANGUAGE="en")
    assert "4 sessions, no conflict." in preview.content.decode() and Session.objects.count() == 0
    done = client.post(PLAN, _plan_data(cinema, movie, hall, day, "10:00 19:00", action="confirm"))
    assert done.status_code == 302 and f"date={day.isoformat()}" in done["Location"]
    assert Session.objects.filter(created_by=manager).count() == 4


def test_the_planner_needs_the_csrf_token(manager, cinema, movie, hall, day):
    client = client_of(manager, enforce_csrf_checks=True)
    response = client.post(PLAN, _plan_data(cinema, movie, hall, day, "10:00", action="confirm"))
    assert response.status_code == 403 and Session.objects.count() == 0


def test_bad_start_times_are_shown_on_the_form(manager, cinema, movie, hall, day):
    response = client_of(manager).post(
        PLAN, _plan_data(cinema, movie, hall, day, "10:00 25:99"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and "“25:99” is not a time" in response.content.decode()


def test_copying_a_day_previews_then_creates(manager, planned, cinema, day):
    client = client_of(manager)
    data = {"cinema": cinema.pk, "date": day.isoformat(), "source": day.isoformat(), "span": "day"}
    target = day + timedelta(days=7)
    preview = client.post(COPY, {**data, "target": target.isoformat(), "preview": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "1 session, no conflict." in preview.content.decode()
    client.post(COPY, {**data, "target": target.isoformat(), "confirm": "1"})
    copied = Session.objects.exclude(pk=planned.pk).get()
    assert timezone.localtime(copied.starts_at, copied.hall.cinema_tz) == timezone.localtime(
        planned.starts_at, planned.hall.cinema_tz
    ) + timedelta(days=7)


def test_the_board_speaks_russian(manager, planned, cinema, day):
    html = client_of(manager).get(BOARD, {"cinema": cinema.pk, "date": day.isoformat()}, HTTP_ACCEPT_LANGUAGE="ru")
    text = html.content.decode()
    assert "Расписание залов" in text and "Следующий день" in text and "уборка до" in text
