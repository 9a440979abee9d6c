"""The policy lens's computations (advisors.policy), over plain data: no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from advisors.policy import (
    FRESHNESS_BUCKETS,
    PolicyFirm,
    StatusCheck,
    Thresholds,
    blocker_decomposition,
    blockers_frame,
    coverage_frame,
    coverage_over_time,
    data_freshness,
    firm_classes,
    gap_frames,
    months_between,
    need_offer_gap,
    offer_state,
    policy_transfer,
    record_on,
    transfer_frame,
)
from programmes.matching import FirmProfile, ProgrammeRecord, check_eligibility
from programmes.sme_rules import SectorLimit, SmeRule
from readiness.prioritisation import TopDimensions

DAY = datetime.date(2026, 11, 30)


def firm(n: int, *, country: str = "GB", region: str = "North West", employees: int = 20,
         sector: str = "25", top: tuple[str, ...] = ()) -> PolicyFirm:
    return PolicyFirm(n, FirmProfile(country=country, region=region, employees=employees,
                                     sector=sector), top)


def many(count: int, start: int = 0, **kwargs) -> list[PolicyFirm]:
    return [firm(start + i, **kwargs) for i in range(count)]


def programme(slug: str, **kwargs) -> ProgrammeRecord:
    defaults = {"name": slug.title(), "country": "GB", "eligible_countries": ("GB",),
                "kinds": ("advice",), "status": "open",
                "status_checked_on": datetime.date(2026, 6, 1)}
    return ProgrammeRecord(slug=slug, **{**defaults, **kwargs})


# Folding firms into classes changes no eligibility ---------------------------------------------

KR_RULE = SmeRule(key="KR", country="KR", description="Korean SME", max_employees=300,
                  max_turnover=Decimal("150000000000"), turnover_currency="KRW",
                  sector_overrides=(SectorLimit(("10",), max_turnover=Decimal("100000000000")),))
RECORDS = (
    programme("small", max_employees=49, max_turnover=Decimal("10000000"),
              max_turnover_currency="GBP"),
    programme("either", max_employees=249, max_turnover=Decimal("44000000"),
              max_turnover_currency="GBP", size_rule="any"),
    programme("larger", min_employees=10, max_employees=500),
    programme("korea", country="KR", eligible_countries=("KR",), sme_rule=KR_RULE),
    programme("eu", eligible_countries=(), max_turnover=Decimal("50000000"),
              max_turnover_currency="EUR"),
)


@given(employees=st.integers(1, 2000),
       turnover=st.one_of(st.none(), st.decimals(0, Decimal("2E11"), places=2)),
       currency=st.sampled_from(["GBP", "EUR", "KRW", "USD", "gbp", ""]),
       country=st.sampled_from(["GB", "KR", "DE"]), sector=st.sampled_from(["10", "25", "47"]))
def test_a_canonical_profile_meets_and_fails_exactly_the_rules_the_firm_does(
        employees, turnover, currency, country, sector):
    profile = FirmProfile(country=country, employees=employees, sector=sector,
                          turnover=turnover, turnover_currency=currency if turnover else "")
    canonical = Thresholds.of(RECORDS).canonical(profile)
    for record in RECORDS:
        real = check_eligibility(profile, record, DAY)
        folded = check_eligibility(canonical, record, DAY)
        assert [b.code for b in real[0]] == [b.code for b in folded[0]], record.slug
        assert bool(real[2]) == bool(folded[2]), record.slug


def test_firms_differing_only_between_limits_share_one_class():
    classes = firm_classes([firm(1, employees=12), firm(2, employees=30), firm(3, employees=60)],
                           RECORDS, day=DAY)
    sizes = sorted(c.size for c in classes)
    assert sizes == [1, 2]  # 12 and 30 lie between the limits 10 and 49; 60 is above 49


# The status in force on a day ------------------------------------------------------------------


def test_the_status_of_a_month_is_the_latest_check_on_or_before_it():
    record = programme("hub", status="closed", status_checked_on=datetime.date(2024, 3, 1))
    checks = [StatusCheck("open", datetime.date(2021, 5, 1)),
              StatusCheck("closed", datetime.date(2024, 3, 1))]
    assert record_on(record, checks, datetime.date(2022, 1, 1)).status == "open"
    assert offer_state(record_on(record, checks, datetime.date(2022, 1, 1)), "GB", "", 
                       datetime.date(2022, 1, 1)) == "open"
    # More than a year after the check that said open: stale, so unknown, never open.
    assert offer_state(record_on(record, checks, datetime.date(2023, 1, 1)), "GB", "",
                       datetime.date(2023, 1, 1)) == "unknown"
    assert offer_state(record_on(record, checks, datetime.date(2024, 6, 1)), "GB", "",
                       datetime.date(2024, 6, 1)) == "none"
    # Before any check: the recorded dates decide, and with none the status is unknown.
    assert offer_state(record_on(record, checks, datetime.date(2020, 1, 1)), "GB", "",
                       datetime.date(2020, 1, 1)) == "unknown"


# Coverage over time ----------------------------------------------------------------------------


def test_coverage_counts_open_offers_by_region_and_month_and_unknown_apart():
    pilot = programme("pilot", eligible_regions=("North West",), opens_on=datetime.date(2019, 4, 1),
                      status_checked_on=datetime.date(2025, 6, 1))
    unchecked = programme("unchecked", kinds=("training",), status="unknown",
                          status_checked_on=None)
    firms = many(12) + many(11, 100, region="London") + many(4, 200, region="Scotland")
    classes = firm_classes(firms, [pilot, unchecked], day=DAY)
    months = [datetime.date(2019, 1, 1), datetime.date(2019, 6, 1), datetime.date(2025, 7, 1),
              DAY]
    cells = {(c.month, c.region, c.kind): c
             for c in coverage_over_time(classes, [pilot, unchecked], {}, months)}

    def advice(month, region):
        cell = cells[(month, region, "advice")]
        return cell.open, cell.unknown

    assert advice(months[0], "North West") == (0, 0)  # not yet open
    assert advice(months[1], "North West") == (12, 0)  # running by its dates before the check
    assert advice(months[2], "North West") == (12, 0)  # confirmed open
    assert advice(months[3], "North West") == (0, 12)  # the check is over a year old
    assert advice(months[2], "London") == (0, 0)
    training = cells[(months[2], "London", "training")]
    assert (training.open, training.unknown) == (0, 11)  # never counted as open
    frame = coverage_frame(cells.values())
    scotland = frame[frame["region"] == "Scotland"]
    assert scotland["suppressed"].all() and scotland["firms"].isna().all()
    assert scotland["with_open_offer"].isna().all()
    shown = frame[(frame["region"] == "North West") & (frame["month"] == "2025-07")
                  & (frame["kind"] == "advice")].iloc[0]
    assert shown["share_with_open_offer"] == 1.0 and not shown["suppressed"]


def test_months_run_from_the_first_month_to_the_day():
    months = months_between(datetime.date(2018, 1, 1), datetime.date(2018, 3, 15))
    assert months == [datetime.date(2018, 1, 1), datetime.date(2018, 2, 1),
                      datetime.date(2018, 3, 15)]
    assert months_between(datetime.date(2018, 1, 1), datetime.date(2018, 1, 1)) == [
        datetime.date(2018, 1, 1)]


# Blocker decomposition -------------------------------------------------------------------------


def test_blockers_count_firms_blocked_by_one_rule_alone():
    hub = programme("hub", eligible_regions=("North West",), max_employees=49,
                    eligible_sectors=("25",))
    firms = (many(10, 0) + many(10, 100, region="London")
             + many(10, 200, employees=100) + many(10, 300, sector="10")
             + many(10, 400, region="London", employees=100)
             + many(10, 500, country="US", region="OH"))
    rows = blocker_decomposition(firm_classes(firms, [hub], day=DAY), [hub], day=DAY)
    (row,) = rows
    assert row.firms == 50  # the American firms are not in its country
    assert row.eligible == 10
    assert row.only == {"region": 10, "size": 10, "sector": 10, "dates": 0}
    assert row.several == 10

    closed = programme("closed", status="closed", status_checked_on=datetime.date(2026, 1, 1))
    (gone,) = blocker_decomposition(firm_classes(firms, [closed], day=DAY), [closed], day=DAY)
    assert gone.only["dates"] == 50 and gone.eligible == 0


def test_a_programme_seen_by_too_few_firms_is_suppressed():
    hub = programme("hub")
    rows = blocker_decomposition(firm_classes(many(9), [hub], day=DAY), [hub], day=DAY)
    frame = blockers_frame(rows, day=DAY)
    assert frame.iloc[0]["suppressed"]
    assert frame[["firms_in_its_countries", "eligible", "only_region"]].isna().all(axis=None)


# The need-offer gap ----------------------------------------------------------------------------


def test_the_gap_counts_priorities_no_open_offer_works_on():
    training = programme("skills", kinds=("training",), dimensions=(
        "workforce_learning_development",), eligible_regions=("North West",))
    maybe = programme("maybe", dimensions=("shop_floor_automation",), status="unknown",
                      status_checked_on=None)
    firms = (many(10, 0, top=("workforce_learning_development", "shop_floor_automation"))
             + many(10, 100, top=("shop_floor_automation",))
             + many(10, 200, region="London", top=("workforce_learning_development",)))
    rows = {r.region: r for r in need_offer_gap(firm_classes(firms, [training, maybe], day=DAY),
                                                 [training, maybe], day=DAY)}
    north_west, london = rows["North West"], rows["London"]
    assert north_west.firms == 20 and north_west.first_uncovered == 10
    assert north_west.only_unknown == 10  # automation: only an offer of unknown status
    assert north_west.any_uncovered == 20
    assert north_west.by_dimension["workforce_learning_development"] == (10, 0)
    assert london.first_uncovered == 10 and london.only_unknown == 0


def test_top_priorities_leave_out_what_was_not_rated(spec):
    bands = dict.fromkeys(spec.dimension_keys, 1) | {"vertical_integration": None,
                                                     "shop_floor_automation": "unknown"}
    top = TopDimensions(spec).top(bands, objectives=["productivity", "nonsense"],
                                  cost_profile={"energy": 40, "nonsense": 60}, targets={})
    assert len(top) == 4
    assert "vertical_integration" not in top and "shop_floor_automation" not in top


# Policy transfer -------------------------------------------------------------------------------


def test_another_countrys_national_programme_serves_every_region():
    mep = programme("mep", country="US", eligible_countries=("US",), max_employees=499)
    us_regional = programme("ohio", country="US", eligible_countries=("US",),
                            eligible_regions=("OH",), kinds=("grant",))
    pilot = programme("pilot", eligible_regions=("North West",))
    firms = many(10) + many(10, 100, region="London") + many(5, 200, region="London",
                                                              employees=800)
    records = [mep, us_regional, pilot]
    transfer = policy_transfer(firm_classes(firms, records, day=DAY), records, source="US",
                               target="GB", day=DAY)
    rows = {r.kind: r for r in transfer.rows}
    assert rows["advice"].firms == 25
    assert rows["advice"].served_at_home == 10  # the North West pilot only
    assert rows["advice"].served_by_national == 20  # MEP's size rule keeps out the large firms
    assert rows["grant"].served_by_national == 0
    assert rows["grant"].served_with_regional == 25  # Ohio's grant, as if run nationally
    assert transfer.national == ["mep"] and transfer.regional == ["ohio"]


# Freshness -------------------------------------------------------------------------------------


def test_freshness_sorts_records_by_status_and_age_of_check():
    records = [programme("a", status_checked_on=datetime.date(2026, 9, 1)),
               programme("b", status_checked_on=datetime.date(2025, 1, 1)),
               programme("c", status="unknown", status_checked_on=None),
               programme("d", status="closed", status_checked_on=datetime.date(2026, 2, 1))]
    rows = {r.status: r for r in data_freshness(records, day=DAY)}
    assert rows["open"].buckets[FRESHNESS_BUCKETS[0]] == 1
    assert rows["open"].buckets[FRESHNESS_BUCKETS[2]] == 1
    assert rows["unknown"].buckets[FRESHNESS_BUCKETS[3]] == 1
    assert rows["closed"].buckets[FRESHNESS_BUCKETS[1]] == 1
    assert [r.status for r in data_freshness(records, day=DAY)] == ["open", "closed", "unknown"]


def test_gap_and_transfer_tables_suppress_each_small_group_on_its_own():
    skills = programme("skills", kinds=("training",), dimensions=(
        "workforce_learning_development",))
    firms = (many(10, 0, top=("workforce_learning_development",))
             + many(3, 100, top=("shop_floor_automation", "workforce_learning_development")))
    places, by_dimension = gap_frames(
        need_offer_gap(firm_classes(firms, [skills], day=DAY), [skills], day=DAY), day=DAY)
    (north_west,) = places.to_dict("records")
    assert (north_west["firms"], north_west["first_priority_without_open_offer"]) == (13, 3)
    cells = {r["dimension"]: r for r in by_dimension.to_dict("records")}
    assert cells["workforce_learning_development"]["firms_with_it_as_top_priority"] == 13
    assert cells["shop_floor_automation"]["suppressed"]
    assert pd.isna(cells["shop_floor_automation"]["without_open_offer"])

    few = policy_transfer(firm_classes(many(9), [skills], day=DAY), [skills], source="GB",
                          target="GB", day=DAY)
    frame = transfer_frame(few)
    assert frame["suppressed"].all() and frame["firms"].isna().all()
