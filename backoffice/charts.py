"""Geometry of the dashboard's SVG charts, computed on the server.

The templates only place shapes at these coordinates: no script, no inline
style (colours come from CSS classes), so the page works under a strict
Content-Security-Policy and without any chart library.
"""

from decimal import Decimal

CHART_WIDTH = 720
CHART_HEIGHT = 200
CHART_LEFT = 56  # room for the axis labels
CHART_BOTTOM = 24
CHART_TOP = 10  # room for the top label
SEGMENTS = ("sold", "held", "free")


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".")


def share(value, best) -> str:
    """``value`` as a percentage of ``best`` (a bar's width), e.g. ``"62.5"``."""
    if not best:
        return "0"
    return _fmt(float(Decimal(value) / Decimal(best) * 100))


def stacked_bar(values: list[int]) -> list[dict]:
    """Sold / held / free as segments of one bar: x and width in percent."""
    total = sum(values)
    segments, x = [], 0.0
    for name, value in zip(SEGMENTS, values, strict=True):
        width = 100 * value / total if total else 0.0
        segments.append({"kind": name, "value": value, "x": _fmt(x), "width": _fmt(width)})
        x += width
    return segments


def _nice_ceiling(value: Decimal) -> Decimal:
    """The next round number at or above ``value`` (1, 2, 5 × 10^n), for the axis."""
    if value <= 0:
        return Decimal("1")
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def day_bars(days: list[tuple]) -> dict:
    """A bar per day: ``days`` is ``[(date, revenue, tickets), ...]`` in order."""
    top = _nice_ceiling(max((revenue for _, revenue, _ in days), default=Decimal("0")))
    plot_w = CHART_WIDTH - CHART_LEFT
    plot_h = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    slot = plot_w / max(len(days), 1)
    bars = []
    for i, (day, revenue, tickets) in enumerate(days):
        h = float(Decimal(revenue) / top) * plot_h
        bars.append(
            {
                "day": day,
                "revenue": revenue,
                "tickets": tickets,
                "x": _fmt(CHART_LEFT + i * slot + slot * 0.15),
                "y": _fmt(CHART_TOP + plot_h - h),
                "width": _fmt(slot * 0.7),
                "height": _fmt(h),
                "label_x": _fmt(CHART_LEFT + i * slot + slot / 2),
                "labelled": i % 5 == 0 or i == len(days) - 1,
            }
        )
    ticks = [{"value": top * k / 4, "y": _fmt(CHART_TOP + plot_h - plot_h * k / 4)} for k in range(5)]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "plot_height": plot_h,
        "label_y": CHART_HEIGHT - 6,
        "bars": bars,
        "ticks": ticks,
    }
