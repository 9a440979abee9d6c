"""The programme fixtures, their loader, the selector for an assessment and its partial."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.template.loader import render_to_string

from programmes.models import Programme
from programmes.selectors import programme_list
from programmes.services import fixture_paths, programmes_load, read_fixture
from readiness.services import answers_save, assessment_start
from reports.pipeline import evaluation_for_assessment
from tests.programmes.test_matching_programmes import CANONICAL


def test_load_programmes_is_idempotent(loaded):
    before = {p.slug: (p.name, p.closes_on, p.max_employees) for p in Programme.objects.all()}
    call_command("load_programmes", verbosity=0)
    after = {p.slug: (p.name, p.closes_on, p.max_employees) for p in Programme.objects.all()}
    assert after == before
    assert Programme.objects.count() == loaded


def test_every_record_has_a_source_a_date_and_a_kind(loaded):
    for programme in Programme.objects.prefetch_related("kinds"):
        assert programme.source_title, programme.slug
        assert isinstance(programme.facts_as_of, datetime.date), programme.slug
        assert programme.kinds.exists(), programme.slug
        assert programme.summary, programme.slug


def test_canonical_records_say_what_they_assumed(loaded):
    # Where the note is silent the record must say what it assumed (DESIGN §6, issue 3).
    silent = Programme.objects.filter(slug__in=CANONICAL, assumptions="")
    assert list(silent.values_list("slug", flat=True)) == []


def test_the_pilot_keeps_its_money_and_institutions(loaded):
    pilot = Programme.objects.get(slug="made-smarter-nw-adoption-pilot")
    assert (pilot.amount_max, pilot.amount_currency) == (Decimal("20000"), "GBP")
    assert pilot.kind_keys == ["advice", "grant", "training"]
    assert "growth-company" in set(pilot.institutions.values_list("slug", flat=True))
    # Dated by its newest fact: the February 2021 announcement of its continuation.
    assert pilot.facts_as_of == datetime.date(2021, 2, 18)


def test_a_bad_fixture_writes_nothing(db):
    data = read_fixture(fixture_paths()[0])
    data["programmes"][3]["eligible_regions"] = ["Atlantis"]
    data["programmes"][5]["kinds"] = ["magic"]
    report = programmes_load(data=data)
    assert not report.ok
    assert {(e.line, e.field) for e in report.errors} == {(4, "eligible_regions"), (6, "kinds")}
    assert Programme.objects.count() == 0


def test_directory_selector_filters(loaded):
    grants_gb = programme_list(country="gb", kind="grant")
    assert grants_gb and all(p.country == "GB" for p in grants_gb)
    assert all("grant" in p.kind_keys for p in grants_gb)
    open_2020 = {p.slug for p in programme_list(open_on=datetime.date(2020, 11, 30))}
    assert "made-smarter-nw-adoption-pilot" in open_2020
    assert "made-smarter-adoption-england" not in open_2020
    additive = [p.slug for p in programme_list(q="additive")]
    assert "manufacturing-usa-america-makes" in additive and "us-mep" not in additive


def test_matches_for_an_assessment_and_the_partial(framework, loaded):
    assessment, _token = assessment_start(profile={
        "company_name": "Bolton Brackets Ltd", "country": "GB", "region": "North West",
        "employees": 45, "sector": "25",
    })
    bands = dict.fromkeys(framework.spec.dimension_keys, (1, ""))
    answers_save(assessment=assessment, answers=bands)
    in_2020 = evaluation_for_assessment(assessment,
                                        as_of=datetime.date(2020, 11, 30)).match_result
    today = evaluation_for_assessment(assessment).match_result
    assert "made-smarter-nw-adoption-pilot" in [m.slug for m in in_2020.matches]
    closed = {n.slug: n.codes for n in today.near_misses}
    assert closed["made-smarter-nw-adoption-pilot"] == ["closed"]

    html = render_to_string("programmes/_matches.html", {"match_result": in_2020})
    assert "Made Smarter North West Adoption Pilot" in html
    assert "You have 45 employees, within its limit of 249." in html
    assert "What to do next" in html
    assert 'data-blocker="not_yet_open"' in html  # the later regional rollout
    assert "style=" not in html and "<script" not in html  # strict CSP
