from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import override

from backoffice.selectors import dashboard
from backoffice.tests.conftest import browser_client

pytestmark = pytest.mark.django_db


def _by_cinema(stats: dict) -> dict:
    return {row["cinema_id"]: row for row in stats["by_cinema"]}


def test_dashboard_figures_equal_the_statistics_endpoint(sold_on, manager, manager_client):
    today = timezone.localdate()
    sold_on(today, [(1, 1), (1, 2), (5, 1)], at=time(9, 0))
    sold_on(today - timedelta(days=3), [(2, 1)])
    sold_on(today - timedelta(days=20), [(3, 1), (3, 2)])  # outside the week, inside the chart

    board = dashboard()
    for range_from, key in ((today, "today"), (today - timedelta(days=6), "week")):
        api = manager_client.get(
            "/api/v1/tickets/statistics/", {"date_from": range_from.isoformat(), "date_to": today.isoformat()}
        ).json()
        expected = _by_cinema(api)
        assert {c.cinema_id for c in board["cinemas"]} == set(expected)
        for figures in board["cinemas"]:
            row = expected[figures.cinema_id]
            got = getattr(figures, key)
            assert got["revenue"] == Decimal(row["revenue"])
            assert got["tickets"] == row["tickets"]
            assert got["occupancy"] == round(100 * row["occupancy"], 1)
        assert board["totals"][key]["tickets"] == api["overall"]["tickets_sold"]
        assert board["totals"][key]["revenue"] == Decimal(api["overall"]["revenue"])
    assert board["totals"]["today"]["tickets"] == 3 and board["totals"]["week"]["tickets"] == 4
    chart = {bar["day"]: bar["tickets"] for bar in board["sales_chart"]["bars"]}
    assert len(chart) == 30 and chart[today - timedelta(days=20)] == 2 and chart[today] == 3
    assert board["top_films"][0]["tickets"] == 4


def test_todays_sessions_show_sold_held_and_free_seats(sold_on, hall):
    today = timezone.localdate()
    session = sold_on(today, [(1, 1), (1, 2)], held=[(2, 2)], at=time(23, 0))
    row = next(r for r in dashboard()["sessions"] if r["session"].pk == session.pk)
    assert (row["sold"], row["held"], row["free"]) == (2, 1, hall.capacity - 3)
    assert [segment["kind"] for segment in row["bar"]] == ["sold", "held", "free"]


def test_dashboard_query_count_does_not_grow_with_sessions_and_tickets(sold_on, manager, django_assert_max_num_queries):
    today = timezone.localdate()
    client = browser_client(manager)
    sold_on(today, [(1, 1)], at=time(9, 0))
    with django_assert_max_num_queries(50) as few:
        assert client.get("/admin/").status_code == 200
    for at in (time(12, 20), time(15, 40), time(19, 0), time(22, 20)):  # the film runs 3 h 11 min with cleaning
        sold_on(today, [(1, 1), (2, 2), (3, 3)], at=at)
    sold_on(today - timedelta(days=2), [(4, 4)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/admin/")
    assert response.content.count(b"data-session=") == 5


def test_the_dashboard_is_shown_to_managers_and_admins_in_russian_and_english(sold_on, manager, admin_user):
    sold_on(timezone.localdate(), [(1, 1)], at=time(9, 0))
    for user in (manager, admin_user):
        english = browser_client(user).get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
        assert b'id="dashboard"' in english.content and b"Top films of the week" in english.content
    russian = browser_client(manager).get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")
    with override("ru"):
        assert "Лучшие фильмы недели" in russian.content.decode()


def test_the_dashboard_page_has_no_inline_style_or_script_and_nothing_from_another_host(sold_on, manager):
    sold_on(timezone.localdate(), [(1, 1)], at=time(9, 0))
    html = browser_client(manager).get("/admin/").content.decode()
    start = html.index('id="dashboard"')
    section = html[start : html.index("</section>", start)]
    assert "style=" not in section and "<script" not in section
    assert "http://" not in section.replace("http://www.w3.org", "") and "https://" not in section


def test_moderators_keep_the_plain_index_and_customers_are_sent_to_log_in(sold_on, moderator, customer):
    sold_on(timezone.localdate(), [(1, 1)], at=time(9, 0))
    response = browser_client(moderator).get("/admin/")
    assert response.status_code == 200 and b'id="dashboard"' not in response.content
    response = browser_client(customer).get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert browser_client().get("/admin/").status_code == 302
