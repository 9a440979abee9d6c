"""Forms of the questionnaire: every bad input of issue 2 is refused with a message on its field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from readiness.forms import NOT_APPLICABLE, ObjectivesForm, PillarForm, ProfileForm, ResumeForm
from readiness.framework import load_framework
from tests.factories import DIMENSIONS_OF, PILLAR_KEYS, profile_post

SPEC = load_framework(1)


# --- Profile ----------------------------------------------------------------------------------


def test_valid_profile():
    form = ProfileForm(profile_post(turnover="2500000", turnover_currency="GBP",
                                    contact_email="ops@acme.example"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["employees"] == 45
    assert form.cleaned_data["turnover"] == Decimal("2500000")
    assert form.cleaned_data["region"] == "North West"


@pytest.mark.parametrize(
    ("employees", "message"),
    [
        ("0", "Headcount must be at least 1."),
        ("-3", "Headcount must be at least 1."),
        ("forty", "Enter the number of people as a whole number"),
        ("4.5", "Enter the number of people as a whole number"),
        ("", "This field is required."),
        (None, "This field is required."),
    ],
    ids=["zero", "negative", "text", "fraction", "empty", "missing"],
)
def test_bad_headcount(employees, message):
    form = ProfileForm(profile_post(employees=employees))
    assert not form.is_valid()
    assert list(form.errors) == ["employees"]
    assert any(message in e for e in form.errors["employees"])


@pytest.mark.parametrize(
    ("country", "region"),
    [("GB", "Narnia"), ("GB", "OH"), ("US", "XX"), ("US", "North West"), ("DE", "ZZ")],
)
def test_region_not_of_the_country(country, region):
    form = ProfileForm(profile_post(country=country, region=region))
    assert not form.is_valid()
    assert list(form.errors) == ["region"]
    assert form.errors["region"] == [f"“{region}” is not a region of this country."]


@pytest.mark.parametrize("country", ["GB", "US"])
def test_region_required_in_gb_and_us(country):
    form = ProfileForm(profile_post(country=country, region=""))
    assert not form.is_valid()
    assert form.errors["region"] == [
        "Choose your region: it decides which regional programmes you can use."]
    assert form.fields["region"].required  # the label carries the "*"


def test_region_optional_elsewhere():
    form = ProfileForm(profile_post(country="SG", region=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == ""
    assert not form.fields["region"].required


@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [("GB", "north west", "North West"), ("US", "oh", "OH"), ("DE", "de-by", "DE-BY")],
)
def test_region_is_matched_case_insensitively(country, region, expected):
    form = ProfileForm(profile_post(country=country, region=region))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == expected


def test_turnover_without_currency():
    # Japan has no default currency here (a GB firm gets GBP: tests/readiness/test_forms_typed_numbers.py).
    form = ProfileForm(profile_post(country="JP", region="", turnover="1000000",
                                    turnover_currency=""))
    assert not form.is_valid()
    assert list(form.errors) == ["turnover_currency"]
    assert form.errors["turnover_currency"] == ["Choose the currency of your turnover."]


def test_currency_without_turnover_is_dropped():
    form = ProfileForm(profile_post(turnover="", turnover_currency="EUR"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["turnover_currency"] == ""


@pytest.mark.parametrize("sector", ["", "5", "100", "ab", "04"])
def test_bad_sector(sector):
    form = ProfileForm(profile_post(sector=sector))
    assert not form.is_valid()
    assert list(form.errors) == ["sector"]


def test_bad_country_and_email():
    form = ProfileForm(profile_post(country="XX", contact_email="not-an-email"))
    assert not form.is_valid()
    assert set(form.errors) == {"country", "contact_email"}


# --- Pillar -----------------------------------------------------------------------------------

AUTOMATION = DIMENSIONS_OF["automation"]


def pillar_data(**overrides):
    data = {f"band_{k}": str(i + 1) for i, k in enumerate(AUTOMATION)}
    data |= {f"evidence_{k}": f"note {k}" for k in AUTOMATION}
    data.update(overrides)
    return data


def test_pillar_form_fields_follow_the_pillar():
    for pillar in PILLAR_KEYS:
        form = PillarForm(spec=SPEC, pillar_key=pillar)
        expected = [f"{prefix}_{k}" for k in DIMENSIONS_OF[pillar]
                    for prefix in ("band", "basis", "evidence")]
        assert list(form.fields) == expected


def test_valid_pillar_answers():
    form = PillarForm(pillar_data(band_facility_automation=NOT_APPLICABLE),
                      spec=SPEC, pillar_key="automation")
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "shop_floor_automation": (1, "note shop_floor_automation", ""),
        "enterprise_automation": (2, "note enterprise_automation", ""),
        "facility_automation": (None, "note facility_automation", ""),
    }


def test_unanswered_dimension_is_left_out():
    data = pillar_data()
    del data["band_enterprise_automation"]
    form = PillarForm(data, spec=SPEC, pillar_key="automation")
    assert form.is_valid(), form.errors
    assert set(form.answers()) == {"shop_floor_automation", "facility_automation"}


@pytest.mark.parametrize("band", ["7", "6", "-1", "abc", "1.5", " "])
def test_band_out_of_range(band):
    form = PillarForm(pillar_data(band_enterprise_automation=band),
                      spec=SPEC, pillar_key="automation")
    assert not form.is_valid()
    assert list(form.errors) == ["band_enterprise_automation"]
    assert "Choose one of the bands 0 to 5" in form.errors["band_enterprise_automation"][0]
    # Autosave keeps the valid answers and leaves the bad one out.
    assert set(form.answers(valid_only=True)) == {"shop_floor_automation", "facility_automation"}


@pytest.mark.parametrize("name", ["band_not_a_dimension", "band_vertical_integration",
                                  "evidence_strategy_governance"])
def test_tampered_dimension_key(name):
    form = PillarForm(pillar_data(**{name: "3"}), spec=SPEC, pillar_key="automation")
    assert not form.is_valid()
    assert name in form.non_field_errors()[0]
    assert form.non_field_errors().as_data()[0].code == "unknown_dimension"


def test_oversized_evidence():
    form = PillarForm(pillar_data(evidence_facility_automation="x" * 2001),
                      spec=SPEC, pillar_key="automation")
    assert not form.is_valid()
    assert list(form.errors) == ["evidence_facility_automation"]
    assert "at most 2000 characters" in form.errors["evidence_facility_automation"][0]


def test_evidence_of_exactly_2000_characters_is_fine():
    form = PillarForm(pillar_data(evidence_facility_automation="x" * 2000),
                      spec=SPEC, pillar_key="automation")
    assert form.is_valid(), form.errors


# --- Objectives and cost profile --------------------------------------------------------------


def test_valid_objectives_and_costs():
    form = ObjectivesForm({"objectives": ["quality", "speed"], "cost_labour": "60",
                           "cost_materials": "40"}, spec=SPEC)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["objectives"] == ["quality", "speed"]
    assert form.cleaned_data["cost_profile"] == {"labour": 60, "materials": 40}


def test_everything_empty_is_fine():
    form = ObjectivesForm({}, spec=SPEC)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["objectives"] == []
    assert form.cleaned_data["cost_profile"] == {}


def test_more_than_three_objectives():
    form = ObjectivesForm({"objectives": ["quality", "speed", "cost", "safety"]}, spec=SPEC)
    assert not form.is_valid()
    assert list(form.errors) == ["objectives"]
    assert form.errors["objectives"] == ["Choose at most three objectives (you chose 4)."]


def test_unknown_objective():
    form = ObjectivesForm({"objectives": ["growth"]}, spec=SPEC)
    assert not form.is_valid()
    assert list(form.errors) == ["objectives"]


@pytest.mark.parametrize(
    ("shares", "total"),
    [({"cost_labour": "60", "cost_energy": "30"}, 90),
     ({"cost_labour": "60", "cost_energy": "50"}, 110),
     ({"cost_overheads": "0"}, 0)],
)
def test_cost_shares_not_adding_up_to_100(shares, total):
    form = ObjectivesForm(shares, spec=SPEC)
    assert not form.is_valid()
    assert form.non_field_errors().as_data()[0].code == "cost_total"
    assert f"add up to {total} %" in form.non_field_errors()[0]


@pytest.mark.parametrize("value", ["-5", "101", "ten", "12.5"])
def test_bad_cost_share(value):
    form = ObjectivesForm({"cost_labour": value}, spec=SPEC)
    assert not form.is_valid()
    assert "cost_labour" in form.errors


# --- Resume -----------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["http://x.example/resume/abc123/", "abc123", " /resume/abc123 "])
def test_resume_form_extracts_the_token(link):
    form = ResumeForm({"link": link})
    assert form.is_valid()
    assert form.cleaned_data["link"] == "abc123"
