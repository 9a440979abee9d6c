"""The international view as plain Python: hand-made records and regions, no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from programmes.international import (
    NO_OFFER,
    NOTE_DATE,
    OfferTerms,
    Tier,
    country_order,
    headline,
    international_view,
    money,
)
from programmes.matching import FirmProfile, ProgrammeRecord, RegionalStatus
from readiness.prioritisation import prioritise
from readiness.scoring import score

TODAY = datetime.date(2026, 11, 30)
MANUFACTURING = tuple(f"{n:02d}" for n in range(10, 34))
REGIONS = {
    "GB": ("North East", "North West", "London", "Scotland"),
    "US": ("OH", "PA", "TX"),
    "DE": ("DE-BW", "DE-BY"),
    "SG": ("SG-01",),
    "KR": ("KR-11", "KR-47"),
    "TW": ("TW-TXG", "TW-TPE"),
}
FIRM = FirmProfile(country="DE", region="DE-BY", employees=45, sector="25",
                   turnover=Decimal("9000000"), turnover_currency="EUR")

ADOPTION = ProgrammeRecord(  # a regional grant and advice programme in two of four UK regions
    slug="gb-adoption", name="Adoption", country="GB", kinds=("advice", "grant"),
    primary_kind="advice", eligible_countries=("GB",),
    eligible_regions=("North West", "North East"), eligible_sectors=MANUFACTURING,
    max_employees=249, cost_to_firm="co_funding", status="open",
    status_checked_on=datetime.date(2026, 6, 1), opens_on=datetime.date(2019, 1, 1),
)
EXTENSION = ProgrammeRecord(  # national advice, suspended in Ohio, never checked elsewhere
    slug="us-extension", name="Extension", country="US", kinds=("advice", "training"),
    eligible_countries=("US",), cost_to_firm="free",
    regional_status=(RegionalStatus("OH", "suspended", datetime.date(2026, 1, 13)),),
)
SUBSIDY = ProgrammeRecord(
    slug="tw-subsidy", name="R&D subsidy", country="TW", kinds=("rnd_funding",),
    eligible_countries=("TW",), cost_to_firm="co_funding", status="open",
    status_checked_on=datetime.date(2026, 1, 2), opens_on=datetime.date(2025, 8, 7),
)
TAX_CREDIT = ProgrammeRecord(
    slug="tw-credit", name="Tax credit", country="TW", kinds=("grant",),
    eligible_countries=("TW",), cost_to_firm="tax_credit", status="open",
    status_checked_on=datetime.date(2026, 1, 27),
)
CENTRES = ProgrammeRecord(  # free advice, confirmed open, with a close date
    slug="de-centres", name="Centres", country="DE", kinds=("advice", "training"),
    eligible_countries=("DE",), cost_to_firm="free", status="open",
    status_checked_on=datetime.date(2026, 3, 19), closes_on=datetime.date(2026, 12, 31),
)
OLD_GRANT = ProgrammeRecord(  # closed long ago; ran on the note's date by its dates
    slug="de-old-grant", name="Old grant", country="DE", kinds=("grant",),
    eligible_countries=("DE",), max_employees=499, cost_to_firm="co_funding",
    status="closed", status_checked_on=datetime.date(2026, 11, 30),
    opens_on=datetime.date(2020, 9, 7), closes_on=datetime.date(2023, 12, 31),
)
TOOL = ProgrammeRecord(slug="sg-tool", name="Index", country="SG",
                       kinds=("self_assessment", "advice"), primary_kind="self_assessment")
RECORDS = (ADOPTION, EXTENSION, SUBSIDY, TAX_CREDIT, CENTRES, OLD_GRANT, TOOL)
TERMS = {
    "gb-adoption": OfferTerms("gb-adoption", Decimal("20000"), "GBP", 50,
                              institutions=("Growth Company",)),
    "tw-subsidy": OfferTerms("tw-subsidy", Decimal("5000000"), "TWD", 50),
    "tw-credit": OfferTerms("tw-credit", match_rate_percent=5),
    "de-old-grant": OfferTerms("de-old-grant", Decimal("50000"), "EUR", tiers=(
        Tier("small", datetime.date(2020, 9, 7), datetime.date(2021, 6, 30),
             Decimal("50000"), "EUR", 50),
        Tier("medium", datetime.date(2020, 9, 7), datetime.date(2021, 6, 30),
             Decimal("50000"), "EUR", 45),
        Tier("small", datetime.date(2021, 7, 1), datetime.date(2023, 12, 31),
             Decimal("50000"), "EUR", 40),
    )),
}


@pytest.fixture
def firm_data(spec):
    answers = dict.fromkeys(spec.dimension_keys, 2)
    return score(spec, answers), prioritise(spec, answers)


def view_of(firm_data, profile=FIRM, as_of=TODAY, records=RECORDS):
    scores, priorities = firm_data
    return international_view(profile, scores, priorities, records=records, terms=TERMS,
                              regions=REGIONS, as_of=as_of)


def by_country(view):
    return {c.country: c for c in view.countries}


def test_the_firms_own_country_comes_first_then_the_others_in_the_notes_order():
    assert country_order("de") == ("DE", "GB", "US", "SG", "KR", "TW")
    assert country_order("FR") == ("GB", "US", "DE", "SG", "KR", "TW")


def test_the_sweep_counts_the_regions_a_regional_programme_reaches(firm_data):
    gb = by_country(view_of(firm_data))["GB"]
    grant = gb.functions["grant"][0]
    assert grant.slug == "gb-adoption"
    assert (grant.regions_covered, grant.regions_total) == (2, 4)
    assert grant.coverage == "in 2 of 4 UK regions"
    assert grant.headline == "grant up to £20k at 50 %"
    assert grant.confirmed_open and grant.status_text.startswith("Open (confirmed on")
    assert gb.functions["advice"][0].headline == "advice, with co-funding by the firm"
    assert grant.delivery == "regional delivery, by Growth Company"


def test_a_region_with_its_own_status_is_left_out_of_the_coverage(firm_data):
    us = by_country(view_of(firm_data))["US"]
    advice = us.functions["advice"][0]
    assert advice.coverage == "in 2 of 3 US states (with DC and Puerto Rico)"
    # Nobody checked its status: unknown, never open.
    assert advice.status == "unknown" and not advice.confirmed_open
    assert advice.status_text == "Status unknown: not confirmed from a source"
    assert advice.headline == "free advice"


def test_headlines_come_from_the_records_fields(firm_data):
    tw = by_country(view_of(firm_data))["TW"]
    assert tw.functions["rnd_funding"][0].headline == "R&D funding up to NT$5m, 50 % own funds"
    assert tw.functions["grant"][0].headline == "5 % tax credit"
    record = ProgrammeRecord(slug="x", name="X", country="GB", kinds=("grant",))
    assert headline("grant", record, None, employees=10, as_of=TODAY) == (
        "grant (amount and rate not recorded)")
    assert headline("advice", record, None, employees=10, as_of=TODAY) == (
        "advice (cost to the firm not recorded)")


def test_tiers_give_the_rate_for_the_firms_size_on_the_day(firm_data):
    on_note_date = by_country(view_of(firm_data, as_of=NOTE_DATE))["DE"]
    assert on_note_date.functions["grant"][0].headline == "grant up to €50k at 50 %"  # small
    medium = FirmProfile(country="DE", region="DE-BY", employees=100, sector="25")
    assert by_country(view_of(firm_data, profile=medium, as_of=NOTE_DATE))["DE"].functions[
        "grant"][0].headline == "grant up to €50k at 45 %"
    small = FirmProfile(country="DE", region="DE-BY", employees=20, sector="25")
    later = by_country(view_of(firm_data, profile=small,
                               as_of=datetime.date(2022, 1, 1)))["DE"]
    assert later.functions["grant"][0].headline == "grant up to €50k at 40 %"


def test_an_empty_kind_says_no_national_offer_and_the_summary_line_names_it(firm_data):
    de = by_country(view_of(firm_data))["DE"]
    assert "grant" not in de.functions  # the old grant closed in 2023
    assert de.functions["advice"][0].slug == "de-centres"
    assert de.summary.startswith("Germany: confirmed open: advice, training;")
    assert de.summary_body.startswith("confirmed open: advice, training;")
    assert f"{NO_OFFER}: demonstration and test facilities, grants and tax credits" in de.summary
    assert de.as_dict()["functions"]["grant"] == []


def test_the_note_date_reruns_the_sweep_and_never_calls_a_later_check_open(firm_data):
    view = view_of(firm_data, as_of=NOTE_DATE)
    assert view.at_note_date
    de = by_country(view)["DE"]
    grant = de.functions["grant"][0]
    assert grant.slug == "de-old-grant" and grant.by_dates and not grant.confirmed_open
    assert grant.as_dict()["status"] == "unknown"
    # The centres were checked in 2026; in 2020 only their recorded close date speaks.
    assert "running by recorded dates: advice, training, grants and tax credits" in de.summary
    assert "confirmed open" not in de.summary
    # Checked in 2026, with no dates at all: nothing is known of 2020, so unknown then.
    credit = by_country(view)["TW"].functions["grant"][0]
    assert credit.status == "unknown" and not credit.by_dates
    # Not yet open on the note's date.
    assert "rnd_funding" not in by_country(view)["TW"].functions


def test_eligibility_follows_the_firm_to_each_country(firm_data):
    large = FirmProfile(country="DE", region="DE-BY", employees=300, sector="25")
    gb = by_country(view_of(firm_data, profile=large))["GB"]
    assert "grant" not in gb.functions  # the UK programme stops at 249 staff
    retailer = FirmProfile(country="GB", region="London", employees=20, sector="47")
    assert "grant" not in by_country(view_of(firm_data, profile=retailer))["GB"].functions


def test_own_country_prefers_offers_where_the_firm_is(firm_data):
    london = FirmProfile(country="GB", region="London", employees=20, sector="25")
    gb = by_country(view_of(firm_data, profile=london))["GB"]
    assert gb.own and gb.functions["grant"][0].in_firm_region is False
    north_west = FirmProfile(country="GB", region="North West", employees=20, sector="25")
    assert by_country(view_of(firm_data, profile=north_west))["GB"].functions[
        "grant"][0].in_firm_region is True


def test_tools_stay_in_their_own_row(firm_data):
    sg = by_country(view_of(firm_data))["SG"]
    assert [o.slug for o in sg.functions["self_assessment"]] == ["sg-tool"]
    assert "advice" not in sg.functions


def test_the_api_shape_follows_design_section_7(firm_data):
    listed = view_of(firm_data).as_list()
    assert [c["country"] for c in listed] == ["DE", "GB", "US", "SG", "KR", "TW"]
    offer = listed[1]["functions"]["grant"][0]
    assert set(offer) >= {"programme", "name", "headline", "status", "status_checked_on",
                          "coverage"}
    assert offer["status_checked_on"] == "2026-06-01"


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (Decimal("20000"), "GBP", "£20k"), (Decimal("16500"), "EUR", "€16.5k"),
    (Decimal("5000000"), "TWD", "NT$5m"), (Decimal("150000000"), "KRW", "₩150m"),
    (Decimal("750"), "GBP", "£750"), (Decimal("2000"), "CHF", "CHF 2k"),
])
def test_amounts_stay_in_their_own_currency(amount, currency, text):
    assert money(amount, currency) == text
