"""A session with sold tickets keeps its hall and does not move into the past:
the scheduling service refuses it, and so does the admin (cancel instead)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from booking import services
from cinema.errors import Conflict
from conftest import make_user, pay_booking
from scheduling.models import Session
from scheduling.services import session_update
from venues.layout import rectangular_layout
from venues.services import hall_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are in the request's language; the service tests read the English."""
    with translation.override("en"):
        yield


@pytest.fixture
def sold(session):
    buyer = make_user("buyer@example.com")
    booking = services.ticket_hold(user=buyer, session_id=session.pk, seats=[(2, 2)])
    pay_booking(buyer, booking)
    session.refresh_from_db()
    return session


@pytest.fixture
def other_hall(cinema):
    return hall_create(cinema=cinema, name="Зал 2", number=2, layout=rectangular_layout(4, 4), cleaning_minutes=10)


def test_a_session_with_sold_tickets_cannot_change_hall(sold, other_hall):
    with pytest.raises(Conflict) as info:
        session_update(session=sold, hall=other_hall)
    assert "hall cannot change" in info.value.message and "Cancel it instead" in info.value.message
    assert Session.objects.get(pk=sold.pk).hall_id == sold.hall_id


def test_a_session_with_sold_tickets_cannot_move_into_the_past(sold):
    with pytest.raises(Conflict) as info:
        session_update(session=sold, starts_at=timezone.now() - timedelta(hours=1))
    assert "cannot move into the past" in info.value.message
    assert Session.objects.get(pk=sold.pk).starts_at == sold.starts_at


def test_a_session_with_sold_tickets_may_move_later(sold):
    later = sold.starts_at + timedelta(hours=6)
    assert session_update(session=sold, starts_at=later).starts_at == later


def test_a_session_without_tickets_may_change_hall(session, other_hall):
    assert session_update(session=session, hall=other_hall).hall == other_hall


def _admin(user):
    client = Client()
    client.force_login(user)
    return client


def _form_data(session, **changes):
    local = timezone.localtime(session.starts_at, session.hall.cinema_tz)
    data = {
        "movie": session.movie_id,
        "hall": session.hall_id,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "base_price": session.base_price,
        "premium_price": session.premium_price,
        "vip_price": session.vip_price,
        "love_price": session.love_price,
        "wheelchair_price": session.wheelchair_price,
        "currency": session.currency,
        "format": session.format,
        "audio_language": session.audio_language,
        "subtitles_language": "",
        "status": session.status,
    }
    data.update(changes)
    return data


def test_the_admin_form_refuses_moving_a_sold_session_into_the_past_with_the_reason(sold, manager):
    yesterday = timezone.localtime(sold.starts_at, sold.hall.cinema_tz) - timedelta(days=3)
    response = _admin(manager).post(
        f"/admin/scheduling/session/{sold.pk}/change/",
        _form_data(sold, starts_at_0=yesterday.strftime("%Y-%m-%d")),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200  # the form again, with the error
    assert "cannot move into the past" in response.content.decode()
    assert Session.objects.get(pk=sold.pk).starts_at == sold.starts_at


def test_the_admin_form_locks_the_hall_of_a_sold_session(sold, other_hall, manager):
    client = _admin(manager)
    page = client.get(f"/admin/scheduling/session/{sold.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the hall cannot change; cancel the session instead" in page
    client.post(f"/admin/scheduling/session/{sold.pk}/change/", _form_data(sold, hall=other_hall.pk))
    assert Session.objects.get(pk=sold.pk).hall_id == sold.hall_id


def test_a_sessions_title_shows_the_cinemas_local_time(movie, hall, cinema, session):
    cinema.timezone = "Asia/Vladivostok"  # UTC+10, far from the chain's Moscow
    cinema.save()
    session = Session.objects.select_related("hall__cinema", "movie").get(pk=session.pk)
    local = timezone.localtime(session.starts_at, cinema.tz)
    assert f"{local:%Y-%m-%d %H:%M}" in str(session)
    assert f"{session.starts_at:%H:%M}" not in str(session).split("—")[-1]


def test_the_admin_seat_map_is_translated(sold, manager):
    page = _admin(manager).get(f"/admin/scheduling/session/{sold.pk}/change/", HTTP_ACCEPT_LANGUAGE="ru")
    html = page.content.decode()
    legend = html[html.index('class="seat-map-legend"') :]
    legend = re.sub(r"<[^>]+>", "", legend[: legend.index("</p>")])  # the words shown, not the class names
    assert "ЭКРАН" in html and "ряд 2 место 2" in html
    for word in ("свободно", "в брони", "продано", "не продаётся"):
        assert word in legend
    for word in ("free", "held", "sold", "blocked"):
        assert word not in legend
