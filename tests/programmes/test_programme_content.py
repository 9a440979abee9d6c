"""The content of the shipped programme database, checked the way an expert reviewer would check it
(issue 12): every status is dated and sourced or honestly unknown, every source says when it was
read, no date or link points at nothing, and the gaps the programme audit found stay closed.

These tests read the real fixtures (fixtures/programmes/*.json), not copies."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.db import transaction

from programmes.matching import FirmProfile, match
from programmes.selectors import programme_records
from programmes.services import FIXTURE_DIR, programmes_load, read_fixture
from readiness.prioritisation import prioritise
from readiness.reference import GB_REGIONS, US_STATES
from readiness.scoring import score
from tests.programmes.test_matching_programmes import CANONICAL

STATUSES = {"open", "closed", "paused", "suspended", "unknown"}
COSTS = {"free", "fee", "membership", "co_funding", "tax_credit", ""}
SIZE_BANDS = {"micro", "small", "medium", "large", "any"}
KINDS = {"grant", "advice", "training", "demonstration", "rnd_funding", "network",
         "self_assessment"}
COUNTRIES = ("GB", "US", "DE", "SG", "KR", "TW")
# The newest day anyone read a source for this database; nothing may claim a later check.
LAST_READING = datetime.date(2026, 11, 30)


def programmes_fixture() -> dict:
    return read_fixture(FIXTURE_DIR / "programmes.json")


DATA = programmes_fixture()
PROGRAMMES = DATA["programmes"]
BY_SLUG = {p["slug"]: p for p in PROGRAMMES}
INSTITUTIONS = {i["slug"]: i for i in DATA["institutions"]}
SME_RULES = json.loads(Path(FIXTURE_DIR / "sme_rules.json").read_text("utf-8"))
RULE_KEYS = {rule["key"] for rule in SME_RULES["rules"]}


def day(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def slugs_where(condition) -> list[str]:
    return [p["slug"] for p in PROGRAMMES if condition(p)]


def test_the_fixture_is_format_2_with_at_least_sixty_records_across_six_countries():
    assert DATA["format"] == "programmes/2"
    assert len(PROGRAMMES) >= 60
    per_country = Counter(p["country"] for p in PROGRAMMES)
    assert {c: per_country[c] for c in COUNTRIES if per_country[c] < 5} == {}


def test_every_canonical_slug_is_present():
    assert [slug for slug in CANONICAL if slug not in BY_SLUG] == []


def test_every_record_has_a_status_and_a_checked_status_has_its_date_and_source():
    assert slugs_where(lambda p: p.get("status") not in STATUSES) == []
    checked = [p for p in PROGRAMMES if p["status"] != "unknown"]
    assert checked, "some statuses are confirmed"
    assert [p["slug"] for p in checked if not p.get("status_checked_on")] == []
    assert [p["slug"] for p in checked
            if not (p.get("status_source") or {}).get("title")
            or not (p.get("status_source") or {}).get("url", "").startswith("http")] == []


def test_no_status_is_checked_after_its_sources_were_read():
    late = []
    for p in PROGRAMMES:
        newest_reading = max(day(s["read_on"]) for s in p["sources"])
        checked = day(p["status_checked_on"])
        if checked and (checked > newest_reading or checked > LAST_READING):
            late.append(p["slug"])
    assert late == []


def test_every_source_says_what_it_is_where_it_is_when_it_was_read_and_what_it_supports():
    bad = []
    for p in PROGRAMMES:
        if not p["sources"]:
            bad.append((p["slug"], "no sources"))
        for source in p["sources"]:
            if not (source.get("title") and source.get("url", "").startswith("http")
                    and source.get("supports")):
                bad.append((p["slug"], source.get("title")))
            read_on = day(source.get("read_on"))  # raises on a malformed date
            if read_on is None or read_on > LAST_READING:
                bad.append((p["slug"], "read_on"))
    assert bad == []


def test_the_legacy_source_fields_agree_with_the_sources_list():
    assert slugs_where(lambda p: (p["source_title"], p["source_url"])
                       != (p["sources"][0]["title"], p["sources"][0]["url"])) == []


def test_facts_are_not_dated_after_anyone_read_them():
    assert slugs_where(lambda p: day(p["facts_as_of"]) > max(
        day(s["read_on"]) for s in p["sources"])) == []


def test_no_close_date_without_a_source_that_supports_it():
    unsourced = slugs_where(lambda p: p["closes_on"] and not any(
        "closes_on" in s["supports"] for s in p["sources"]))
    assert unsourced == []
    for p in PROGRAMMES:
        for application_round in p["rounds"]:
            source = application_round["source"]
            assert source["title"] and source["url"].startswith("http"), p["slug"]


def test_dates_are_in_order():
    backwards = slugs_where(lambda p: p["opens_on"] and p["closes_on"]
                            and day(p["opens_on"]) > day(p["closes_on"]))
    assert backwards == []
    for p in PROGRAMMES:
        for tier in p["tiers"]:
            assert tier["size_band"] in SIZE_BANDS, p["slug"]
            if tier["valid_from"] and tier["valid_to"]:
                assert day(tier["valid_from"]) <= day(tier["valid_to"]), p["slug"]


def test_predecessor_and_successor_links_point_at_records_that_exist():
    dangling = [(p["slug"], key, p[key]) for p in PROGRAMMES for key in ("predecessor", "successor")
                if p[key] is not None and (p[key] not in BY_SLUG or p[key] == p["slug"])]
    assert dangling == []


def test_a_successor_does_not_start_before_its_predecessor():
    for p in PROGRAMMES:
        successor = BY_SLUG.get(p["successor"] or "")
        if successor and successor["opens_on"] and p["opens_on"]:
            assert day(successor["opens_on"]) >= day(p["opens_on"]), p["slug"]


def test_kinds_costs_and_sme_rules_use_known_keys():
    assert slugs_where(lambda p: not set(p["kinds"]) <= KINDS) == []
    assert slugs_where(lambda p: p["primary_kind"] not in p["kinds"]) == []
    assert slugs_where(lambda p: p["cost_to_firm"] not in COSTS) == []
    assert slugs_where(lambda p: p["sme_rule"] and p["sme_rule"] not in RULE_KEYS) == []


def test_self_assessment_tools_are_filed_as_tools():
    assert BY_SLUG["sg-siri"]["primary_kind"] == "self_assessment"
    # SIRI is for manufacturers: a retailer is not its audience.
    assert BY_SLUG["sg-siri"]["eligible_sectors"] == ["10-33"]


def test_regional_statuses_name_real_regions_and_are_dated_unless_unknown():
    for p in PROGRAMMES:
        for regional in p["regional_status"]:
            assert regional["status"] in STATUSES, p["slug"]
            if p["country"] == "US":
                assert regional["region"] in US_STATES, p["slug"]
            if regional["status"] != "unknown":
                assert day(regional["status_checked_on"]) <= LAST_READING, p["slug"]
            assert regional["note"], p["slug"]


def test_ohio_mep_is_suspended_and_said_so_on_the_national_record():
    ohio = {r["region"]: r for r in BY_SLUG["us-mep"]["regional_status"]}["OH"]
    assert ohio["status"] == "suspended"
    assert BY_SLUG["us-mep-ohio"]["status"] == "suspended"
    assert BY_SLUG["us-mep"]["status"] != "open"  # FY2026 funding is not confirmed


def test_delivery_partners_exist_and_serve_only_regions_the_programme_covers():
    for p in PROGRAMMES:
        covered = set(p["eligible_regions"])
        for partner in p["delivery"]:
            assert partner["institution"] in INSTITUTIONS, p["slug"]
            assert partner["contact_url"].startswith("http"), p["slug"]
            if covered:
                assert set(partner["regions"]) <= covered, p["slug"]
    regions = {partner["institution"]: partner["regions"]
               for partner in BY_SLUG["made-smarter-adoption-england"]["delivery"]}
    # A Bolton firm must not be sent to London's partner.
    assert regions["london-and-partners"] == ["London"]
    assert "London" not in regions["made-smarter"]


def test_gb_regions_are_itl1_names():
    wrong = [(p["slug"], r) for p in PROGRAMMES if p["country"] == "GB"
             for r in p["eligible_regions"] if r not in GB_REGIONS]
    assert wrong == []


def test_renamed_institutions_carry_their_history_and_no_record_uses_the_old_ones():
    expected_old_names = {"bmwe": "BMWK", "bmftr": "BMBF", "tw-nstc": "MOST",
                          "tw-ida": "Industrial Development Bureau", "tw-smesa": "SMEA"}
    for slug, old in expected_old_names.items():
        history = INSTITUTIONS[slug].get("renamed", [])
        assert any(old in entry["name"] for entry in history), slug
        assert all(day(entry["until"]) for entry in history), slug
    used = {s for p in PROGRAMMES for s in p["institutions"]}
    assert used & {"bmwk", "bmbf", "tw-most"} == set()


def test_the_country_sme_rules_match_their_definitions_and_have_sources():
    assert SME_RULES["format"] == "sme_rules/1"
    rules = {rule["key"]: rule for rule in SME_RULES["rules"]}
    assert {"EU", "GB", "US", "KR", "SG", "TW", "DE"} <= set(rules)
    for rule in rules.values():
        assert rule["source"]["url"].startswith("http") and day(rule["source"]["read_on"])
        assert rule["combine"] in {"all", "any"}
    # Singapore: headcount OR turnover.
    assert (rules["SG"]["max_employees"], rules["SG"]["max_turnover"],
            rules["SG"]["combine"]) == (200, "100000000", "any")
    # Korea: by sales per industry, not headcount.
    assert rules["KR"]["max_employees"] is None and rules["KR"]["sector_overrides"]
    assert (rules["EU"]["max_employees"], rules["EU"]["max_turnover"]) == (249, "50000000")


def test_the_audits_corrections_stay_corrected():
    challenge = BY_SLUG["manufacturing-made-smarter-challenge"]
    assert "£147m" in challenge["budget_note"] and challenge["closes_on"] == "2022-01-26"
    assert challenge["kinds"] == ["rnd_funding"]  # 'network' no longer masks the R&D stage
    assert BY_SLUG["kr-smic"]["closes_on"] is None  # the 2023 close date was invented
    korea = BY_SLUG["kr-smart-factory-initiative"]
    assert korea["max_employees"] is None and "4.1bn" not in korea["budget_note"]
    assert "South West" not in BY_SLUG["made-smarter-adoption-regions-2023"]["eligible_regions"]


# The Made Smarter history, evaluated with the real matcher on the loaded records.

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = programmes_load(data=programmes_fixture())
        assert report.ok, report.errors
        loaded = {r.slug: r for r in programme_records()}
        transaction.set_rollback(True)
    return loaded


def months(first: datetime.date, last: datetime.date):
    current = first
    while current <= last:
        yield current
        current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@pytest.mark.parametrize(("region", "since"), [
    ("North West", datetime.date(2019, 1, 1)),
    ("North East", datetime.date(2021, 3, 1)),
    ("Yorkshire and The Humber", datetime.date(2021, 3, 1)),
    ("West Midlands", datetime.date(2021, 4, 1)),
])
def test_made_smarter_has_no_gap_for_a_regional_sme(spec, records, region, since):
    firm = FirmProfile(country="GB", region=region, employees=45, sector="10")
    answers = dict.fromkeys(spec.dimension_keys, 1)
    scores, priorities = score(spec, answers), prioritise(spec, answers)
    made_smarter = [r for r in records.values() if r.slug.startswith("made-smarter-adoption")
                    or r.slug == "made-smarter-nw-adoption-pilot"]
    uncovered = [when for when in months(since, LAST_READING)
                 if not match(firm, scores, priorities, programmes=made_smarter,
                              as_of=when).matches]
    assert uncovered == []
