"""Honest matching (issue 12): status and staleness, tools apart, history versus near misses,
relevance not inflated by breadth, conditional matches, country SME rules and regional partners.
Plain Python over hand-made records: no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from programmes.matching import (
    Delivery,
    FirmProfile,
    ProgrammeRecord,
    RegionalStatus,
    Round,
    check_eligibility,
    delivery_for,
    match,
    relevance_of,
    standing,
)
from programmes.sme_rules import SmeRulesError, parse_sme_rules
from readiness.prioritisation import prioritise
from readiness.scoring import score

TODAY = datetime.date(2026, 11, 30)
FRESH = datetime.date(2026, 6, 1)
OLD = datetime.date(2025, 6, 1)  # more than 365 days before TODAY
FIRM = FirmProfile(country="GB", region="North West", employees=45, sector="25")
BASE = {"country": "GB", "eligible_countries": ("GB",), "kinds": ("advice",)}


def run(spec, records, profile=FIRM, day=TODAY, band=1):
    answers = dict.fromkeys(spec.dimension_keys, band)
    return match(profile, score(spec, answers), prioritise(spec, answers), programmes=records,
                 as_of=day)


def only(result):
    (found,) = result.matches + result.tools
    return found


# Status ------------------------------------------------------------------------------------------


def test_a_fresh_open_status_says_when_it_was_confirmed(spec):
    record = ProgrammeRecord(slug="p", name="P", status="open", status_checked_on=FRESH, **BASE)
    found = only(run(spec, [record]))
    assert (found.status, found.status_checked_on, found.stale) == ("open", FRESH, False)
    assert "It was confirmed open on 1 June 2026." in found.reasons
    assert found.status_text == "Open (confirmed on 1 June 2026)"


def test_a_status_checked_over_a_year_ago_is_stale_and_says_last_confirmed(spec):
    record = ProgrammeRecord(slug="p", name="P", status="open", status_checked_on=OLD, **BASE)
    found = only(run(spec, [record]))
    assert found.stale is True and found.status == "open"
    assert any(r.startswith("It was last confirmed open on 1 June 2025, more than a year")
               for r in found.reasons)
    assert found.as_dict()["stale"] is True
    assert found.status_text == "Last confirmed open on 1 June 2025"


def test_exactly_365_days_is_not_yet_stale(spec):
    checked = TODAY - datetime.timedelta(days=365)
    record = ProgrammeRecord(slug="p", name="P", status="open", status_checked_on=checked, **BASE)
    assert only(run(spec, [record])).stale is False
    later = TODAY + datetime.timedelta(days=1)
    assert only(run(spec, [record], day=later)).stale is True


def test_unknown_is_never_described_as_open(spec):
    record = ProgrammeRecord(slug="p", name="P", **BASE)  # status defaults to unknown
    found = only(run(spec, [record]))
    assert (found.status, found.stale) == ("unknown", True)
    assert not any("open" in r.lower() and "confirmed open" in r.lower() for r in found.reasons)
    assert any("Nobody has confirmed from a source that it is running now" in r
               for r in found.reasons)
    assert "open" not in found.status_text.lower()


@pytest.mark.parametrize("status", ["closed", "paused", "suspended"])
def test_a_programme_confirmed_not_running_is_history_not_a_match_or_near_miss(spec, status):
    record = ProgrammeRecord(slug="p", name="P", status=status, status_checked_on=FRESH, **BASE)
    result = run(spec, [record])
    assert result.matches == [] and result.near_misses_here == []
    assert [n.slug for n in result.history] == ["p"]
    assert result.history[0].blockers[0].message == (
        f"It is {status}, as confirmed on 1 June 2026."
    )
    assert result.as_dict()["near_misses"] == []


def test_a_regional_status_overrides_the_national_one_for_that_region_only(spec):
    mep = ProgrammeRecord(
        slug="mep", name="MEP", country="US", eligible_countries=("US",), kinds=("advice",),
        status="open", status_checked_on=FRESH,
        regional_status=(RegionalStatus("OH", "suspended", datetime.date(2025, 12, 5),
                                        "All six Ohio centres suspended"),),
    )
    ohio = FirmProfile(country="US", region="OH", employees=80, sector="22")
    michigan = FirmProfile(country="US", region="MI", employees=80, sector="22")
    in_ohio = run(spec, [mep], profile=ohio)
    assert in_ohio.matches == []
    assert in_ohio.history[0].blockers[0].message == (
        "It is suspended in Ohio, as confirmed on 5 December 2025. All six Ohio centres "
        "suspended."
    )
    assert only(run(spec, [mep], profile=michigan)).status == "open"


def test_a_status_checked_after_as_of_says_nothing_about_that_day(spec):
    # Confirmed closed in 2026, but it ran from 2019 to 2021: in 2020 it was a real match.
    pilot = ProgrammeRecord(slug="pilot", name="Pilot", status="closed",
                            status_checked_on=FRESH, opens_on=datetime.date(2019, 1, 1),
                            closes_on=datetime.date(2021, 4, 30), **BASE)
    then = only(run(spec, [pilot], day=datetime.date(2020, 11, 30)))
    assert then.status == "open" and then.stale is False
    assert any("Its recorded dates show it running on 30 November 2020." in r
               for r in then.reasons)
    assert run(spec, [pilot]).history[0].slug == "pilot"


# Rounds, near misses and history --------------------------------------------------------------


def test_a_round_not_yet_open_is_a_near_miss_and_an_open_round_says_until_when(spec):
    rounds = (Round("Round 1", datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)),
              Round("Round 2", datetime.date(2027, 1, 15), datetime.date(2027, 3, 1)))
    record = ProgrammeRecord(slug="c", name="Competition", status="open",
                             status_checked_on=FRESH, rounds=rounds, **BASE)
    waiting = run(spec, [record])
    assert [n.slug for n in waiting.near_misses_here] == ["c"]
    assert waiting.near_misses_here[0].blockers[0].message == (
        "Its next round, Round 2, opens on 15 January 2027; as of 30 November 2026 no round "
        "is open."
    )
    during = only(run(spec, [record], day=datetime.date(2026, 2, 1)))
    assert "Its round Round 1 is open to applications until 1 March 2026." in during.reasons


def test_after_the_last_round_it_is_history(spec):
    record = ProgrammeRecord(slug="c", name="C", status="open", status_checked_on=FRESH,
                             rounds=(Round("Final", datetime.date(2021, 9, 1),
                                           datetime.date(2022, 1, 26)),), **BASE)
    result = run(spec, [record])
    assert result.near_misses_here == [] and [n.slug for n in result.history] == ["c"]


def test_one_rule_failed_at_home_is_a_near_miss_two_are_not(spec):
    record = ProgrammeRecord(slug="p", name="P", eligible_regions=("North West",),
                             eligible_sectors=("25",), **BASE)
    one = run(spec, [record], profile=FirmProfile(country="GB", region="London",
                                                  employees=45, sector="25"))
    two = run(spec, [record], profile=FirmProfile(country="GB", region="London",
                                                  employees=45, sector="47"))
    assert [n.slug for n in one.near_misses_here] == ["p"]
    assert two.near_misses_here == [] and [n.slug for n in two.ruled_out] == ["p"]


def test_programmes_abroad_are_not_near_misses(spec):
    record = ProgrammeRecord(slug="de", name="DE", country="DE", eligible_countries=("DE",))
    result = run(spec, [record])
    assert result.near_misses_here == [] and result.near_misses_elsewhere[0].slug == "de"
    assert result.as_dict()["near_misses"] == []


# Tools -----------------------------------------------------------------------------------------


def test_a_self_assessment_is_a_tool_not_a_match(spec):
    siri = ProgrammeRecord(slug="siri", name="SIRI", country="SG",
                           kinds=("self_assessment", "advice"), primary_kind="self_assessment")
    advice = ProgrammeRecord(slug="a", name="Advice", **BASE)
    result = run(spec, [siri, advice])
    assert [m.slug for m in result.matches] == ["a"]
    assert [t.slug for t in result.tools] == ["siri"]
    assert [t["programme"] for t in result.as_dict()["tools"]] == ["siri"]
    assert set(result.as_dict()["tools"][0]) >= {"status", "status_checked_on", "stale"}


def test_the_primary_kind_defaults_to_the_first_kind():
    assert ProgrammeRecord(slug="x", name="X", country="SG",
                           kinds=("self_assessment", "advice")).is_tool
    assert not ProgrammeRecord(slug="x", name="X", country="SG",
                               kinds=("advice", "self_assessment")).is_tool


# Relevance -------------------------------------------------------------------------------------


def test_listing_every_dimension_does_not_buy_full_fit(spec):
    answers = dict.fromkeys(spec.dimension_keys, 1)
    scores, priorities = score(spec, answers), prioritise(spec, answers)
    top = [p.dimension for p in priorities[:4]]
    broad = ProgrammeRecord(slug="b", name="Broad", dimensions=tuple(spec.dimension_keys), **BASE)
    focused = ProgrammeRecord(slug="f", name="Focused", dimensions=tuple(top), **BASE)
    broad_relevance, broad_reasons = relevance_of(broad, scores, priorities, {})
    focused_relevance, _ = relevance_of(focused, scores, priorities, {})
    assert focused_relevance > broad_relevance
    assert any("broad rather than aimed at your priorities" in r for r in broad_reasons)


def test_stage_follows_the_primary_kind_not_the_best_of_the_kinds(spec):
    answers = dict.fromkeys(spec.dimension_keys, 1)
    scores, priorities = score(spec, answers), prioritise(spec, answers)
    dims = ("shop_floor_automation",)
    rnd_with_network = ProgrammeRecord(slug="r", name="R&D", kinds=("rnd_funding", "network"),
                                       primary_kind="rnd_funding", dimensions=dims,
                                       country="GB")
    network_first = ProgrammeRecord(slug="n", name="Net", kinds=("rnd_funding", "network"),
                                    primary_kind="network", dimensions=dims, country="GB")
    rnd, rnd_reasons = relevance_of(rnd_with_network, scores, priorities, {})
    net, _ = relevance_of(network_first, scores, priorities, {})
    assert rnd < net
    assert "It mainly offers R&D funding, which helps most at 3 to 5 out of 5; you are at 1.0 " \
           "overall." in rnd_reasons


def test_a_membership_fee_counts_against_a_small_firm(spec):
    answers = dict.fromkeys(spec.dimension_keys, 2)
    scores, priorities = score(spec, answers), prioritise(spec, answers)
    free = ProgrammeRecord(slug="f", name="F", cost_to_firm="free", **BASE)
    member = ProgrammeRecord(slug="m", name="M", cost_to_firm="membership", **BASE)
    small_free, _ = relevance_of(free, scores, priorities, {}, employees=20)
    small_member, reasons = relevance_of(member, scores, priorities, {}, employees=20)
    big_member, _ = relevance_of(member, scores, priorities, {}, employees=500)
    assert small_member == pytest.approx(small_free - 0.1)
    assert big_member == pytest.approx(small_free)
    assert any("membership fee" in r for r in reasons)


# Size: conditional matches and country SME rules ---------------------------------------------

PSG = ProgrammeRecord(slug="psg", name="PSG", country="SG", eligible_countries=("SG",),
                      kinds=("grant",), max_employees=200, max_turnover=Decimal("100000000"),
                      max_turnover_currency="SGD", size_rule="any")


def test_unknown_turnover_with_a_headcount_or_turnover_rule_is_a_condition_not_a_blocker():
    firm = FirmProfile(country="SG", employees=300, sector="26")
    blockers, _reasons, conditions = check_eligibility(firm, PSG, TODAY)
    assert blockers == []
    assert conditions == [
        "Check that your turnover is at most SGD 100,000,000: you did not give it, so we could "
        "not. You have 300 employees, above its limit of 200. Meeting either limit is enough."
    ]


def test_a_conditional_match_is_listed_and_says_what_to_check(spec):
    firm = FirmProfile(country="SG", employees=300, sector="26")
    found = only(run(spec, [PSG], profile=firm))
    assert found.conditional and found.as_dict()["conditions"] == found.conditions


def test_a_known_turnover_over_both_limits_still_blocks():
    firm = FirmProfile(country="SG", employees=300, sector="26", turnover=Decimal("2e8"),
                       turnover_currency="SGD")
    blockers, _reasons, conditions = check_eligibility(firm, PSG, TODAY)
    assert [b.code for b in blockers] == ["size", "turnover"] and conditions == []


RULES = parse_sme_rules({"format": "sme_rules/1", "rules": [
    {"key": "KR", "country": "KR", "description": "a Korean SME by three-year average sales",
     "max_employees": None, "max_turnover": "150000000000", "turnover_currency": "KRW",
     "combine": "all", "sector_overrides": [{"sectors": ["29", "28"],
                                             "max_turnover": "100000000000"}],
     "source": {"title": "Framework Act on SMEs", "url": "https://www.law.go.kr/",
                "read_on": "2026-11-30"}},
    {"key": "SG", "country": "SG", "description": "an SME in Singapore",
     "max_employees": 200, "max_turnover": "100000000", "turnover_currency": "SGD",
     "combine": "any"},
]})


def test_korea_rule_is_by_sales_per_industry_not_headcount():
    factory = ProgrammeRecord(slug="kr", name="Smart factory", country="KR",
                              eligible_countries=("KR",), kinds=("grant",),
                              sme_rule=RULES["KR"])
    big_staff = FirmProfile(country="KR", employees=350, sector="29",
                            turnover=Decimal("90000000000"), turnover_currency="KRW")
    over_sales = FirmProfile(country="KR", employees=60, sector="29",
                             turnover=Decimal("120000000000"), turnover_currency="KRW")
    electrical = FirmProfile(country="KR", employees=60, sector="27",
                             turnover=Decimal("120000000000"), turnover_currency="KRW")
    no_sales = FirmProfile(country="KR", employees=60, sector="29")
    assert check_eligibility(big_staff, factory, TODAY)[0] == []
    (blocker,) = check_eligibility(over_sales, factory, TODAY)[0]
    assert blocker.code == "turnover"
    assert blocker.message == ("It is for SMEs under the KR rule with a turnover of at most "
                               "KRW 100,000,000,000; yours is KRW 120,000,000,000.")
    assert check_eligibility(electrical, factory, TODAY)[0] == []
    blockers, _reasons, conditions = check_eligibility(no_sales, factory, TODAY)
    assert blockers == [] and len(conditions) == 1


def test_singapore_rule_is_headcount_or_turnover():
    grant = ProgrammeRecord(slug="edg", name="EDG", country="SG", eligible_countries=("SG",),
                            kinds=("grant",), sme_rule=RULES["SG"])
    firm = FirmProfile(country="SG", employees=500, sector="26", turnover=Decimal("5e7"),
                       turnover_currency="SGD")
    assert check_eligibility(firm, grant, TODAY)[0] == []


@pytest.mark.parametrize("document", [
    {"format": "sme_rules/2", "rules": []},
    {"format": "sme_rules/1", "rules": [{"country": "KR"}]},
    {"format": "sme_rules/1", "rules": [{"key": "X", "combine": "either"}]},
    {"format": "sme_rules/1", "rules": [{"key": "X", "max_turnover": "lots"}]},
])
def test_a_bad_sme_rules_file_is_refused_with_a_reason(document):
    with pytest.raises(SmeRulesError):
        parse_sme_rules(document)


# Delivery partners ------------------------------------------------------------------------------

ENGLAND = ProgrammeRecord(slug="ms", name="Made Smarter", delivery=(
    Delivery("growth-company", "The Growth Company", ("North West",),
             contact_url="https://example.org/nw"),
    Delivery("london-partners", "London & Partners", ("London",)),
    Delivery("made-smarter", "Made Smarter", ()),
), **BASE)


def test_a_bolton_firm_is_shown_its_north_west_partner_not_londons():
    assert [d.institution for d in delivery_for(ENGLAND, "North West")] == ["growth-company"]
    assert [d.institution for d in delivery_for(ENGLAND, "north west")] == ["growth-company"]


def test_a_region_without_its_own_partner_gets_the_national_one_only():
    assert [d.institution for d in delivery_for(ENGLAND, "Wales")] == ["made-smarter"]
    assert [d.institution for d in delivery_for(ENGLAND, "")] == ["made-smarter"]


def test_a_match_carries_the_firms_contacts(spec):
    ms = ProgrammeRecord(**{**ENGLAND.__dict__, "status": "open", "status_checked_on": FRESH})
    assert [d.name for d in only(run(spec, [ms])).contacts] == ["The Growth Company"]


# Standing (what the re-matching task compares) -------------------------------------------------


def test_standing_changes_when_the_status_changes():
    open_ = ProgrammeRecord(slug="p", name="P", status="open", status_checked_on=FRESH, **BASE)
    suspended = ProgrammeRecord(**{**open_.__dict__, "status": "suspended"})
    assert standing(FIRM, open_, TODAY) == ("It is a programme you qualify for. Open (confirmed "
                                            "on 1 June 2026).")
    assert standing(FIRM, suspended, TODAY) == "It is suspended, as confirmed on 1 June 2026."


def test_a_programme_opening_years_later_is_not_a_near_miss(spec):
    soon = ProgrammeRecord(slug="soon", name="Soon", opens_on=datetime.date(2027, 4, 1), **BASE)
    later = ProgrammeRecord(slug="later", name="Later", opens_on=datetime.date(2030, 1, 1),
                            **BASE)
    result = run(spec, [soon, later])
    assert [n.slug for n in result.near_misses_here] == ["soon"]
    assert [n.slug for n in result.ruled_out] == ["later"]


def test_standing_of_a_firm_the_rules_exclude_ignores_the_status():
    open_ = ProgrammeRecord(slug="p", name="P", status="open", status_checked_on=FRESH,
                            eligible_regions=("North West",), **BASE)
    suspended = ProgrammeRecord(**{**open_.__dict__, "status": "suspended"})
    wales = FirmProfile(country="GB", region="Wales", employees=45, sector="25")
    assert standing(wales, open_, TODAY) == standing(wales, suspended, TODAY)
