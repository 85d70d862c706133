"""Bulk scheduling: the plan lists every conflict before anything is written,
and the write creates every session or none."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from scheduling import services
from scheduling.models import Session
from scheduling.services import (
    BulkScheduleRefused,
    session_create,
    sessions_bulk_create,
    sessions_plan,
    sessions_plan_copy,
)
from venues.layout import rectangular_layout
from venues.services import hall_create

pytestmark = pytest.mark.django_db
FIELDS = {"base_price": Decimal("350"), "format": "2d"}


@pytest.fixture(autouse=True)
def _in_english():
    """The conflicts are in the request's language; these tests read the English."""
    with translation.override("en"):
        yield


@pytest.fixture
def next_week():
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def hall2(cinema):
    return hall_create(cinema=cinema, name="Зал 2", number=2, layout=rectangular_layout(4, 5), cleaning_minutes=20)


def at(hall, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=hall.cinema_tz)


def one(movie, hall, day, start):
    (proposal,) = sessions_plan(movie=movie, halls=[hall], dates=[day], start_times=[start], fields=FIELDS)
    return proposal


def test_a_clean_plan_has_one_proposal_per_hall_date_and_time_and_writes_nothing(movie, hall, hall2, next_week):
    plan = sessions_plan(
        movie=movie,
        halls=[hall, hall2],
        dates=[next_week, next_week + timedelta(days=1)],
        start_times=[time(10), time(14)],
        fields=FIELDS,
    )
    assert len(plan) == 8 and not any(p.conflicts for p in plan)
    assert {p.local_starts_at.time() for p in plan} == {time(10), time(14)}
    assert Session.objects.count() == 0


def test_overlap_with_an_existing_session_is_listed_with_its_film_and_times(movie, hall, next_week):
    session_create(movie=movie, hall=hall, starts_at=at(hall, next_week, 12), base_price=400)
    plan = sessions_plan(movie=movie, halls=[hall], dates=[next_week], start_times=[time(10), time(16)], fields=FIELDS)
    ten, four = plan
    assert ten.conflicts == ["overlaps “Сталкер” 12:00–15:11 (with cleaning)"]  # 10:00 + 3 h 11 min runs into 12:00
    assert four.conflicts == []


def test_the_cleaning_time_counts_the_session_may_start_only_when_the_hall_is_clean(movie, hall, next_week):
    existing = session_create(movie=movie, hall=hall, starts_at=at(hall, next_week, 10), base_price=400)
    film_end = timezone.localtime(existing.ends_at, hall.cinema_tz).time()
    clean = timezone.localtime(existing.busy_until, hall.cinema_tz).time()
    during_cleaning, after = one(movie, hall, next_week, film_end), one(movie, hall, next_week, clean)
    assert during_cleaning.conflicts and "with cleaning" in during_cleaning.conflicts[0]
    assert after.conflicts == []


def test_proposals_that_overlap_each_other_are_both_listed(movie, hall, hall2, next_week):
    plan = sessions_plan(
        movie=movie, halls=[hall, hall2], dates=[next_week], start_times=[time(10), time(12)], fields=FIELDS
    )
    in_hall = [p for p in plan if p.hall == hall]
    assert all("another new session" in p.conflicts[0] for p in in_hall)
    assert all(len(p.conflicts) == 1 for p in plan)  # the same times in the other hall clash too, once each


def test_opening_and_closing_times_of_the_cinema_are_listed(movie, hall, cinema, next_week):
    cinema.opening_time, cinema.closing_time = time(9, 0), time(1, 0)  # closes after midnight
    cinema.save()
    early, late_ok, too_late = (one(movie, hall, next_week, time(h, m)) for h, m in ((8, 0), (21, 0), (22, 30)))
    assert early.conflicts == ["starts before the cinema opens (09:00)"]
    assert late_ok.conflicts == []  # ends 23:56, before 01:00
    assert too_late.conflicts == ["ends after the cinema closes (01:00)"]  # ends 01:26


def test_a_start_in_the_past_is_listed(movie, hall):
    yesterday = timezone.localdate() - timedelta(days=1)
    assert one(movie, hall, yesterday, time(12)).conflicts == ["starts in the past"]


def test_bulk_create_writes_every_session_in_one_go(movie, hall, hall2, manager, next_week):
    plan = sessions_plan(
        movie=movie, halls=[hall, hall2], dates=[next_week], start_times=[time(10), time(14)], fields=FIELDS
    )
    created = sessions_bulk_create(proposals=plan, created_by=manager)
    assert len(created) == 4 and Session.objects.filter(created_by=manager, base_price=350).count() == 4


def test_bulk_create_refuses_a_plan_with_a_conflict_and_writes_nothing(movie, hall, next_week):
    plan = sessions_plan(movie=movie, halls=[hall], dates=[next_week], start_times=[time(10), time(11)], fields=FIELDS)
    with pytest.raises(BulkScheduleRefused) as info:
        sessions_bulk_create(proposals=plan)
    assert info.value.message.startswith("Nothing was created: 2 session(s) conflict")
    assert Session.objects.count() == 0


def test_a_session_scheduled_between_preview_and_write_rolls_back_the_whole_plan(
    movie, hall, hall2, next_week, monkeypatch
):
    """Another manager fills a slot after the check: the write refuses it and keeps nothing."""
    plan = sessions_plan(
        movie=movie, halls=[hall, hall2], dates=[next_week], start_times=[time(10), time(14)], fields=FIELDS
    )
    session_create(movie=movie, hall=hall2, starts_at=at(hall2, next_week, 14, 30), base_price=400)
    monkeypatch.setattr(services, "sessions_plan_check", lambda proposals, now=None: proposals)  # the race
    with pytest.raises(BulkScheduleRefused) as info:
        sessions_bulk_create(proposals=plan)
    assert "Nothing was created" in info.value.message and "busy" in info.value.message
    assert Session.objects.count() == 1


@pytest.mark.postgres
def test_the_exclusion_constraint_is_the_last_guard_of_a_bulk_write(movie, hall, next_week, monkeypatch):
    assert connection.vendor == "postgresql"
    plan = sessions_plan(movie=movie, halls=[hall], dates=[next_week], start_times=[time(10), time(11)], fields=FIELDS)
    monkeypatch.setattr(services, "sessions_plan_check", lambda proposals, now=None: proposals)
    monkeypatch.setattr(services, "session_overlaps", lambda **kw: Session.objects.none())  # every check missed
    with pytest.raises(BulkScheduleRefused):
        sessions_bulk_create(proposals=plan)
    assert Session.objects.count() == 0


def test_copying_a_day_keeps_halls_films_local_times_and_prices(movie, hall, hall2, cinema, next_week):
    first = session_create(movie=movie, hall=hall, starts_at=at(hall, next_week, 10), base_price=400, format="3d")
    session_create(movie=movie, hall=hall2, starts_at=at(hall2, next_week, 19, 30), base_price=500)
    target = next_week + timedelta(days=7)
    plan = sessions_plan_copy(cinema=cinema, source_from=next_week, source_to=next_week, target_from=target)
    assert [(p.hall, p.local_starts_at) for p in plan] == [
        (hall, at(hall, target, 10)),
        (hall2, at(hall2, target, 19, 30)),
    ]
    assert plan[0].fields["format"] == "3d" and plan[0].fields["vip_price"] == first.vip_price
    assert not any(p.conflicts for p in plan)
    assert len(sessions_bulk_create(proposals=plan)) == 2


def test_copying_onto_a_day_with_sessions_lists_the_clash(movie, hall, cinema, next_week):
    session_create(movie=movie, hall=hall, starts_at=at(hall, next_week, 10), base_price=400)
    target = next_week + timedelta(days=1)
    session_create(movie=movie, hall=hall, starts_at=at(hall, target, 11), base_price=400)
    (copied,) = sessions_plan_copy(cinema=cinema, source_from=next_week, source_to=next_week, target_from=target)
    assert copied.conflicts and "11:00" in copied.conflicts[0]


def test_a_plan_is_bounded(movie, hall):
    days = [date(2030, 1, 1) + timedelta(days=i) for i in range(30)]
    with pytest.raises(Exception) as info:
        sessions_plan(movie=movie, halls=[hall], dates=days, start_times=[time(h) for h in range(24)], fields=FIELDS)
    assert "At most 500 sessions" in str(info.value.message)
