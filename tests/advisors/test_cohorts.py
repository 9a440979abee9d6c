"""Peer comparison and progress as plain Python, without a database."""

from statistics import median

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisors.cohorts import MIN_COHORT, compare_with_peers, progress_between, size_band

KEYS = ("a", "b", "c")


def test_size_bands_follow_the_usual_sme_limits():
    assert [size_band(n) for n in (1, 9, 10, 49, 50, 249, 250, 5000)] == [
        "micro", "micro", "small", "small", "medium", "medium", "large", "large"]


def test_no_comparison_below_the_minimum_cohort():
    peers = [{"a": 1, "b": 2, "c": 3}] * (MIN_COHORT - 1)
    result = compare_with_peers(KEYS, {"a": 2}, peers, description="x")
    assert result.cohort_size == MIN_COHORT - 1
    assert not result.shown and result.dimensions == []


def test_median_and_quartiles_of_a_cohort():
    bands = (0, 1, 2, 3, 4, 5) * 2
    peers = [{"a": b, "b": None, "c": 5 - b} for b in bands]
    result = compare_with_peers(KEYS, {"a": 4, "b": 1, "c": None}, peers, description="x")
    assert result.shown and result.cohort_size == 12 >= MIN_COHORT
    a, b, c = result.dimensions
    assert a.median == median(bands) == 2.5
    assert a.difference == 4 - 2.5
    # Sorted 0 0 1 1 2 2 3 3 4 4 5 5: linear quartiles at positions 2.75 and 8.25.
    assert (a.lower_quartile, a.upper_quartile) == (1.0, 4.0)
    assert b.median is None and b.answered == 0  # every peer marked it not applicable
    assert c.difference is None  # the firm marked it not applicable


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({k: st.one_of(st.none(), st.integers(0, 5)) for k in KEYS}),
                min_size=MIN_COHORT, max_size=40))
def test_statistics_stay_within_the_band_scale(peers):
    result = compare_with_peers(KEYS, {}, peers, description="x")
    for row in result.dimensions:
        answered = [p[row.dimension] for p in peers if p[row.dimension] is not None]
        assert row.answered == len(answered)
        if row.median is not None:
            assert min(answered) <= row.lower_quartile <= row.median <= row.upper_quartile
            assert row.upper_quartile <= max(answered)


@pytest.mark.parametrize(("before", "after", "delta"), [(1, 3, 2), (4, 2, -2), (None, 3, None),
                                                       (2, None, None), (3, 3, 0)])
def test_progress_deltas(before, after, delta):
    (change,) = progress_between(["a"], {"a": before}, {"a": after})
    assert change.delta == delta
