"""Matching as plain Python: hand-made records, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from programmes.matching import (
    BLOCKER_CODES,
    FirmProfile,
    ProgrammeRecord,
    check_eligibility,
    match,
)
from readiness.prioritisation import prioritise
from readiness.scoring import score

DAY = datetime.date(2020, 11, 30)
MANUFACTURING = tuple(f"{n:02d}" for n in range(10, 34))

PILOT = ProgrammeRecord(
    slug="pilot",
    name="Regional pilot",
    country="GB",
    kinds=("advice", "grant"),
    eligible_countries=("GB",),
    eligible_regions=("North West",),
    eligible_sectors=MANUFACTURING,
    max_employees=249,
    max_turnover=Decimal("40000000"),
    max_turnover_currency="GBP",
    dimensions=("shop_floor_automation",),
    min_band=0,
    max_band=3,
    opens_on=datetime.date(2018, 11, 1),
    closes_on=datetime.date(2021, 4, 30),
)
FIRM = FirmProfile(country="GB", region="North West", employees=45, sector="25",
                   turnover=Decimal("3000000"), turnover_currency="GBP")


def codes(profile: FirmProfile, record: ProgrammeRecord = PILOT, day: datetime.date = DAY):
    blockers, _reasons, _conditions = check_eligibility(profile, record, day)
    return [b.code for b in blockers]


def test_a_qualifying_firm_has_no_blockers_and_reasons_in_plain_words():
    blockers, reasons, conditions = check_eligibility(FIRM, PILOT, DAY)
    assert blockers == [] and conditions == []
    assert "You are in the North West, where it runs." in reasons
    assert "You have 45 employees, within its limit of 249." in reasons


@pytest.mark.parametrize(
    ("change", "code", "day"),
    [
        ({"country": "DE", "region": ""}, "country", DAY),
        ({"region": "West Midlands"}, "region", DAY),
        ({"region": ""}, "region", DAY),
        ({"employees": 250}, "size", DAY),
        ({"turnover": Decimal("40000001")}, "turnover", DAY),
        ({"sector": "47"}, "sector", DAY),
        ({}, "closed", datetime.date(2021, 5, 1)),
        ({}, "not_yet_open", datetime.date(2018, 10, 31)),
    ],
)
def test_each_rule_missed_gives_its_own_blocker(change, code, day):
    profile = FirmProfile(**{**FIRM.__dict__, **change})
    assert codes(profile, day=day) == [code]


def test_blocker_codes_are_the_designed_ones():
    assert set(BLOCKER_CODES) == {"country", "region", "size", "turnover", "sector", "closed",
                                  "not_yet_open"}


def test_region_blocker_names_both_regions():
    blockers, _reasons, _conditions = check_eligibility(
        FirmProfile(**{**FIRM.__dict__, "region": "West Midlands"}), PILOT, DAY
    )
    assert blockers[0].message == (
        "Only firms in the North West are eligible; you are in the West Midlands."
    )


def test_regions_match_case_insensitively():
    assert codes(FirmProfile(**{**FIRM.__dict__, "region": "north WEST"})) == []


def test_the_limits_themselves_are_inside():
    at_limit = FirmProfile(**{**FIRM.__dict__, "employees": 249,
                              "turnover": Decimal("40000000")})
    assert codes(at_limit) == []
    assert codes(FIRM, day=PILOT.closes_on) == []
    assert codes(FIRM, day=PILOT.opens_on) == []


def test_turnover_in_another_currency_is_not_compared_and_the_condition_says_so():
    profile = FirmProfile(**{**FIRM.__dict__, "turnover": Decimal("900000000"),
                             "turnover_currency": "EUR"})
    blockers, _reasons, conditions = check_eligibility(profile, PILOT, DAY)
    assert blockers == []
    assert conditions == ["Check that your turnover is at most GBP 40,000,000: yours is in EUR "
                          "and we do not convert currencies."]


def test_either_limit_is_enough_when_the_programme_says_so():
    psg = ProgrammeRecord(slug="psg", name="PSG", country="SG", kinds=("grant",),
                          eligible_countries=("SG",), max_employees=200,
                          max_turnover=Decimal("100000000"), max_turnover_currency="SGD",
                          size_rule="any")
    big_staff_small_turnover = FirmProfile(country="SG", employees=500, sector="25",
                                           turnover=Decimal("5000000"), turnover_currency="SGD")
    small_staff_big_turnover = FirmProfile(country="SG", employees=50, sector="25",
                                           turnover=Decimal("500000000"),
                                           turnover_currency="SGD")
    over_both = FirmProfile(country="SG", employees=500, sector="25",
                            turnover=Decimal("500000000"), turnover_currency="SGD")
    assert codes(big_staff_small_turnover, psg) == []
    assert codes(small_staff_big_turnover, psg) == []
    assert codes(over_both, psg) == ["size", "turnover"]


def test_a_firm_abroad_gets_the_country_blocker_only_not_the_region():
    profile = FirmProfile(country="US", region="OH", employees=45, sector="25")
    assert codes(profile) == ["country"]


def test_minimum_headcount_is_a_size_blocker():
    record = ProgrammeRecord(slug="g", name="G", country="DE", eligible_countries=("DE",),
                             min_employees=3, max_employees=499)
    assert codes(FirmProfile(country="DE", employees=2, sector="25"), record) == ["size"]
    assert codes(FirmProfile(country="DE", employees=3, sector="25"), record) == []


def test_empty_eligibility_means_open_to_all():
    record = ProgrammeRecord(slug="any", name="Any", country="SG")
    assert codes(FirmProfile(country="KR", employees=9000, sector="47"), record) == []


def test_every_programme_is_either_a_match_or_a_near_miss(spec):
    answers = dict.fromkeys(spec.dimension_keys, 1)
    records = [PILOT, ProgrammeRecord(slug="de", name="DE only", country="DE",
                                      eligible_countries=("DE",))]
    result = match(FIRM, score(spec, answers), prioritise(spec, answers), programmes=records,
                   as_of=DAY)
    assert [m.slug for m in result.matches] == ["pilot"]
    assert [n.slug for n in result.near_misses] == ["de"]
    assert result.near_misses_elsewhere[0].slug == "de"


def test_early_stage_firm_ranks_advice_above_an_rnd_competition(spec):
    common = {"country": "GB", "eligible_countries": ("GB",),
              "dimensions": ("shop_floor_automation", "vertical_integration")}
    advice = ProgrammeRecord(slug="advice", name="Advice", kinds=("advice",), max_band=3,
                             **common)
    rnd = ProgrammeRecord(slug="rnd", name="R&D", kinds=("rnd_funding",), min_band=3,
                          **common)
    low = dict.fromkeys(spec.dimension_keys, 0)
    high = dict.fromkeys(spec.dimension_keys, 4)
    ranked_low = match(FIRM, score(spec, low), prioritise(spec, low),
                       programmes=[rnd, advice], as_of=DAY)
    ranked_high = match(FIRM, score(spec, high), prioritise(spec, high),
                        programmes=[advice, rnd], as_of=DAY)
    assert [m.slug for m in ranked_low.matches] == ["advice", "rnd"]
    assert [m.slug for m in ranked_high.matches] == ["rnd", "advice"]
    for result in (ranked_low, ranked_high):
        assert all(0 <= m.relevance <= 1 for m in result.matches)


def test_a_programme_on_the_firms_top_priority_ranks_higher_and_says_why(spec):
    answers = dict.fromkeys(spec.dimension_keys, 3)
    answers["facility_intelligence"] = 0  # the largest gap makes it the first priority
    priorities = prioritise(spec, answers)
    assert priorities[0].dimension == "facility_intelligence"
    on_it = ProgrammeRecord(slug="on", name="On it", country="GB", kinds=("advice",),
                            dimensions=("facility_intelligence",))
    off_it = ProgrammeRecord(slug="off", name="Off it", country="GB", kinds=("advice",),
                             dimensions=("strategy_governance",))
    result = match(FIRM, score(spec, answers), priorities, programmes=[off_it, on_it],
                   as_of=DAY, dimension_names={"facility_intelligence": "Facility Intelligence"})
    assert [m.slug for m in result.matches] == ["on", "off"]
    assert any("Facility Intelligence (your priority 1)" in r for r in result.matches[0].reasons)


def test_as_dict_has_the_api_keys(spec):
    answers = dict.fromkeys(spec.dimension_keys, 2)
    result = match(FIRM, score(spec, answers), prioritise(spec, answers), programmes=[PILOT],
                   as_of=datetime.date(2022, 1, 1))
    body = result.as_dict()
    assert body == {"matches": [], "tools": [], "near_misses": []}  # closed is history
    assert [n.slug for n in result.history] == ["pilot"]
    assert result.history[0].blockers[0].message == (
        "It closed on 30 April 2021, before 1 January 2022."
    )
    early = match(FIRM, score(spec, answers), prioritise(spec, answers), programmes=[PILOT],
                  as_of=datetime.date(2018, 10, 1)).as_dict()
    assert early["near_misses"] == [{
        "programme": "pilot",
        "name": "Regional pilot",
        "blockers": [{"code": "not_yet_open",
                      "message": "It opens on 1 November 2018; as of 1 October 2018 it is not "
                                 "yet open."}],
    }]
