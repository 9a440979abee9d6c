"""The radar chart of the 16 dimensions (server-side SVG geometry)."""

from __future__ import annotations

import math

import pytest
from django.template.loader import render_to_string

from readiness.charts import CENTRE, RADIUS, radar_chart
from readiness.framework import load_framework
from tests.factories import DIMENSION_KEYS

SPEC = load_framework(1)
BANDS = {key: (None if i % 5 == 4 else i % 6) for i, key in enumerate(DIMENSION_KEYS)}


def test_sixteen_axes_in_framework_order():
    chart = radar_chart(SPEC, BANDS)
    assert len(chart.axes) == 16
    assert [a.key for a in chart.axes] == list(DIMENSION_KEYS)
    assert [a.label for a in chart.axes] == [SPEC.dimensions[k].name for k in DIMENSION_KEYS]


def test_axes_are_evenly_spread_and_full_length():
    chart = radar_chart(SPEC, BANDS)
    for i, axis in enumerate(chart.axes):
        assert math.hypot(axis.x - CENTRE, axis.y - CENTRE) == pytest.approx(RADIUS)
        expected = -math.pi / 2 + 2 * math.pi * i / 16  # clockwise from the top
        assert math.atan2(axis.y - CENTRE, axis.x - CENTRE) == pytest.approx(
            math.atan2(math.sin(expected), math.cos(expected)))


def test_points_sit_at_their_band_and_not_applicable_has_no_point():
    chart = radar_chart(SPEC, BANDS)
    na = [a for a in chart.axes if BANDS[a.key] is None]
    assert len(na) == 3
    for axis in chart.axes:
        band = BANDS[axis.key]
        assert axis.band == band
        if band is None:
            assert axis.point_x is None and axis.point_y is None
        else:
            distance = math.hypot(axis.point_x - CENTRE, axis.point_y - CENTRE)
            assert distance == pytest.approx(RADIUS * band / 5)


def test_description_lists_every_dimension():
    chart = radar_chart(SPEC, BANDS)
    for key in DIMENSION_KEYS:
        name = SPEC.dimensions[key].name
        band = BANDS[key]
        shown = "not applicable" if band is None else f"band {band}"
        assert f"{name}: {shown}" in chart.description


def test_five_rings_and_a_polygon_of_sixteen_points():
    chart = radar_chart(SPEC, BANDS)
    assert [band for band, _ in chart.rings] == [1, 2, 3, 4, 5]
    assert len(chart.polygon.split()) == 16
    assert chart.comparison is None


def test_comparison_line():
    comparison = dict.fromkeys(DIMENSION_KEYS, 2.5)
    chart = radar_chart(SPEC, BANDS, comparison=comparison, comparison_label="Peers")
    assert chart.comparison is not None and len(chart.comparison.split()) == 16
    for axis in chart.axes:
        assert math.hypot(axis.comparison_x - CENTRE, axis.comparison_y - CENTRE) == (
            pytest.approx(RADIUS / 2))


def test_rendered_svg_is_accessible():
    chart = radar_chart(SPEC, BANDS)
    svg = render_to_string("components/radar.svg.html", {"chart": chart})
    assert svg.lstrip().startswith("<svg")
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<line ") == 16
    assert svg.count("<circle ") == 13
    assert "style=" not in svg  # the CSP forbids inline styles
    assert "Vertical Integration" in svg or SPEC.dimensions["vertical_integration"].name in svg


def test_dont_know_is_a_gap_like_not_applicable(spec):
    from readiness.charts import radar_chart

    bands = dict.fromkeys(spec.dimension_keys, 3) | {"facility_intelligence": "unknown",
                                                    "vertical_integration": None}
    chart = radar_chart(spec, bands)
    axes = {a.key: a for a in chart.axes}
    assert axes["facility_intelligence"].point_x is None and axes["facility_intelligence"].unknown
    assert axes["vertical_integration"].point_x is None
    assert not axes["vertical_integration"].unknown
    assert len(chart.wedges) == 16 - 4  # each gap removes the two wedges beside its spoke
    assert len(chart.outline) == 2
    assert "Facility Intelligence: don't know" in chart.description
    assert "Vertical Integration: not applicable" in chart.description
