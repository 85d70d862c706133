"""Generated documents stay true: the committed files equal what the code generates."""

from cinema.docgen import API_FILE, ER_FILE, api_file_text, er_diagram


def test_er_diagram_is_current():
    assert ER_FILE.read_text(encoding="utf-8") == er_diagram(), "run: python manage.py erd"


def test_er_diagram_shows_the_seat_rule_and_every_table():
    text = er_diagram()
    for table in (
        "accounts_user",
        "catalog_movie",
        "venues_cinema",
        "venues_hall",
        "scheduling_session",
        "booking_ticket",
        "reviews_review",
        "booking_booking",
        "booking_payment",
        "reviews_reviewvote",
    ):
        assert f"    {table} {{" in text
    assert "ticket_one_live_per_seat" in text and "session_no_overlap_in_hall" in text


def test_api_reference_is_current():
    current = API_FILE.read_text(encoding="utf-8")
    assert current == api_file_text(current), "run: python manage.py api_docs"


def test_api_reference_lists_who_may_call():
    text = API_FILE.read_text(encoding="utf-8")
    assert "| POST | `/api/v1/tickets/` | Hold seats of one session: all or none | authenticated |" in text
    assert "| GET | `/api/v1/tickets/statistics/` | Sales statistics (manager) | manager, admin |" in text


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    assert "x-roles" in out.read_text()
