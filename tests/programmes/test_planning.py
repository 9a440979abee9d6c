"""The planner over plain data: steps, horizons, prerequisites, targets, funding and wording."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programmes.planning import HORIZONS, FundingOffer, build_plan, fund
from programmes.usecases import CostRange, load_usecases
from readiness.prioritisation import prioritise

MADE_SMARTER = FundingOffer("made-smarter", "Made Smarter", ("advice", "grant", "training"),
                            (), 50, Decimal(20000), "GBP")
DIGITAL_JETZT = FundingOffer("digital-jetzt", "Digital Jetzt", ("grant",), (), 50,
                             Decimal(50000), "EUR")
ADVICE_ONLY = FundingOffer("hub", "Growth hub", ("advice",), ())


@pytest.fixture(scope="module")
def library():
    return load_usecases(1)


def _plan(spec, library, bands, *, sector="25", objectives=("productivity",), costs=None,
          offers=(), targets=None, currency="GBP"):
    priorities = prioritise(spec, bands, objectives=list(objectives),
                            cost_profile=costs or {"labour": 60, "materials": 40})
    return build_plan(library, bands=bands, priorities=priorities, sector=sector,
                      currency=currency, offers=offers, targets=targets,
                      dimension_names={k: d.name for k, d in spec.dimensions.items()})


def _steps(plan):
    return [(s.dimension, s.from_band, s.to_band, s.horizon, s.reason) for s in plan.steps]


def test_top_three_priorities_go_one_band_up(spec, library):
    bands = dict.fromkeys(spec.dimension_keys, 2)
    priorities = prioritise(spec, bands, objectives=["productivity"],
                            cost_profile={"labour": 100})
    plan = build_plan(library, bands=bands, priorities=priorities, sector="25", currency="GBP")
    top = [p.dimension for p in priorities[:3]]
    planned = [s.dimension for s in plan.steps if s.reason == "priority"]
    assert sorted(planned) == sorted(top)
    for step in plan.steps:
        assert (step.from_band, step.to_band) == (2, 3)
        assert len(step.projects) >= 2


def test_prerequisites_come_first(spec, library):
    # Intelligence is the first priority, but the firm has no shop-floor connectivity yet.
    bands = dict.fromkeys(spec.dimension_keys, 3)
    bands.update(shop_floor_intelligence=1, shop_floor_connectivity=0)
    plan = _plan(spec, library, bands, objectives=("quality",))
    steps = {(s.dimension, s.from_band): s for s in plan.steps}
    connect = steps[("shop_floor_connectivity", 0)]
    intelligence = steps[("shop_floor_intelligence", 1)]
    assert HORIZONS.index(connect.horizon) < HORIZONS.index(intelligence.horizon)
    assert "Shop Floor Intelligence" in connect.needed_for
    assert plan.steps.index(connect) < plan.steps.index(intelligence)
    dashboard = intelligence.projects[0]
    assert any("Shop Floor Connectivity" in sentence and "first" in sentence
               for sentence in dashboard.prerequisites)


def test_the_firms_own_target_band_sets_the_plan(spec, library):
    bands = dict.fromkeys(spec.dimension_keys, 1)
    plan = _plan(spec, library, bands, targets={"strategy_governance": 3})
    strategy = [s for s in plan.steps if s.dimension == "strategy_governance"]
    assert [(s.from_band, s.to_band) for s in strategy] == [(1, 2), (2, 3)]
    assert HORIZONS.index(strategy[0].horizon) < HORIZONS.index(strategy[1].horizon)

    # A target at or below today's band takes the dimension out of the plan.
    first = _plan(spec, library, bands).steps[0].dimension
    without = _plan(spec, library, bands, targets={first: 1})
    assert first not in [s.dimension for s in without.steps]


def test_not_applicable_and_top_band_are_not_planned(spec, library):
    bands = dict.fromkeys(spec.dimension_keys, 5)
    bands.update(vertical_integration=None, leadership_competency=4)
    plan = _plan(spec, library, bands)
    assert [(s.dimension, s.from_band) for s in plan.steps] == [("leadership_competency", 4)]


def test_net_cost_uses_match_rate_and_cap_in_the_same_currency(library):
    use_case = library.for_step("shop_floor_automation", 1)[0]
    cost = CostRange(30000, 120000, "GBP")
    funding = fund(MADE_SMARTER, use_case, cost)
    # 50% of 30,000 is 15,000; 50% of 120,000 is 60,000, capped at 20,000.
    assert (funding.share, funding.cap) == (0.5, 20000)
    assert funding.net_cost == CostRange(15000, 100000, "GBP")

    abroad = fund(DIGITAL_JETZT, use_case, cost)
    assert abroad.share == 0.5 and abroad.cap_currency == "EUR"
    assert abroad.net_cost is None and "EUR" in abroad.note

    advice = fund(ADVICE_ONLY, use_case, cost)
    assert advice.share is None and advice.net_cost is None and advice.kinds == ("advice",)

    no_cap = fund(FundingOffer("psg", "PSG", ("grant",), (), 50), use_case,
                  CostRange(10000, 40000, "SGD"))
    assert no_cap.net_cost == CostRange(5000, 20000, "SGD")


def test_programmes_fund_only_projects_of_their_kind_and_dimension(spec, library):
    bands = dict.fromkeys(spec.dimension_keys, 1)
    robots_only = FundingOffer("robots", "Robot fund", ("grant",), ("shop_floor_automation",),
                               40)
    plan = _plan(spec, library, bands, offers=[robots_only, ADVICE_ONLY])
    for step in plan.steps:
        for project in step.projects:
            slugs = {f.programme for f in project.funded_by}
            assert ("robots" in slugs) == (step.dimension == "shop_floor_automation"
                                           and "grant" in project.support_kinds)
            assert ("hub" in slugs) == ("advice" in project.support_kinds)


def test_diagnostic_tools_help_only_with_a_diagnostic(spec, library):
    siri = FundingOffer("siri", "SIRI", ("advice", "self_assessment"), ())
    bands = dict.fromkeys(spec.dimension_keys, 1)
    bands["strategy_governance"] = 0
    plan = _plan(spec, library, bands, offers=[siri], targets={"strategy_governance": 1})
    helped = {p.key for s in plan.steps for p in s.projects
              if any(f.programme == "siri" for f in p.funded_by)}
    assert helped == {"sg-01-free-diagnostic"}


def _trade_text(plan) -> str:
    return " ".join(f"{p.title} {p.summary}" for s in plan.steps for p in s.projects).lower()


def test_food_plastics_and_machinery_firms_each_read_their_own_trade(spec, library):
    # The same answers for three trades: shop-floor automation is the first priority.
    bands = dict.fromkeys(spec.dimension_keys, 3)
    bands.update(shop_floor_automation=1, integrated_product_lifecycle=0,
                 shop_floor_connectivity=1)
    kwargs = {"objectives": ("productivity", "quality"),
              "costs": {"labour": 70, "materials": 30}}
    food = _trade_text(_plan(spec, library, bands, sector="10", **kwargs))
    plastics = _trade_text(_plan(spec, library, bands, sector="22", **kwargs))
    machinery = _trade_text(_plan(spec, library, bands, sector="28", **kwargs))

    assert "depositor" in food and "recipe" in food and "sensors on ovens" in food
    assert "cnc" not in food and "lathe" not in food and "moulding" not in food
    assert "moulding" in plastics and "formulation" in plastics
    assert "cnc" not in plastics and "depositor" not in plastics
    assert "cnc" in machinery and "lathes" in machinery and "drawing" in machinery
    assert "depositor" not in machinery and "recipe" not in machinery


def test_plan_json_has_the_design_shape(spec, library):
    bands = dict.fromkeys(spec.dimension_keys, 1)
    plan = _plan(spec, library, bands, offers=[MADE_SMARTER])
    item = plan.as_list()[0]
    assert set(item) >= {"dimension", "from_band", "to_band", "horizon", "projects"}
    assert item["horizon"] in HORIZONS
    project = item["projects"][0]
    assert set(project) >= {"key", "title", "summary", "cost", "effort", "time_to_value",
                            "funded_by"}
    assert set(project["cost"]) == {"low", "high", "currency"}
    funded = [f for p in item["projects"] for f in p["funded_by"]]
    assert funded and set(funded[0]) >= {"programme", "share", "cap", "net_cost"}
