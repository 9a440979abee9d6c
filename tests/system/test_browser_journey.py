"""The assessment journey in a real Chromium (Playwright), against the live test server."""

from __future__ import annotations

import re
from statistics import fmean

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from readiness.models import Answer, Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One band per dimension, in framework order; the mean is computed below, not hard-coded.
BANDS = [2, 1, 3, 2, 1, 0, 2, 3, 1, 1, 2, 0, 3, 2, 4, 1]


def fill_profile(page, *, name="Pennine Precision Ltd", employees="45"):
    page.get_by_label("Firm name").fill(name)
    # GB is preselected; choosing it again would reload the region list under our feet.
    expect(page.get_by_label("Country")).to_have_value("GB")
    page.get_by_label("Region").select_option("North West")
    page.get_by_label("Sector").select_option("25")
    page.get_by_label("Employees (headcount)").fill(employees)
    page.get_by_label("Contact email (optional)").fill("owner@pennine.example")


def choose_band(page, key: str, band: int | None):
    suffix = "na" if band is None else str(band)
    page.locator(f"label[for='id_band_{key}_{suffix}']").click()


def test_new_user_completes_assessment_and_sees_results(page, framework, spec, artifacts_dir):
    call_command("load_programmes", verbosity=0)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Industry 4.0")
    expect(page.get_by_text("About 20 minutes")).to_be_visible()
    page.get_by_role("link", name="Start the assessment").click()

    fill_profile(page)
    page.get_by_role("button", name="Save and continue").click()

    keys = list(spec.dimension_keys)
    answers = dict(zip(keys, BANDS, strict=True))
    for pillar in spec.pillars.values():
        expect(page.get_by_role("heading", level=1)).to_have_text(pillar.name)
        expect(page.locator("#resume-link")).to_have_value(re.compile(r"/resume/[\w-]{40,}/$"))
        for key in pillar.dimensions:
            choose_band(page, key, answers[key])
        page.get_by_role("button", name=re.compile("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Objectives and cost profile")
    page.get_by_label(re.compile("Productivity:")).check()
    page.get_by_label(re.compile("Quality:")).check()
    page.get_by_label("Labour (%)").fill("50")
    page.get_by_label("Materials (%)").fill("30")
    page.get_by_label("Energy (%)").fill("20")
    page.get_by_role("button", name=re.compile("Save and continue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    expect(page.get_by_text("Not answered yet")).to_have_count(0)
    page.get_by_role("button", name="Submit and see my results").click()

    expected_overall = fmean(BANDS)
    expect(page.locator("#overall-score")).to_contain_text(f"{expected_overall:.1f}")
    expect(page.locator("svg.radar-chart")).to_be_visible()
    expect(page.locator("svg.radar-chart circle")).to_have_count(len(BANDS))
    expect(page.locator("#priorities li.priority")).to_have_count(5)
    expect(page.locator("#dimension-table tbody tr")).to_have_count(16)
    # Matched support with its reasons; near misses with why not (the pilot closed in 2021).
    match = page.locator("[data-programme='made-smarter-adoption-england']")
    expect(match).to_contain_text("You are in the North West")
    expect(match).to_contain_text("45 employees")
    pilot = page.locator(".near-miss[data-programme='made-smarter-nw-adoption-pilot']")
    expect(pilot.locator("[data-blocker='closed']")).to_contain_text("It is closed")
    expect(pilot.locator("[data-blocker='closed']")).to_contain_text(
        "Its successor is Made Smarter Adoption Programme, North West")
    page.screenshot(path=str(artifacts_dir / "results-page.png"), full_page=True)

    assessment = Assessment.objects.get(company_name="Pennine Precision Ltd")
    assert assessment.status == Assessment.Status.SUBMITTED
    stored = dict(assessment.answers.values_list("dimension_key", "band"))
    assert stored == answers
    assert assessment.objectives == ["productivity", "quality"]
    assert assessment.cost_profile == {"labour": 50, "materials": 30, "energy": 20}


def test_leave_midway_and_resume_in_new_browser(page, framework, spec, chromium, live_server):
    page.goto("/start/")
    fill_profile(page, name="Resumable Foods")
    page.get_by_role("button", name="Save and continue").click()

    # Operations, then Supply chain through "Next"; Product lifecycle only by autosave.
    choose_band(page, "vertical_integration", 3)
    page.get_by_label("Evidence or comment (optional)").fill("MES on line 2 only")
    page.get_by_role("button", name=re.compile("Save and continue")).click()
    choose_band(page, "horizontal_integration", None)
    page.get_by_role("button", name=re.compile("Save and continue")).click()
    choose_band(page, "integrated_product_lifecycle", 4)
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    link = page.locator("#resume-link").input_value()

    fresh = chromium.new_context(base_url=live_server.url)
    try:
        other = fresh.new_page()
        other.goto(link)
        # Everything up to Product lifecycle is answered, so it carries on at Automation.
        expect(other.get_by_role("heading", level=1)).to_have_text("Automation")
        other.get_by_role("link", name=re.compile(r"\d+\. Operations")).click()
        expect(other.locator("#id_band_vertical_integration_3")).to_be_checked()
        expect(other.get_by_label("Evidence or comment (optional)")).to_have_value(
            "MES on line 2 only")
        other.get_by_role("link", name=re.compile(r"\d+\. Supply Chain")).click()
        expect(other.locator("#id_band_horizontal_integration_na")).to_be_checked()
        other.get_by_role("link", name=re.compile(r"\d+\. Product Lifecycle")).click()
        expect(other.locator("#id_band_integrated_product_lifecycle_4")).to_be_checked()
    finally:
        fresh.close()

    assessment = Assessment.objects.get(company_name="Resumable Foods")
    assert dict(Answer.objects.filter(assessment=assessment)
                .values_list("dimension_key", "band")) == {
        "vertical_integration": 3, "horizontal_integration": None,
        "integrated_product_lifecycle": 4}


def test_validation_error_shows_message_and_keeps_input(page, framework):
    page.goto("/start/")
    fill_profile(page, name="Kept Input GmbH", employees="0")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Headcount must be at least 1.")).to_be_visible()
    expect(page.get_by_label("Firm name")).to_have_value("Kept Input GmbH")
    expect(page.get_by_label("Region")).to_have_value("North West")
    expect(page.get_by_label("Sector")).to_have_value("25")
    expect(page.get_by_label("Contact email (optional)")).to_have_value("owner@pennine.example")
    assert not Assessment.objects.filter(company_name="Kept Input GmbH").exists()

    page.get_by_label("Employees (headcount)").fill("12")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")


def test_cost_shares_error_keeps_objectives(page, framework):
    page.goto("/start/")
    fill_profile(page, name="Shares Ltd")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name=re.compile(r"\d+\. Objectives and costs")).click()
    page.get_by_label(re.compile("Flexibility:")).check()
    page.get_by_label("Labour (%)").fill("70")
    page.get_by_label("Energy (%)").fill("20")
    page.get_by_role("button", name=re.compile("Save and go to review")).click()

    expect(page.get_by_text(re.compile("add up to 90"))).to_be_visible()
    expect(page.get_by_label(re.compile("Flexibility:"))).to_be_checked()
    expect(page.get_by_label("Labour (%)")).to_have_value("70")


def test_country_change_offers_that_countrys_regions(page, framework):
    page.goto("/start/")
    required_marker = page.locator("label[for=id_region] .asteriskField")
    expect(required_marker).to_have_count(1)  # GB, preselected: regional programmes
    page.get_by_label("Country").select_option("DE")
    expect(page.locator("#id_region option[value='DE-BY']")).to_have_count(1)
    expect(required_marker).to_have_count(0)
    page.get_by_label("Country").select_option("US")
    expect(page.locator("#id_region option[value='OH']")).to_have_count(1)
    expect(required_marker).to_have_count(1)
    page.get_by_label("Region").select_option("OH")
    expect(page.get_by_label("Region")).to_have_value("OH")


def test_small_screens_fold_the_navigation_into_a_menu_button(page, framework):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    sign_in = page.get_by_role("link", name="Advisor sign-in")
    expect(sign_in).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sign_in).to_be_visible()
    sign_in.click()
    expect(page).to_have_url(re.compile("/advisor/login/"))
    page.set_viewport_size({"width": 1280, "height": 900})  # wide: the links show, no button
    expect(page.get_by_role("link", name="Advisor sign-in")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
