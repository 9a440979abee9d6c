"""A radar (spider) chart of the 16 dimensions as plain geometry for an SVG template.

One component for the results page and the PDF report: no JavaScript, real text, and presentation
through attributes and classes only (the site's CSP forbids inline styles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from readiness.framework import FrameworkSpec

SIZE = 640
CENTRE = SIZE / 2
RADIUS = 235
MAX_BAND = 5


@dataclass(frozen=True)
class Axis:
    key: str
    label: str
    band: int | None
    x: float  # outer end of the axis
    y: float
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor
    point_x: float | None  # the firm's band on this axis (None: not applicable)
    point_y: float | None
    comparison_x: float | None = None
    comparison_y: float | None = None
    lines: tuple[str, ...] = ()
    unknown: bool = False  # "don't know": a gap like "not applicable", labelled apart
    number: int = 0  # the spoke's number: a phone's chart labels spokes by number (a legend
    number_x: float = 0.0  # names them), as 16 names at 390 px would be 4 px text
    number_y: float = 0.0


@dataclass(frozen=True)
class RadarChart:
    size: int
    centre: float
    axes: tuple[Axis, ...]
    rings: tuple[tuple[int, str], ...]  # (band, polygon points)
    polygon: str  # the firm's profile as one closed shape (N/A at the centre); kept for callers
    comparison: str | None
    comparison_label: str | None
    description: str
    # What the chart draws: the profile as wedges between neighbouring answered axes and its
    # outline as runs of answered axes, so a "not applicable" dimension is a gap, not a 0
    # (user trial D8).
    wedges: tuple[str, ...] = ()
    outline: tuple[str, ...] = ()
    comparison_outline: tuple[str, ...] = ()

    @property
    def view_box(self) -> str:
        return f"{-PAD} 0 {self.size + 2 * PAD} {self.size}"

    @property
    def phone_view_box(self) -> str:
        side = self.size - 2 * PHONE_CROP
        return f"{PHONE_CROP} {PHONE_CROP} {side} {side}"

    @property
    def ring_labels(self) -> list[tuple[int, float]]:
        return [(band, self.centre - RADIUS * band / MAX_BAND) for band, _ in self.rings]


PAD = 170  # room left and right of the circle for the axis labels
PHONE_CROP = 30  # the phone's chart has numbers, not names, round the circle: less margin


def _wrap(label: str, width: int = 18) -> tuple[str, ...]:
    """Split a label into at most two lines near ``width`` characters."""
    if len(label) <= width:
        return (label,)
    words = label.split()
    first: list[str] = []
    while words and len(" ".join([*first, words[0]])) <= width:
        first.append(words.pop(0))
    if not first:
        first.append(words.pop(0))
    return (" ".join(first), " ".join(words)) if words else (" ".join(first),)


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / MAX_BAND
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _points(values: list[float], count: int) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in
                    (_point(i, count, v) for i, v in enumerate(values)))


def _runs(values: list[float | None]) -> tuple[str, ...]:
    """Polylines through consecutive axes that have a value, wrapping round the circle."""
    count = len(values)
    if all(v is not None for v in values):
        closed = [*range(count), 0]
        return (" ".join(_fmt(_point(i, count, values[i])) for i in closed),) if count else ()
    start = next(i for i, v in enumerate(values) if v is None)
    runs: list[list[int]] = [[]]
    for offset in range(1, count + 1):
        i = (start + offset) % count
        if values[i] is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return tuple(" ".join(_fmt(_point(i, count, values[i])) for i in run)  # type: ignore[arg-type]
                 for run in runs if run)


def _wedges(values: list[float | None]) -> tuple[str, ...]:
    count = len(values)
    wedges = []
    for i in range(count):
        j = (i + 1) % count
        if values[i] is not None and values[j] is not None:
            wedges.append(f"{CENTRE:.1f},{CENTRE:.1f} {_fmt(_point(i, count, values[i]))} "
                          f"{_fmt(_point(j, count, values[j]))}")
    return tuple(wedges)


def _fmt(point: tuple[float, float]) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def _state(band: int | None, unknown: bool) -> str:
    if band is not None:
        return f"band {band}"
    return "don't know" if unknown else "not applicable"


def radar_chart(
    spec: FrameworkSpec,
    bands: Mapping[str, int | str | None],
    *,
    comparison: Mapping[str, float | None] | None = None,
    comparison_label: str | None = None,
) -> RadarChart:
    keys = spec.dimension_keys
    # Only a band is drawn: "not applicable" (None) and "don't know" ("unknown") leave a gap on
    # their spoke, never a point at 0 (user trial D8).
    unknown = {k for k in keys if bands.get(k) == "unknown"}
    bands = {k: v for k in keys
             if isinstance(v := bands.get(k), int) and not isinstance(v, bool)}
    count = len(keys)
    axes = []
    for i, key in enumerate(keys):
        x, y = _point(i, count, MAX_BAND)
        lx, ly = _point(i, count, MAX_BAND + 0.4)
        dx = lx - CENTRE
        anchor = "middle" if abs(dx) < 20 else ("start" if dx > 0 else "end")
        band = bands.get(key)
        px, py = _point(i, count, band) if band is not None else (None, None)
        cx = cy = None
        if comparison is not None and (compared := comparison.get(key)) is not None:
            cx, cy = _point(i, count, float(compared))
        name = spec.dimensions[key].name
        nx, ny = _point(i, count, MAX_BAND + 0.55)
        axes.append(Axis(key, name, band, x, y, lx, ly, anchor, px, py, cx, cy,
                         _wrap(name), key in unknown, i + 1, nx, ny))
    rings = tuple((band, _points([band] * count, count)) for band in range(1, MAX_BAND + 1))
    polygon = _points([float(bands.get(k) or 0) for k in keys], count)
    comparison_points = (
        _points([float(comparison.get(k) or 0) for k in keys], count) if comparison else None
    )
    description = "; ".join(
        f"{spec.dimensions[k].name}: "
        f"{_state(bands.get(k), k in unknown)}" for k in keys
    )
    values = [None if bands.get(k) is None else float(bands[k]) for k in keys]
    before = ([None if comparison.get(k) is None else float(comparison[k]) for k in keys]
              if comparison else None)
    return RadarChart(SIZE, CENTRE, tuple(axes), rings, polygon, comparison_points,
                      comparison_label, description, wedges=_wedges(values),
                      outline=_runs(values),
                      comparison_outline=_runs(before) if before else ())
