"""The use-case library: the shipped fixture obeys its rules, and the loader enforces them."""

from __future__ import annotations

import copy
import json

import pytest

from programmes.usecases import (
    CURRENCIES,
    STEPS,
    UseCaseError,
    currency_for,
    fixture_path,
    load_usecases,
    parse_library,
    round_significant,
)


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(fixture_path(1).read_text("utf-8"))


def test_every_dimension_and_step_has_two_projects(spec):
    library = load_usecases(1)
    for dimension in spec.dimension_keys:
        for step in STEPS:
            projects = library.for_step(dimension, step)
            assert len(projects) >= 2, (dimension, step)
            assert len({p.title for p in projects}) == len(projects)


def test_every_project_has_a_cost_in_each_currency_with_its_basis():
    library = load_usecases(1)
    for use_case in library.use_cases:
        assert library.cost_bases[use_case.cost_basis]
        for currency in CURRENCIES:
            cost = library.cost(use_case, currency)
            assert cost.currency == currency
            assert 0 <= cost.low <= cost.high
    sensor = next(u for u in library.use_cases if u.key == "sfc-12-retrofit-sensors")
    assert library.cost(sensor, "GBP").as_dict() == {"low": 3000, "high": 15000,
                                                     "currency": "GBP"}
    # 3,000 GBP at the library's rates (EUR 0.82608 / KRW 1519.92 per EUR) is 5.5 million KRW.
    assert library.cost(sensor, "KRW").low == 5_500_000


def test_intelligence_needs_connectivity():
    library = load_usecases(1)
    dashboard = library.for_step("shop_floor_intelligence", 1)
    assert any(p.dimension == "shop_floor_connectivity" for u in dashboard
               for p in u.prerequisites)


def test_food_wording_talks_about_food_not_lathes():
    library = load_usecases(1)
    family = library.family_of("10")
    assert family == "food_drink"
    texts = " ".join(" ".join(u.wording(family)) for u in library.use_cases
                     if u.dimension == "shop_floor_automation").lower()
    assert "depositor" in texts and "oven" in texts
    assert "lathe" not in texts and "cnc" not in texts
    metal = " ".join(" ".join(u.wording(library.family_of("28"))) for u in library.use_cases
                     if u.dimension == "shop_floor_automation").lower()
    assert "cnc" in metal
    assert library.family_of("47") is None


def test_a_missing_step_is_refused(raw, spec):
    data = copy.deepcopy(raw)
    data["use_cases"] = [u for u in data["use_cases"]
                         if not (u["dimension"] == "facility_automation" and u["from_band"] == 2)]
    with pytest.raises(UseCaseError, match="facility_automation 2->3"):
        parse_library(data, spec.dimension_keys)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("effort", "huge", "effort must be one of"),
    ("time_to_value", "soon", "time to value"),
    ("support_kinds", ["cash"], "support kinds"),
    ("cost", {"GBP": [500, 100], "basis": "estimate"}, "low <= high"),
    ("cost", {"GBP": [100, 500], "basis": "guess"}, "cost basis"),
    ("prerequisites", [{"dimension": "vertical_integration", "band": 2}], "its own dimension"),
    ("sector_wording", {"bakeries": {"title": "t", "summary": "s"}}, "unknown sector family"),
])
def test_bad_use_cases_are_named(raw, spec, field, value, message):
    data = copy.deepcopy(raw)
    data["use_cases"][0][field] = value
    with pytest.raises(UseCaseError, match=message) as error:
        parse_library(data, spec.dimension_keys)
    assert data["use_cases"][0]["key"] in str(error.value)


def test_rounding_and_currency_choice():
    assert round_significant(4567) == 4600
    assert round_significant(123456789) == 120_000_000
    assert round_significant(0) == 0
    assert currency_for("GB") == "GBP"
    assert currency_for("DE") == "EUR"
    assert currency_for("FR") == "EUR"
    assert currency_for("TW") == "TWD"
    assert currency_for("JP", "USD") == "USD"
    assert currency_for("CH", "CHF") == "USD"


def test_band_descriptions_in_the_words_of_each_trade(spec):
    library = load_usecases(1)
    food = library.band_description("shop_floor_automation", 3, "food_drink")
    assert "oven" in food and "CNC" not in food
    assert "CNC" in spec.dimensions["shop_floor_automation"].bands[3].description
    plastics = library.band_description("shop_floor_automation", 2, library.family_of("22"))
    assert "moulding" in plastics
    assert "recipe" in library.band_description("integrated_product_lifecycle", 0, "food_drink")
    # Where no sector text is needed, the framework's own description stands.
    assert library.band_description("strategy_governance", 2, "food_drink") is None
    assert library.band_description("shop_floor_automation", 3, None) is None


def test_bad_band_wording_is_refused(raw, spec):
    data = copy.deepcopy(raw)
    data["band_wording"]["food_drink"]["shop_floor_automation"]["7"] = "Beyond the scale."
    with pytest.raises(UseCaseError, match="bands are 0 to 5"):
        parse_library(data, spec.dimension_keys)
