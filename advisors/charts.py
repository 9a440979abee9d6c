"""Geometry for the analytics charts (server-side SVG, no JavaScript, CSP-safe attributes)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Band colours from light (band 0) to dark (band 5), distinguishable in greyscale too.
BAND_COLOURS = ("#d9e8ee", "#b3d1dc", "#7fb2c5", "#4b93ad", "#1f6f8b", "#0e3f52")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: float
    width: float
    text: str


def bar_chart(items: list[tuple[str, float]], *, width: float = 420, row: float = 22
              ) -> tuple[list[Bar], float]:
    """Horizontal bars scaled to the largest value; returns the bars and the chart height."""
    largest = max((value for _, value in items), default=0) or 1
    bars = [Bar(label, value, i * row, width * value / largest,
                f"{value:g}") for i, (label, value) in enumerate(items)]
    return bars, max(len(items) * row, row)


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    value: float | None
    fill: str
    text: str
    dark: bool


def heatmap(rows: list[tuple[str, list[float | None]]], *, cell_width: float = 86,
            cell_height: float = 26) -> tuple[list[tuple[str, float, list[Cell]]], float]:
    """Cells shaded by score (0..5) for a rows x columns table of averages."""
    out = []
    for r, (label, values) in enumerate(rows):
        cells = []
        for c, value in enumerate(values):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append(Cell(c * cell_width, r * cell_height, None, "#f1f3f5", "–", False))
                continue
            band = min(5, max(0, int(round(value))))
            cells.append(Cell(c * cell_width, r * cell_height, value, BAND_COLOURS[band],
                              f"{value:.1f}", band >= 3))
        out.append((label, r * cell_height, cells))
    return out, max(len(rows) * cell_height, cell_height)
