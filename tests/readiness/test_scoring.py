"""Scoring (DESIGN §3) without a database: exact examples and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.framework import load_framework
from readiness.scoring import score
from tests.factories import DESIGN_TABLE, DIMENSION_KEYS

SPEC = load_framework(1)
BLOCKS = {b: [p for bb, p, _ in DESIGN_TABLE if bb == b] for b, _, _ in DESIGN_TABLE}
PILLARS = {p: keys for _, p, keys in DESIGN_TABLE}
PROPERTY = settings(max_examples=200, deadline=None)


def approx(value) -> pytest.approx:
    return pytest.approx(float(value), rel=1e-12, abs=1e-12)


# A hand-worked example: N/A scattered, one pillar entirely N/A.
EXAMPLE = {
    "vertical_integration": 2,
    "horizontal_integration": 3,
    "integrated_product_lifecycle": None,
    "shop_floor_automation": 1,
    "enterprise_automation": 2,
    "facility_automation": 4,
    "shop_floor_connectivity": 0,
    "enterprise_connectivity": None,
    "facility_connectivity": 5,
    "shop_floor_intelligence": None,
    "enterprise_intelligence": None,
    "facility_intelligence": None,
    "workforce_learning_development": 3,
    "leadership_competency": 4,
    "inter_intra_company_collaboration": 2,
    "strategy_governance": 5,
}


def test_hand_computed_pillars():
    result = score(SPEC, EXAMPLE)
    assert result.pillars == {
        "operations": approx(2),
        "supply_chain": approx(3),
        "product_lifecycle": None,  # its only dimension is N/A
        "automation": approx(Fraction(7, 3)),  # (1 + 2 + 4) / 3
        "connectivity": approx(Fraction(5, 2)),  # (0 + 5) / 2, N/A left out
        "intelligence": None,  # all three N/A
        "talent_readiness": approx(Fraction(7, 2)),
        "structure_management": approx(Fraction(7, 2)),
    }


def test_hand_computed_blocks_ignore_pillars_without_score():
    result = score(SPEC, EXAMPLE)
    # process: (2 + 3) / 2, product_lifecycle has no score and is not counted as 0.
    assert result.blocks["process"] == approx(Fraction(5, 2))
    # technology: (7/3 + 5/2) / 2 = 29/12, intelligence has no score.
    assert result.blocks["technology"] == approx(Fraction(29, 12))
    assert result.blocks["organisation"] == approx(Fraction(7, 2))


def test_hand_computed_overall_and_percent():
    result = score(SPEC, EXAMPLE)
    # 11 answered bands summing to 31: overall is their mean, not the mean of blocks or pillars.
    assert result.overall == approx(Fraction(31, 11))
    assert result.percent == approx(Fraction(31, 11) / 5 * 100)
    assert result.overall != approx((Fraction(5, 2) + Fraction(29, 12) + Fraction(7, 2)) / 3)


def test_full_precision_is_kept():
    result = score(SPEC, {"shop_floor_automation": 1, "enterprise_automation": 1,
                          "facility_automation": 2})
    # 4/3 is not rounded to 1.3 in the data.
    assert result.pillars["automation"] == approx(Fraction(4, 3))
    assert result.pillars["automation"] != 1.3
    assert result.percent == approx(Fraction(4, 3) / 5 * 100)


def test_dimension_scores_are_the_bands_and_missing_counts_as_na():
    result = score(SPEC, {"vertical_integration": 5})
    assert result.dimensions["vertical_integration"] == 5
    assert list(result.dimensions) == list(DIMENSION_KEYS)
    assert all(result.dimensions[k] is None for k in DIMENSION_KEYS[1:])
    assert result.overall == 5
    assert result.percent == 100
    assert result.blocks == {"process": 5, "technology": None, "organisation": None}


def test_nothing_answered_has_no_scores():
    result = score(SPEC, dict.fromkeys(DIMENSION_KEYS))
    assert result.overall is None
    assert result.percent is None
    assert set(result.pillars.values()) == {None}
    assert set(result.blocks.values()) == {None}


def test_all_zero_is_zero_not_none():
    result = score(SPEC, dict.fromkeys(DIMENSION_KEYS, 0))
    assert result.overall == 0
    assert result.percent == 0
    assert set(result.pillars.values()) == {0}


def test_as_dict_has_the_api_shape():
    data = score(SPEC, EXAMPLE).as_dict()
    assert set(data) == {"dimensions", "pillars", "blocks", "overall", "percent", "unknown"}
    assert data["dimensions"]["integrated_product_lifecycle"] is None


@pytest.mark.parametrize(
    "answers",
    [
        {"not_a_dimension": 3},
        {"vertical_integration": 6},
        {"vertical_integration": -1},
        {"vertical_integration": True},
        {"vertical_integration": False},
        {"vertical_integration": 2.5},
        {"vertical_integration": "3"},
    ],
    ids=["unknown-key", "band-6", "band-minus-1", "bool-true", "bool-false", "float", "string"],
)
def test_bad_input_raises_value_error(answers):
    with pytest.raises(ValueError):
        score(SPEC, answers)


# --- Properties -------------------------------------------------------------------------------

band_or_na = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
answer_sets = st.dictionaries(st.sampled_from(DIMENSION_KEYS), band_or_na)


def independent_mean(values):
    values = [v for v in values if v is not None]
    return Fraction(sum(values), len(values)) if values else None


@PROPERTY
@given(answer_sets)
def test_scores_stay_within_bands_and_percent_within_0_100(answers):
    result = score(SPEC, answers)
    for value in [*result.pillars.values(), *result.blocks.values(), result.overall]:
        assert value is None or 0 <= value <= 5
    assert result.percent is None or 0 <= result.percent <= 100


@PROPERTY
@given(answer_sets)
def test_overall_is_the_mean_of_answered_bands(answers):
    result = score(SPEC, answers)
    expected = independent_mean(answers.values())
    if expected is None:
        assert result.overall is None and result.percent is None
    else:
        assert result.overall == approx(expected)
        assert result.percent == approx(expected * 20)


@PROPERTY
@given(answer_sets)
def test_pillars_and_blocks_match_an_independent_computation(answers):
    result = score(SPEC, answers)
    pillars = {p: independent_mean(answers.get(k) for k in keys) for p, keys in PILLARS.items()}
    for key, expected in pillars.items():
        assert result.pillars[key] == (None if expected is None else approx(expected))
    for block, pillar_keys in BLOCKS.items():
        expected = independent_mean(pillars[p] for p in pillar_keys)
        assert result.blocks[block] == (None if expected is None else approx(expected))


@PROPERTY
@given(answer_sets, st.data())
def test_adding_a_not_applicable_answer_never_changes_a_mean(answers, data):
    unanswered = [k for k in DIMENSION_KEYS if k not in answers]
    if not unanswered:
        # Replacing "missing" by an explicit N/A for every key is the same thing.
        with_na = dict.fromkeys(DIMENSION_KEYS) | answers
    else:
        extra = data.draw(st.sampled_from(unanswered))
        with_na = {**answers, extra: None}
    before, after = score(SPEC, answers), score(SPEC, with_na)
    assert after.pillars == before.pillars
    assert after.blocks == before.blocks
    assert after.overall == before.overall
    assert after.percent == before.percent


@PROPERTY
@given(answer_sets, st.randoms(use_true_random=False))
def test_answer_order_does_not_matter(answers, rng):
    items = list(answers.items())
    rng.shuffle(items)
    assert score(SPEC, dict(items)) == score(SPEC, answers)


@PROPERTY
@given(st.fixed_dictionaries(dict.fromkeys(DIMENSION_KEYS, band_or_na)), st.data())
def test_swapping_bands_within_a_pillar_keeps_every_aggregate(answers, data):
    permuted = dict(answers)
    for keys in PILLARS.values():
        order = data.draw(st.permutations(keys))
        for source, target in zip(keys, order, strict=True):
            permuted[target] = answers[source]
    before, after = score(SPEC, answers), score(SPEC, permuted)
    for key in PILLARS:
        assert after.pillars[key] == (None if before.pillars[key] is None
                                      else approx(before.pillars[key]))
    for key in BLOCKS:
        assert after.blocks[key] == (None if before.blocks[key] is None
                                     else approx(before.blocks[key]))
    assert after.overall == (None if before.overall is None else approx(before.overall))
