import pytest
from django.core.exceptions import ValidationError

from venues.layout import parse_layout, rectangular_layout, summarize


def test_rectangular_layout_derives_capacity_and_categories():
    seats = parse_layout(rectangular_layout(4, 5, vip_rows=(4,), premium_rows=(3,), blocked=((1, 1),)))
    summary = summarize(seats)
    assert summary["capacity"] == 19
    assert summary["vip_seats"] == 5 and summary["premium_seats"] == 5 and summary["standard_seats"] == 9
    assert summary["blocked_seats"] == 1
    assert summary["rows_count"] == 4 and summary["seats_per_row"] == 5


def test_gaps_are_positions_not_seats():
    seats = parse_layout({"rows": [{"row": 1, "seats": [{"seat": 1}, None, {"seat": 2}]}]})
    assert [(s.seat, s.x) for s in seats] == [(1, 0), (2, 2)]


@pytest.mark.parametrize(
    "layout, message",
    [
        ([], "object"),
        ({"rows": []}, "at least one row"),
        ({"rows": [{"row": 1, "seats": [{"seat": 1}]}, {"row": 1, "seats": [{"seat": 1}]}]}, "twice"),
        ({"rows": [{"row": 1, "seats": [{"seat": 1}, {"seat": 1}]}]}, "twice"),
        ({"rows": [{"row": 1, "seats": [{"seat": 1, "category": "sofa"}]}]}, "unknown category"),
        ({"rows": [{"row": 0, "seats": [{"seat": 1}]}]}, "positive"),
        ({"rows": [{"row": 1, "seats": [None]}]}, "no seats"),
        ({"rows": [{"row": 1, "seats": [{"seat": 1, "blocked": True}]}]}, "not blocked"),
        ({"rows": [{"row": 1, "seats": [{"seat": "1"}]}]}, "positive integer"),
        ({"rows": [{"row": 1, "seats": [{"seat": 1, "colour": "red"}]}]}, "unknown keys"),
    ],
)
def test_invalid_layouts_are_refused_with_a_reason(layout, message):
    with pytest.raises(ValidationError) as info:
        parse_layout(layout)
    assert message in info.value.messages[0]


@pytest.mark.django_db
def test_hall_seats_are_parsed_once_per_layout_and_again_after_a_change(hall, django_assert_num_queries):
    from venues.layout import hall_seats
    from venues.services import hall_save

    with django_assert_num_queries(1):
        seats = hall_seats(hall)
    with django_assert_num_queries(0):
        assert hall_seats(hall) is seats
    assert seats[(5, 1)].category == "vip" and seats[(1, 6)].blocked and (6, 1) not in seats
    hall_save(hall=hall, layout=rectangular_layout(6, 6))
    changed = hall_seats(hall)
    assert changed is not seats and (6, 1) in changed and not changed[(1, 6)].blocked
