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


def test_seat_index_parses_each_distinct_layout_once():
    import json

    from venues.layout import seat_index

    text = json.dumps(rectangular_layout(2, 3, vip_rows=(2,), blocked=((1, 1),)))
    index = seat_index(text)
    assert seat_index(str(text)) is index  # equal text: the parsed index again
    assert index[(2, 3)].category == "vip" and index[(1, 1)].blocked and (3, 1) not in index
    changed = seat_index(json.dumps(rectangular_layout(3, 3)))
    assert changed is not index and (3, 1) in changed
