import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from booking import services
from booking.selectors import sales_statistics
from conftest import make_user, pay_booking
from reports.selectors import distributor_report, film_week_start, net_of_vat, sales_report
from scheduling.services import session_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/distributor/"


def _sell(session, email, seats):
    user = make_user(email)
    booking = services.ticket_hold(user=user, session_id=session.pk, seats=seats)
    pay_booking(user, booking)
    return booking


def _next(weekday: int) -> date:
    """The first ISO ``weekday`` at least two days from today."""
    day = timezone.localdate() + timedelta(days=2)
    return day + timedelta(days=(weekday - day.isoweekday()) % 7)


@pytest.fixture
def week_sessions(movie, hall):
    """A Wednesday and the Thursday after: two film weeks."""
    tz = hall.cinema.tz
    wednesday = _next(3)
    return [
        session_create(
            movie=movie, hall=hall, starts_at=datetime.combine(day, time(15), tzinfo=tz), base_price=Decimal("400")
        )
        for day in (wednesday, wednesday + timedelta(days=1))
    ]


def test_film_weeks_run_thursday_to_wednesday():
    assert film_week_start(date(2026, 12, 3)) == date(2026, 12, 3)  # a Thursday
    assert film_week_start(date(2026, 12, 9)) == date(2026, 12, 3)  # the Wednesday after
    assert film_week_start(date(2026, 12, 10)) == date(2026, 12, 10)


def test_net_of_vat_divides_by_one_plus_the_rate(settings):
    settings.REPORT_VAT_RATE = Decimal("0.20")
    assert net_of_vat(Decimal("1200.00")) == Decimal("1000.00")


def test_the_distributor_report_splits_film_weeks_and_counts_admissions(week_sessions):
    wednesday, thursday = week_sessions
    _sell(wednesday, "a@example.com", [(2, 1), (2, 2)])
    _sell(thursday, "b@example.com", [(5, 1)])  # VIP
    rows = distributor_report(date_from=wednesday.starts_at.date(), date_to=thursday.starts_at.date())
    assert [(r.week_start.isoweekday(), r.sessions, r.admissions, r.gross) for r in rows] == [
        (4, 1, 2, 2 * wednesday.base_price),
        (4, 1, 1, thursday.vip_price),
    ]
    assert rows[0].week_start < rows[1].week_start


def test_the_xlsx_opens_and_its_totals_equal_the_statistics(manager_client, week_sessions):
    wednesday, thursday = week_sessions
    _sell(wednesday, "a@example.com", [(2, 1), (2, 2)])
    _sell(thursday, "b@example.com", [(5, 1), (3, 3)])
    refunded = _sell(thursday, "c@example.com", [(4, 4)]).tickets.get()
    services.ticket_cancel(ticket=refunded, by=refunded.user)
    start, end = wednesday.starts_at.date(), thursday.starts_at.date()
    response = manager_client.get(f"{URL}?date_from={start}&date_to={end}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    total = [c.value for c in sheet[sheet.max_row]]
    stats = sales_statistics(date_from=start, date_to=end)["overall"]
    assert total[0] == "TOTAL"
    assert total[4:7] == [
        stats["sessions"],
        stats["tickets_sold"],
        float(Decimal(stats["revenue"]) - Decimal(stats["booking_fees"])),
    ]


def test_the_csv_is_streamed_with_a_total_line(manager_client, week_sessions):
    _sell(week_sessions[0], "a@example.com", [(2, 1)])
    day = week_sessions[0].starts_at.date()
    response = manager_client.get(f"{URL}?date_from={day}&date_to={day}&format=csv")
    assert response.status_code == 200 and response.streaming
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["Week from (Thu)", "Week to (Wed)", "Film"]
    assert lines[1][2:6] == [week_sessions[0].movie.title, week_sessions[0].hall.cinema.name, "1", "1"]
    assert lines[-1][0] == "TOTAL" and lines[-1][5] == "1"


@pytest.mark.parametrize(
    "query, field",
    [
        ("date_from=2026-01-01&date_to=2027-01-02", "date_to"),
        ("date_from=2026-13-01&date_to=2026-12-31", "date_from"),
        ("date_from=2026-03-02&date_to=2026-03-01", "date_to"),
        ("date_to=2026-03-01", "date_from"),
        ("date_from=2026-03-01&date_to=2026-03-02&format=pdf", "format"),
    ],
)
def test_bad_ranges_and_formats_are_refused_with_400(manager_client, query, field):
    response = manager_client.get(f"{URL}?{query}")
    assert response.status_code == 400 and field in response.json()["errors"]


@pytest.mark.parametrize(
    "role, status", [(None, 401), ("customer", 403), ("moderator", 403), ("manager", 200), ("admin", 200)]
)
def test_only_managers_download_the_distributor_report(role, status, db):
    from rest_framework.test import APIClient

    client = APIClient()
    if role:
        client.force_authenticate(make_user(f"{role}@example.com", role))
    assert client.get(f"{URL}?date_from=2026-03-01&date_to=2026-03-07&format=csv").status_code == status


def test_the_sales_report_groups_by_ticket_type_and_film(week_sessions):
    wednesday, thursday = week_sessions
    _sell(wednesday, "a@example.com", [(2, 1), (2, 2)])
    _sell(thursday, "b@example.com", [(5, 1)])
    start, end = wednesday.starts_at.date(), thursday.starts_at.date()
    by_type = sales_report(date_from=start, date_to=end, group_by="ticket_type")
    assert [(r["ticket_type"], r["tickets"]) for r in by_type["rows"]] == [("adult", 3)]
    by_day = sales_report(date_from=start, date_to=end, group_by="day")
    assert [r["tickets"] for r in by_day["rows"]] == [2, 1]
    assert by_day["totals"]["gross"] == 2 * wednesday.base_price + thursday.vip_price


ADMIN_PAGES = ["/admin/reports/salesreport/", "/admin/reports/distributorreport/"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("role, allowed", [("customer", False), ("moderator", False), ("manager", True)])
def test_report_pages_are_for_managers(page, role, allowed, db):
    client = Client()
    client.force_login(make_user(f"{role}@example.com", role))
    response = client.get(page)
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code in (302, 403)


def test_the_admin_page_downloads_the_xlsx(week_sessions, manager):
    client = Client()
    client.force_login(manager)
    day = week_sessions[0].starts_at.date()
    page = client.get(ADMIN_PAGES[1], {"date_from": day, "date_to": day})
    assert page.status_code == 200 and week_sessions[0].movie.title in page.content.decode()
    response = client.get(ADMIN_PAGES[1], {"date_from": day, "date_to": day, "download": "xlsx"})
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 4  # title, header, one film, total


def test_the_distributor_report_takes_two_queries_whatever_the_sales(week_sessions, django_assert_num_queries):
    wednesday, thursday = week_sessions
    for index, show in enumerate(week_sessions):
        _sell(show, f"q{index}@example.com", [(2, 1), (2, 2), (3, 1)])
    with django_assert_num_queries(2):  # the cinemas' time zones, the sessions with their sums
        rows = distributor_report(date_from=wednesday.starts_at.date(), date_to=thursday.starts_at.date())
    assert sum(r.admissions for r in rows) == 6
