"""Prioritisation (DESIGN §4) without a database: the formula by hand, and its properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.framework import load_framework
from readiness.prioritisation import explain, normalise_weights, prioritise
from tests.factories import DIMENSION_KEYS

SPEC = load_framework(1)
OBJECTIVES = ("productivity", "quality", "flexibility", "speed", "cost", "sustainability",
              "workforce", "safety")
COSTS = ("labour", "materials", "energy", "maintenance", "logistics", "overheads")
PROPERTY = settings(max_examples=200, deadline=None)


def approx(value) -> pytest.approx:
    return pytest.approx(float(value), rel=1e-12, abs=1e-12)


def test_objectives_and_cost_categories_are_the_designs():
    assert SPEC.objective_keys == OBJECTIVES
    assert SPEC.cost_keys == COSTS


# --- The formula on a hand-computed case -------------------------------------------------------
# The relevance values the hand computation uses, as published in the framework's tables.
HAND_TABLE = {
    "vertical_integration": {
        "target": 4, "objectives": {"productivity": 3, "quality": 2},
        "costs": {"labour": 2, "energy": 0, "maintenance": 1}},
    "shop_floor_automation": {
        "target": 4, "objectives": {"productivity": 3, "quality": 3},
        "costs": {"labour": 3, "energy": 1, "maintenance": 1}},
    "facility_intelligence": {
        "target": 3, "objectives": {"productivity": 0, "quality": 0},
        "costs": {"labour": 0, "energy": 3, "maintenance": 2}},
}
HAND_BANDS = {"vertical_integration": 1, "shop_floor_automation": 2, "facility_intelligence": 3}
HAND_OBJECTIVES = ["productivity", "quality"]
HAND_COSTS = {"labour": 50, "energy": 30, "maintenance": 20}
# gap = (target - band) / 5; kpi = sum(relevance) / (2 objectives * 3);
# cost = sum(share * relevance / 3); impact = 0.4 gap + 0.3 kpi + 0.3 cost.
HAND_EXPECTED = {
    # gap 3/5; kpi 5/6; cost (0.5*2 + 0.3*0 + 0.2*1)/3 = 0.4; impact 0.24 + 0.25 + 0.12
    "vertical_integration": (Fraction(3, 5), Fraction(5, 6), Fraction(2, 5), Fraction(61, 100)),
    # gap 2/5; kpi 1; cost (0.5*3 + 0.3*1 + 0.2*1)/3 = 2/3; impact 0.16 + 0.30 + 0.20
    "shop_floor_automation": (Fraction(2, 5), Fraction(1), Fraction(2, 3), Fraction(66, 100)),
    # gap 0; kpi 0; cost (0 + 0.3*3 + 0.2*2)/3 = 13/30; impact 0.13
    "facility_intelligence": (Fraction(0), Fraction(0), Fraction(13, 30), Fraction(13, 100)),
}


def test_hand_case_uses_the_published_tables():
    for key, row in HAND_TABLE.items():
        dim = SPEC.dimensions[key]
        assert dim.default_target == row["target"]
        for objective, relevance in row["objectives"].items():
            assert dim.objective_relevance[objective] == relevance
        for category, relevance in row["costs"].items():
            assert dim.cost_relevance[category] == relevance


def test_formula_on_hand_computed_case():
    priorities = prioritise(SPEC, HAND_BANDS, objectives=HAND_OBJECTIVES, cost_profile=HAND_COSTS)
    assert [p.dimension for p in priorities] == [
        "shop_floor_automation", "vertical_integration", "facility_intelligence"]
    assert [p.rank for p in priorities] == [1, 2, 3]
    for p in priorities:
        gap, kpi, cost, impact = HAND_EXPECTED[p.dimension]
        assert p.components.gap == approx(gap), p.dimension
        assert p.components.kpi == approx(kpi), p.dimension
        assert p.components.cost == approx(cost), p.dimension
        assert p.impact == approx(impact), p.dimension
        assert p.band == HAND_BANDS[p.dimension]
        assert p.target == HAND_TABLE[p.dimension]["target"]


def test_as_dict_has_the_api_shape():
    first = prioritise(SPEC, HAND_BANDS, objectives=HAND_OBJECTIVES,
                       cost_profile=HAND_COSTS)[0].as_dict()
    assert first == {
        "dimension": "shop_floor_automation", "rank": 1, "impact": approx(Fraction(66, 100)),
        "components": {"gap": approx(Fraction(2, 5)), "kpi": approx(1),
                       "cost": approx(Fraction(2, 3))},
    }


def test_targets_override_the_defaults():
    [p] = prioritise(SPEC, {"vertical_integration": 1}, targets={"vertical_integration": 5})
    assert p.target == 5
    assert p.components.gap == approx(Fraction(4, 5))
    assert p.impact == approx(Fraction(4, 10) * Fraction(4, 5))


def test_band_above_target_has_no_gap():
    [p] = prioritise(SPEC, {"vertical_integration": 5}, targets={"vertical_integration": 3})
    assert p.components.gap == 0
    assert p.impact == 0


def test_not_applicable_dimensions_are_not_prioritised():
    bands = dict.fromkeys(DIMENSION_KEYS, 1) | {"vertical_integration": None,
                                                "facility_automation": None}
    keys = [p.dimension for p in prioritise(SPEC, bands, objectives=["quality"])]
    assert len(keys) == 14
    assert "vertical_integration" not in keys
    assert "facility_automation" not in keys


def test_nothing_answered_gives_no_priorities():
    assert prioritise(SPEC, dict.fromkeys(DIMENSION_KEYS)) == []


def test_no_objectives_means_kpi_zero():
    priorities = prioritise(SPEC, dict.fromkeys(DIMENSION_KEYS, 2), cost_profile=HAND_COSTS)
    assert {p.components.kpi for p in priorities} == {0}


def test_no_cost_profile_means_cost_zero():
    for profile in (None, {}, dict.fromkeys(COSTS, 0)):
        priorities = prioritise(SPEC, dict.fromkeys(DIMENSION_KEYS, 2), cost_profile=profile)
        assert {p.components.cost for p in priorities} == {0}


def test_cost_shares_as_percentages_or_fractions_give_the_same_result():
    bands = dict.fromkeys(DIMENSION_KEYS, 1)
    percent = prioritise(SPEC, bands, objectives=["speed"],
                         cost_profile={"labour": 40, "materials": 35, "energy": 25})
    fraction = prioritise(SPEC, bands, objectives=["speed"],
                          cost_profile={"labour": 0.40, "materials": 0.35, "energy": 0.25})
    assert [p.dimension for p in percent] == [p.dimension for p in fraction]
    for a, b in zip(percent, fraction, strict=True):
        assert a.impact == approx(b.impact)
        assert a.components.cost == approx(b.components.cost)


def test_weights_are_normalised():
    assert normalise_weights({"gap": 4, "kpi": 3, "cost": 3}) == {
        "gap": approx(0.4), "kpi": approx(0.3), "cost": approx(0.3)}
    assert normalise_weights({"gap": 1, "kpi": 1, "cost": 2}) == {
        "gap": approx(0.25), "kpi": approx(0.25), "cost": approx(0.5)}
    assert normalise_weights(None) == {"gap": 0.4, "kpi": 0.3, "cost": 0.3}
    assert sum(normalise_weights({"gap": 7, "kpi": 11, "cost": 13}).values()) == approx(1)


def test_scaled_weights_give_the_same_priorities():
    kwargs = {"objectives": HAND_OBJECTIVES, "cost_profile": HAND_COSTS}
    default = prioritise(SPEC, HAND_BANDS, **kwargs)
    scaled = prioritise(SPEC, HAND_BANDS, weights={"gap": 40, "kpi": 30, "cost": 30}, **kwargs)
    assert [(p.dimension, approx(p.impact)) for p in default] == [
        (p.dimension, p.impact) for p in scaled]


def test_gap_only_weights_make_impact_the_gap():
    priorities = prioritise(SPEC, HAND_BANDS, objectives=HAND_OBJECTIVES, cost_profile=HAND_COSTS,
                            weights={"gap": 2, "kpi": 0, "cost": 0})
    for p in priorities:
        assert p.impact == approx(HAND_EXPECTED[p.dimension][0])


def test_negative_weights_are_refused():
    with pytest.raises(ValueError):
        normalise_weights({"gap": -1, "kpi": 1, "cost": 1})


def test_unknown_objective_raises():
    with pytest.raises(ValueError, match="growth"):
        prioritise(SPEC, HAND_BANDS, objectives=["growth"])


def test_unknown_cost_category_raises():
    with pytest.raises(ValueError, match="rent"):
        prioritise(SPEC, HAND_BANDS, cost_profile={"rent": 100})


def test_ties_keep_the_framework_order():
    # Same band, no objectives, no costs, same target: equal impacts.
    bands = dict.fromkeys(DIMENSION_KEYS, 0)
    targets = dict.fromkeys(DIMENSION_KEYS, 4)
    priorities = prioritise(SPEC, bands, targets=targets)
    assert [p.dimension for p in priorities] == list(DIMENSION_KEYS)


# --- explain() --------------------------------------------------------------------------------


def test_explain_mentions_band_and_target():
    priorities = prioritise(SPEC, HAND_BANDS, objectives=HAND_OBJECTIVES, cost_profile=HAND_COSTS)
    for p in priorities:
        sentences = explain(SPEC, p)
        assert sentences and all(s.strip().endswith(".") for s in sentences)
        first = sentences[0]
        assert f"band {p.band}" in first
        assert f"band {p.target}" in first


def test_explain_names_the_objectives_and_costs_that_drive_it():
    [p] = prioritise(SPEC, {"shop_floor_automation": 2}, objectives=["productivity"],
                     cost_profile={"labour": 100})
    text = " ".join(explain(SPEC, p)).lower()
    assert "productivity" in text
    assert "labour" in text
    assert "2 bands higher" in text  # band 2, reference 4


def test_explain_says_when_there_is_no_gap():
    [p] = prioritise(SPEC, {"vertical_integration": 5})
    text = " ".join(explain(SPEC, p))
    assert "band 5" in text and "band 4" in text
    assert "gap adds nothing" in text


# --- Properties -------------------------------------------------------------------------------

bands_strategy = st.dictionaries(
    st.sampled_from(DIMENSION_KEYS), st.one_of(st.none(), st.integers(0, 5)))
objectives_strategy = st.lists(st.sampled_from(OBJECTIVES), max_size=3, unique=True)
costs_strategy = st.dictionaries(st.sampled_from(COSTS), st.integers(0, 100))
targets_strategy = st.dictionaries(st.sampled_from(DIMENSION_KEYS), st.integers(0, 5))
weights_strategy = st.one_of(
    st.none(),
    st.fixed_dictionaries({k: st.floats(0, 10, allow_nan=False) for k in ("gap", "kpi", "cost")}),
)


@PROPERTY
@given(bands_strategy, objectives_strategy, costs_strategy, targets_strategy, weights_strategy)
def test_priority_properties(bands, objectives, costs, targets, weights):
    priorities = prioritise(SPEC, bands, objectives=objectives, cost_profile=costs,
                            targets=targets, weights=weights)
    answered = {k for k, b in bands.items() if b is not None}
    assert {p.dimension for p in priorities} == answered
    assert len(priorities) == len(answered)
    assert [p.rank for p in priorities] == list(range(1, len(priorities) + 1))
    impacts = [p.impact for p in priorities]
    assert all(a >= b for a, b in zip(impacts, impacts[1:], strict=False))
    w = normalise_weights(weights)
    assert sum(w.values()) == approx(1)
    for p in priorities:
        c = p.components
        assert 0 <= c.gap <= 1 and 0 <= c.kpi <= 1 and 0 <= c.cost <= 1
        assert 0 <= p.impact <= 1 + 1e-12
        assert p.impact == approx(w["gap"] * c.gap + w["kpi"] * c.kpi + w["cost"] * c.cost)
        target = targets.get(p.dimension, SPEC.dimensions[p.dimension].default_target)
        assert c.gap == approx(Fraction(max(target - bands[p.dimension], 0), 5))
        if not objectives:
            assert c.kpi == 0
        if not any(costs.values()):
            assert c.cost == 0


@PROPERTY
@given(bands_strategy, objectives_strategy, costs_strategy)
def test_explain_always_mentions_band_and_target(bands, objectives, costs):
    for p in prioritise(SPEC, bands, objectives=objectives, cost_profile=costs):
        first = explain(SPEC, p)[0]
        assert f"band {p.band}" in first and f"band {p.target}" in first
