"""Inline SVG charts for the follow-up report: the geometry here, the markup in ``templates/charts/*.svg.j2``.

No JavaScript, no fonts or files to fetch. Colours are presentation attributes on the elements, so a chart
copied out of the page keeps them. Every chart is ``<svg class="chart …" data-chart="…" role="img">`` with a
``<title>``; the report's test checks each of them is in the page Chromium renders.

``goal_chart``: a goal's yearly series, the target dashed, the deadline dashed and vertical, the projection at
the current pace (the goal's least-squares line) with its 95 % interval at the deadline, and the years the line
is fitted on shaded. ``series_chart``: an indicator's yearly values with their 95 % interval as a band, Riket
and the median of the regions. ``monthly_chart``: the months of the latest year against the year before.
``funnel_chart``: units against their size with the 95 % and 99.8 % control limits. ``strip_chart``: one
indicator in one year, every region a dot, the region large, the median a line and Riket a diamond.
Suppressed and missing values are gaps, labelled "undertryckt" or "saknas", never drawn as zero.
"""

from __future__ import annotations

import math
from decimal import Decimal

from markupsafe import Markup

from pipelines.report.render import render_markup
from pipelines.report.swedish import MISSING, MONTHS_SV, SUPPRESSED, number

SERIES = "#1f5fa8"
BAND = "#c9dcf2"
TARGET = "#b03a2e"
DEADLINE = "#555555"
PROJECTION = "#1f5fa8"
RIKET = "#d35400"
MEDIAN = "#6b7785"
OTHERS = "#9aa5b1"
AXIS = "#c8cdd3"
TEXT = "#333333"
FIT = "#eef3f9"
PREVIOUS = "#9aa5b1"
# funnel plot points by their assessment (unit_funnels.assessment)
POINT = {
    "better": "#2e7d32",
    "worse": "#c62828",
    "higher": "#3949ab",
    "lower": "#00838f",
    "similar": "#607080",
    None: "#b0b8c0",
}
COLOURS = {name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)}


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start, end = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(start, end + 1)]


def _tick_decimals(ticks: list[float]) -> int:
    """The decimals the tick labels need (0.25 -> 2, 1 100 -> 0)."""
    return min(4, max(max(0, -Decimal(repr(float(t))).normalize().as_tuple().exponent) for t in ticks))


class _Frame:
    """A plot area with a linear x (years, months, sizes) and y (values) scale and its tick labels."""

    def __init__(self, width, height, left, right, top, bottom, x0, x1, values):
        self.width, self.height, self.left, self.top = width, height, left, top
        self.plot_w, self.plot_h = width - left - right, height - top - bottom
        self.x0, self.x1 = (x0, x1) if x1 != x0 else (x0 - 1, x1 + 1)
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        pad = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
        self.ticks = nice_ticks(low - pad, high + pad)
        self.y_low, self.y_high = self.ticks[0], self.ticks[-1]
        d = _tick_decimals(self.ticks)
        self.y_ticks = [(self.sy(t), number(t, d)) for t in self.ticks]
        self.bottom_y = top + self.plot_h
        self.right_x = left + self.plot_w

    def sx(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * self.plot_w

    def sy(self, y: float) -> float:
        y = min(max(y, self.y_low), self.y_high)  # a line beyond the axis stops at its edge
        return self.top + (self.y_high - y) / (self.y_high - self.y_low) * self.plot_h

    def year_ticks(self, first: int, last: int) -> list[tuple[float, str]]:
        step = max(1, math.ceil((last - first) / 12))
        return [(self.sx(year), str(year)) for year in range(first, last + 1, step)]


def _segments(frame: _Frame, points: list[tuple[float, float | None]], step: float = 1) -> list[str]:
    """Polyline point lists through consecutive points with a value; a gap where one is missing."""
    segments, segment, previous = [], [], None
    for x, y in sorted(points):
        if y is None or (previous is not None and abs(x - previous - step) > 1e-9):
            if len(segment) > 1:
                segments.append(" ".join(segment))
            segment = []
        if y is not None:
            segment.append(f"{frame.sx(x):.1f},{frame.sy(y):.1f}")
        previous = x
    if len(segment) > 1:
        segments.append(" ".join(segment))
    return segments


def _legend(x: float, entries: list[tuple[str, str, str]]) -> list[dict]:
    out = []
    for colour, dash, label in entries:
        out.append({"x": x, "colour": colour, "dash": dash, "label": label})
        x += 40 + 7 * len(label)
    return out


def goal_chart(
    chart_id: str,
    points: list[tuple[int, float | None, bool]],
    *,
    title: str,
    decimals: int,
    deadline: int,
    target: float | None = None,
    baseline_year: int | None = None,
    slope: float | None = None,
    projected: float | None = None,
    projected_lower: float | None = None,
    projected_upper: float | None = None,
    attainment_year: int | None = None,
    fit_first_year: int | None = None,
) -> Markup:
    """An SVG line chart of a goal. ``points``: (year, value or None, suppressed) for each year."""
    years = [y for y, _, _ in points]
    x0 = min(years + ([baseline_year] if baseline_year else []) + [deadline])
    x1 = max(years + [deadline])
    if attainment_year is not None and x1 < attainment_year <= deadline + 10:
        x1 = attainment_year
    last_year = max((y for y, v, _ in points if v is not None), default=None)

    def line_at(year: float) -> float:
        return projected - slope * (deadline - year)

    has_projection = projected is not None and slope is not None and last_year is not None
    values = [v for _, v, _ in points if v is not None] + ([target] if target is not None else [])
    if has_projection:
        values += [line_at(last_year), line_at(x1), projected]
        values += [v for v in (projected_lower, projected_upper) if v is not None]
    frame = _Frame(640, 290, 70, 20, 16, 62, x0, x1, values)
    xd = frame.sx(deadline)
    fit = None
    if fit_first_year is not None and last_year is not None and fit_first_year < last_year:
        fit = {
            "x": frame.sx(fit_first_year),
            "w": frame.sx(last_year) - frame.sx(fit_first_year),
            "label": f"trendens underlag {fit_first_year}–{last_year}",
        }
    legend = (
        [(SERIES, "", "utfall")]
        + ([(TARGET, "8 5", "mål")] if target is not None else [])
        + [(DEADLINE, "3 3", "tidsgräns")]
    )
    if has_projection:
        legend.append(
            (PROJECTION, "2 4", "nuvarande takt" + (" (95 % intervall)" if projected_lower is not None else ""))
        )
    return render_markup(
        "charts/goal_chart.svg.j2",
        chart_id=chart_id,
        title=title,
        frame=frame,
        c=COLOURS,
        x_ticks=frame.year_ticks(frame.x0, frame.x1),
        deadline=deadline,
        xd=xd,
        fit=fit,
        target=None if target is None else {"y": frame.sy(target), "label": f"mål {number(target, decimals)}"},
        projection={
            "x1": frame.sx(last_year),
            "y1": frame.sy(line_at(last_year)),
            "x2": frame.sx(frame.x1),
            "y2": frame.sy(line_at(frame.x1)),
            "y": frame.sy(projected),
            "lo": None if projected_lower is None else frame.sy(projected_lower),
            "hi": None if projected_upper is None else frame.sy(projected_upper),
        }
        if has_projection
        else None,
        attained={"x": frame.sx(attainment_year), "y": frame.sy(target)}
        if has_projection
        and attainment_year is not None
        and target is not None
        and frame.x0 <= attainment_year <= frame.x1
        else None,
        segments=_segments(frame, [(y, v) for y, v, _ in points]),
        points=[
            {"x": frame.sx(y), "y": frame.sy(v), "title": f"{y}: {number(v, decimals)}"}
            for y, v, s in points
            if v is not None and not s
        ],
        gaps=[{"x": frame.sx(y), "word": SUPPRESSED if s else MISSING} for y, v, s in points if v is None or s],
        legend=_legend(frame.left, legend),
        legend_y=frame.height - 14,
    )


def series_chart(
    chart_id: str,
    series: dict[int, dict],
    *,
    title: str,
    decimals: int,
    riket: dict[int, float] | None = None,
    median: dict[int, float] | None = None,
) -> Markup:
    """An indicator's yearly values (``series``: year -> {value, lower, upper, suppressed}) with the 95 % interval
    as a band, Riket's values and the median of the regions."""
    riket, median = riket or {}, median or {}
    years = sorted(set(series) | set(riket) | set(median))
    values = [v for r in series.values() for v in (r.get("value"), r.get("lower"), r.get("upper")) if v is not None]
    values += [v for v in list(riket.values()) + list(median.values()) if v is not None]
    frame = _Frame(560, 230, 64, 16, 14, 56, years[0], years[-1], values)
    band = [
        (y, r["lower"], r["upper"])
        for y, r in sorted(series.items())
        if r.get("lower") is not None and r.get("upper") is not None
    ]
    band_path = None
    if len(band) > 1:
        top = [f"{frame.sx(y):.1f},{frame.sy(hi):.1f}" for y, _, hi in band]
        bottom = [f"{frame.sx(y):.1f},{frame.sy(lo):.1f}" for y, lo, _ in reversed(band)]
        band_path = " ".join(top + bottom)
    legend = (
        [(SERIES, "", "regionen")]
        + ([(BAND, "", "95 % intervall")] if band_path else [])
        + ([(RIKET, "", "riket")] if riket else [])
        + ([(MEDIAN, "4 3", "regionernas median")] if median else [])
    )
    return render_markup(
        "charts/series_chart.svg.j2",
        chart_id=chart_id,
        title=title,
        frame=frame,
        c=COLOURS,
        x_ticks=frame.year_ticks(years[0], years[-1]),
        band=band_path,
        segments=_segments(frame, [(y, None if r.get("suppressed") else r.get("value")) for y, r in series.items()]),
        points=[
            {"x": frame.sx(y), "y": frame.sy(r["value"]), "title": f"{y}: {number(r['value'], decimals)}"}
            for y, r in sorted(series.items())
            if r.get("value") is not None and not r.get("suppressed")
        ],
        gaps=[
            {"x": frame.sx(y), "word": SUPPRESSED if r.get("suppressed") else MISSING}
            for y, r in sorted(series.items())
            if r.get("value") is None
        ],
        riket=_segments(frame, list(riket.items())),
        riket_points=[
            {"x": frame.sx(y), "y": frame.sy(v), "title": f"riket {y}: {number(v, decimals)}"}
            for y, v in sorted(riket.items())
            if v is not None
        ],
        median=_segments(frame, list(median.items())),
        legend=_legend(frame.left, legend),
        legend_y=frame.height - 12,
    )


def monthly_chart(
    chart_id: str,
    months: dict[int, float | None],
    previous: dict[int, float | None],
    *,
    year: int,
    title: str,
    decimals: int,
) -> Markup:
    """The months of ``year`` (month -> value) against the same months of the year before."""
    values = [v for v in list(months.values()) + list(previous.values()) if v is not None]
    frame = _Frame(560, 210, 64, 16, 14, 52, 1, 12, values)
    return render_markup(
        "charts/monthly_chart.svg.j2",
        chart_id=chart_id,
        title=title,
        frame=frame,
        c=COLOURS,
        x_ticks=[(frame.sx(m), MONTHS_SV[m - 1][:3]) for m in range(1, 13)],
        current=_segments(frame, list(months.items())),
        previous=_segments(frame, list(previous.items())),
        points=[
            {"x": frame.sx(m), "y": frame.sy(v), "title": f"{MONTHS_SV[m - 1]} {year}: {number(v, decimals)}"}
            for m, v in sorted(months.items())
            if v is not None
        ],
        legend=_legend(frame.left, [(SERIES, "", str(year)), (PREVIOUS, "4 3", str(year - 1))]),
        legend_y=frame.height - 12,
    )


def funnel_chart(
    chart_id: str,
    units: list[dict],
    lines: dict[tuple[str, str], list[tuple[float, float | None]]],
    *,
    target: float,
    title: str,
    decimals: int,
    x_label: str,
) -> Markup:
    """Units (dicts with exposure, value, assessment, label, outside) against their size, the region's value as the
    centre line and the control limits (``lines``: (level, side) -> [(exposure, limit or None)])."""
    shown = [u for u in units if u.get("value") is not None and u.get("exposure") is not None]
    xs = [u["exposure"] for u in shown] + [e for points in lines.values() for e, _ in points]
    values = [u["value"] for u in shown] + [target]
    # the limits are drawn within the points' range widened by half: far-off limits (few doctors) stop at the edge
    spread = (max(values) - min(values)) or abs(target) * 0.2 or 1.0
    low, high = min(values) - spread * 0.5, max(values) + spread * 0.5
    values += [v for points in lines.values() for _, v in points if v is not None and low <= v <= high]
    frame = _Frame(560, 300, 64, 16, 14, 66, 0, max(xs) if xs else 1, values)
    paths = []
    for (level, side), points in sorted(lines.items()):
        colour = DEADLINE if level == "99.8 %" else MEDIAN
        dash = "" if level == "99.8 %" else "5 4"
        for segment in _funnel_segments(frame, points):
            paths.append({"points": segment, "colour": colour, "dash": dash, "level": level, "side": side})
    step = nice_ticks(0, frame.x1, 5)
    x_ticks = [(frame.sx(t), number(t, 0)) for t in step if t <= frame.x1]
    legend = [(SERIES, "", "regionens värde"), (MEDIAN, "5 4", "95 % gräns"), (DEADLINE, "", "99,8 % gräns")]
    return render_markup(
        "charts/funnel_chart.svg.j2",
        chart_id=chart_id,
        title=title,
        frame=frame,
        c=COLOURS,
        x_ticks=x_ticks,
        x_label=x_label,
        target_y=frame.sy(target),
        paths=paths,
        points=[
            {
                "x": frame.sx(u["exposure"]),
                "y": frame.sy(u["value"]),
                "colour": POINT.get(u.get("assessment")),
                "r": 5 if u.get("outside") else 3.5,
                "title": f"{u['label']}: {number(u['value'], decimals)}",
                "label": u["label"] if u.get("outside") else None,
            }
            for u in shown
        ],
        legend=_legend(frame.left, legend),
        legend_y=frame.height - 12,
    )


def _funnel_segments(frame: _Frame, points: list[tuple[float, float | None]]) -> list[str]:
    """A limit line, broken where it is unbounded (None) or runs beyond the value axis."""
    segments, segment = [], []
    for exposure, value in sorted(points):
        if value is None or not frame.y_low <= value <= frame.y_high:  # unbounded, or beyond the axis: not drawn
            if len(segment) > 1:
                segments.append(" ".join(segment))
            segment = []
            continue
        segment.append(f"{frame.sx(exposure):.1f},{frame.sy(value):.1f}")
    if len(segment) > 1:
        segments.append(" ".join(segment))
    return segments


def strip_chart(
    chart_id: str,
    values: list[float],
    value: float | None,
    *,
    title: str,
    median: float | None = None,
    riket: float | None = None,
) -> Markup:
    """Every region's value as a dot on one axis, the region large, the median a line, Riket a diamond."""
    width, height, pad = 240, 34, 10
    every = [v for v in values if v is not None] + [v for v in (value, median, riket) if v is not None]
    low, high = (min(every), max(every)) if every else (0.0, 1.0)
    if high == low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)

    def sx(v: float) -> float:
        return pad + (v - low) / (high - low) * (width - 2 * pad)

    return render_markup(
        "charts/strip_chart.svg.j2",
        chart_id=chart_id,
        title=title,
        width=width,
        height=height,
        pad=pad,
        mid=height / 2,
        c=COLOURS,
        others=[sx(v) for v in values if v is not None],
        median=None if median is None else sx(median),
        riket=None if riket is None else sx(riket),
        region=None if value is None else sx(value),
    )
