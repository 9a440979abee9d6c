"""Every canonical programme (DESIGN §6) against a firm that qualifies and firms that miss each of
its rules, as of the policy note's date and as of today, on the shipped fixtures."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from programmes.matching import FirmProfile, ProgrammeRecord, match
from programmes.selectors import programme_records
from programmes.services import fixture_paths, programmes_load, read_fixture
from readiness.prioritisation import prioritise
from readiness.reference import GB_REGIONS, US_STATES
from readiness.scoring import score

CANONICAL = [
    "made-smarter-nw-adoption-pilot", "manufacturing-made-smarter-challenge", "us-mep",
    "manufacturing-usa-america-makes", "manufacturing-usa-arm", "manufacturing-usa-mxd",
    "manufacturing-usa-cesmii", "nist-sms-test-bed", "plattform-industrie-40",
    "mittelstand-digital", "sg-siri", "sg-model-factories", "sg-tech-access", "sg-tech-depot",
    "sg-hyper-personalisation-line", "sg-skillsfuture-advanced-manufacturing",
    "kr-smart-factory-initiative", "kr-smic", "tw-smart-machinery-promotion-office",
    "tw-itri-smart-manufacturing-pilot-site",
]  # fmt: skip
NOTE_DAY = datetime.date(2020, 11, 30)
# pytest-django creates the test database only for items marked as needing it; the module-scoped
# fixture below loads into it.
pytestmark = pytest.mark.django_db
DAYS = {"note": NOTE_DAY, "today": None}


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker) -> dict[str, ProgrammeRecord]:
    """The fixtures loaded through the real loader and read back as records, once per module;
    the writes are rolled back, the records are plain data."""
    with django_db_blocker.unblock(), transaction.atomic():
        for path in fixture_paths():
            report = programmes_load(data=read_fixture(path))
            assert report.ok, report.errors
        loaded = {r.slug: r for r in programme_records()}
        transaction.set_rollback(True)
    return loaded


def day_of(name: str) -> datetime.date:
    return DAYS[name] or timezone.localdate()


def qualifying(record: ProgrammeRecord) -> FirmProfile:
    """A firm that meets every rule of the record."""
    country = record.eligible_countries[0] if record.eligible_countries else record.country
    sectors = record.eligible_sectors
    sector = "25" if not sectors or "25" in sectors else sectors[0]
    low = record.min_employees or 1
    high = record.max_employees or 10_000
    employees = 45 if low <= 45 <= high else low
    turnover, currency = None, ""
    if record.max_turnover is not None:
        turnover, currency = record.max_turnover / 10, record.max_turnover_currency
    region = record.eligible_regions[0] if record.eligible_regions else ""
    return FirmProfile(country=country, region=region, employees=employees, sector=sector,
                       turnover=turnover, turnover_currency=currency)


def date_blocker(record: ProgrammeRecord, day: datetime.date) -> set[str]:
    """The blocker that time puts in the way: a status confirmed not running by ``day`` (the
    country-wide one: these firms give no region that has its own), else the recorded dates."""
    confirmed = record.status_checked_on is not None and record.status_checked_on <= day
    if confirmed and record.status in {"closed", "paused", "suspended"}:
        return {"closed"}
    if record.opens_on and day < record.opens_on:
        return {"not_yet_open"}
    if record.closes_on and day > record.closes_on:
        return {"closed"}
    return set()


def violations(record: ProgrammeRecord) -> list[tuple[str, FirmProfile, set[str]]]:
    """(rule, a firm that misses it, the blocker codes expected) for each rule the record has."""
    firm = qualifying(record)
    cases = []
    if record.eligible_countries:
        other = next(c for c in ("FR", "BR", "GB", "US") if c not in record.eligible_countries)
        cases.append(("country", replace(firm, country=other, region=""), {"country"}))
    if record.eligible_regions:
        country = firm.country
        pool = GB_REGIONS if country == "GB" else tuple(US_STATES) if country == "US" else ()
        other = next(r for r in pool if r not in record.eligible_regions)
        cases.append(("region", replace(firm, region=other), {"region"}))
    if record.eligible_sectors:
        other = next(s for s in ("47", "01", "86") if s not in record.eligible_sectors)
        cases.append(("sector", replace(firm, sector=other), {"sector"}))
    either = record.size_rule == "any"
    over_turnover = (record.max_turnover * 2 if record.max_turnover is not None else None)
    if record.max_employees is not None:
        firm_over = replace(firm, employees=record.max_employees + 1)
        if either:  # over one limit only still qualifies, so miss both
            firm_over = replace(firm_over, turnover=over_turnover)
        cases.append(("max size", firm_over, {"size", "turnover"} if either else {"size"}))
    if record.min_employees is not None and record.min_employees > 1:
        cases.append(("min size", replace(firm, employees=record.min_employees - 1), {"size"}))
    if record.max_turnover is not None and not either:
        cases.append(("turnover", replace(firm, turnover=over_turnover), {"turnover"}))
    return cases


def evaluate(spec, profile: FirmProfile, record: ProgrammeRecord, day: datetime.date):
    answers = dict.fromkeys(spec.dimension_keys, 1)
    return match(profile, score(spec, answers), prioritise(spec, answers), programmes=[record],
                 as_of=day)


def test_every_canonical_slug_is_in_the_fixtures(records):
    missing = [slug for slug in CANONICAL if slug not in records]
    assert missing == []


def test_canonical_programmes_were_open_on_the_notes_date(records):
    # The note (November 2020) describes them all as running.
    assert [s for s in CANONICAL if date_blocker(records[s], NOTE_DAY)] == []


@pytest.mark.parametrize("when", DAYS)
@pytest.mark.parametrize("slug", CANONICAL)
def test_a_firm_that_meets_every_rule_qualifies(spec, records, slug, when):
    record, day = records[slug], day_of(when)
    result = evaluate(spec, qualifying(record), record, day)
    expected = date_blocker(record, day)
    if expected:
        assert result.matches == []
        assert set(result.near_misses[0].codes) == expected
    else:
        found = result.matches + result.tools  # a self-assessment is listed apart, as a tool
        assert [m.slug for m in found] == [slug]
        assert found[0].reasons


@pytest.mark.parametrize("when", DAYS)
@pytest.mark.parametrize("slug", CANONICAL)
def test_a_firm_missing_each_rule_gets_its_blocker(spec, records, slug, when):
    record, day = records[slug], day_of(when)
    for rule, profile, expected in violations(record):
        result = evaluate(spec, profile, record, day)
        assert result.matches == [], rule
        near = result.near_misses[0]
        assert set(near.codes) == expected | date_blocker(record, day), rule
        assert all(b.message for b in near.blockers)


@pytest.mark.parametrize("slug", CANONICAL)
def test_date_rules_give_closed_and_not_yet_open(spec, records, slug):
    record = records[slug]
    firm = qualifying(record)
    if record.closes_on:
        after = evaluate(spec, firm, record, record.closes_on + datetime.timedelta(days=1))
        assert after.near_misses[0].codes == ["closed"]
    if record.opens_on:
        before = evaluate(spec, firm, record, record.opens_on - datetime.timedelta(days=1))
        assert before.near_misses[0].codes == ["not_yet_open"]


def test_the_north_west_pilot_carries_the_notes_facts(records):
    pilot = records["made-smarter-nw-adoption-pilot"]
    assert pilot.eligible_regions == ("North West",)
    assert pilot.max_turnover is None
    assert pilot.opens_on == datetime.date(2018, 11, 1)
    # 30 months from November 2018.
    assert pilot.closes_on == datetime.date(2021, 4, 30)


def test_the_pilot_is_a_match_in_2020_and_a_closed_near_miss_today(spec, records):
    pilot = records["made-smarter-nw-adoption-pilot"]
    firm = FirmProfile(country="GB", region="North West", employees=45, sector="25")
    then = evaluate(spec, firm, pilot, NOTE_DAY)
    now = evaluate(spec, firm, pilot, timezone.localdate())
    assert [m.slug for m in then.matches] == [pilot.slug]
    assert any("45 employees, within its limit of 249" in r for r in then.matches[0].reasons)
    assert now.near_misses[0].codes == ["closed"]


def test_a_west_midlands_firm_is_told_why_not(spec, records):
    pilot = records["made-smarter-nw-adoption-pilot"]
    firm = FirmProfile(country="GB", region="West Midlands", employees=45, sector="25")
    near = evaluate(spec, firm, pilot, NOTE_DAY).near_misses[0]
    assert [b.message for b in near.blockers] == [
        "Only firms in the North West are eligible; you are in the West Midlands."
    ]


def test_all_programmes_together_split_into_matches_and_near_misses(spec, records):
    firm = FirmProfile(country="SG", employees=80, sector="26", turnover=Decimal("20000000"),
                       turnover_currency="SGD")
    answers = dict.fromkeys(spec.dimension_keys, 2)
    result = match(firm, score(spec, answers), prioritise(spec, answers),
                   programmes=list(records.values()), as_of=NOTE_DAY)
    assert len(result.matches) + len(result.tools) + len(result.near_misses) == len(records)
    assert {"sg-model-factories", "sg-tech-depot"} <= {m.slug for m in result.matches}
    assert "sg-siri" in {t.slug for t in result.tools}
    relevances = [m.relevance for m in result.matches]
    assert relevances == sorted(relevances, reverse=True)
