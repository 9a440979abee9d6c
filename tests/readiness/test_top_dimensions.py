"""TopDimensions (the policy lens's bulk ranking) ranks exactly as prioritise does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.framework import load_framework
from readiness.prioritisation import TopDimensions, prioritise

SPEC = load_framework(1)
BAND = st.one_of(st.none(), st.integers(0, 5))


@settings(max_examples=300)
@given(bands=st.fixed_dictionaries(dict.fromkeys(SPEC.dimension_keys, BAND)),
       objectives=st.lists(st.sampled_from(SPEC.objective_keys), max_size=3),
       costs=st.dictionaries(st.sampled_from(SPEC.cost_keys), st.integers(0, 100), max_size=6),
       targets=st.dictionaries(st.sampled_from(SPEC.dimension_keys), st.integers(0, 5)),
       weights=st.sampled_from([None, {"gap": 0.4, "kpi": 0.3, "cost": 0.3},
                                {"gap": 1, "kpi": 0, "cost": 0}, {"gap": 0.2, "kpi": 0.5,
                                                                  "cost": 0.3}]),
       limit=st.integers(1, 16))
def test_the_bulk_ranking_is_prioritise_s(bands, objectives, costs, targets, weights, limit):
    ranked = prioritise(SPEC, bands, objectives=objectives, cost_profile=costs, targets=targets,
                        weights=weights)
    expected = tuple(p.dimension for p in ranked if p.impact > 0)[:limit]
    ranker = TopDimensions(SPEC, weights)
    assert ranker.top(bands, objectives=objectives, cost_profile=costs, targets=targets,
                      limit=limit) == expected
    # Asked again (its memo in hand), it answers the same; and so for many firms at once.
    assert ranker.top(bands, objectives=objectives, cost_profile=costs, targets=targets,
                      limit=limit) == expected
    others = dict.fromkeys(SPEC.dimension_keys, 1)
    assert ranker.top_many([(others, [], None, targets), (bands, objectives, costs, targets),
                            (bands, objectives, costs, targets)], limit=limit) == [
        ranker.top(others, targets=targets, limit=limit), expected, expected]
