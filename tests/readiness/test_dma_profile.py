"""The DMA-style profile (issue 14): every one of our 16 dimensions maps to exactly one of the
DMA's six, and the percentages follow the bands."""

from __future__ import annotations

import pytest

from readiness.dma import DMA_DIMENSIONS, dma_profile
from tests.factories import DIMENSION_KEYS


def test_each_of_our_dimensions_maps_to_exactly_one_dma_dimension():
    mapped = [key for _, keys in DMA_DIMENSIONS for key in keys]
    assert sorted(mapped) == sorted(DIMENSION_KEYS) and len(DMA_DIMENSIONS) == 6


def test_percentages_follow_the_bands_and_leave_out_what_was_not_rated():
    bands = dict.fromkeys(DIMENSION_KEYS, 5) | {"facility_automation": None,
                                                "facility_intelligence": None,
                                                "strategy_governance": 0}
    scores, overall = dma_profile(bands)
    by_name = {s.name: s for s in scores}
    assert by_name["Digital business strategy"].percent == pytest.approx(50.0)
    assert by_name["Digital readiness"].percent == pytest.approx(100.0)
    assert by_name["Green digitalisation"].percent is None
    assert by_name["Green digitalisation"].rated == 0
    assert overall == pytest.approx((50 + 100 * 4) / 5)
