"""From a submitted assessment to the plan, in a real Chromium (Playwright)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import DIMENSION_KEYS, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIE_BANDS = dict.fromkeys(DIMENSION_KEYS, 2) | {
    "vertical_integration": 1, "shop_floor_automation": 1, "shop_floor_connectivity": 0,
    "shop_floor_intelligence": 1, "facility_intelligence": None,
}


def test_owner_reads_the_plan_sets_a_target_and_downloads_it(page, framework, artifacts_dir):
    call_command("load_programmes", verbosity=0)
    assessment, token = make_submitted(PIE_BANDS, company_name="Pennine Pies", sector="10")
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))

    summary = page.locator("#owner-summary")
    expect(summary).to_contain_text("Pennine Pies has defined ways of working")
    expect(summary).to_contain_text("Start with “Reliable network on the shop floor”")

    # The impact decimals are there, but only behind "Why this order".
    first = page.locator("#priorities .priority").first
    expect(first.locator(".components")).to_be_hidden()
    first.get_by_text("Why this order").click()
    expect(first.locator(".components")).to_be_visible()

    plan = page.locator("#plan")
    expect(plan.get_by_role("heading", name="0-6 months")).to_be_visible()
    expect(plan.locator("[data-project='sfa-12-first-programmable-machine']")).to_contain_text(
        "An automatic depositor or former")
    expect(plan).not_to_contain_text("lathe")
    page.screenshot(path=str(artifacts_dir / "plan-results-1280.png"), full_page=True)
    page.screenshot(path=str(artifacts_dir / "plan-results-top.png"))
    plan.screenshot(path=str(artifacts_dir / "plan-section-1280.png"))

    # The firm aims higher on strategy: the plan follows.
    plan.get_by_text("Set your own target bands").click()
    page.get_by_label("Strategy and Governance", exact=True).select_option("4")
    page.get_by_role("button", name="Update the plan").click()
    expect(page.get_by_text("Your plan now follows the target bands you chose.")).to_be_visible()
    strategy = page.locator("#plan .plan-step[data-dimension='strategy_governance']")
    expect(strategy).to_have_count(2)
    expect(strategy.last).to_contain_text("band 3 → 4")
    expect(page.get_by_label("Strategy and Governance", exact=True)).to_have_value("4")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the one-page plan (PDF)").click()
    pdf = PdfReader(download_info.value.path())
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Pennine Pies: the next 24 months" in text
    assert "Strategy and Governance: band 3 → 4" in text

    # The application pack for the programme that could fund it, with its text to copy.
    page.locator("#pack-links").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Application pack:")
    expect(page.locator("#pack-project-list")).to_contain_text("An automatic depositor")
    expect(page.locator("#pack-text")).to_have_value(
        re.compile(r"^Pennine Pies: application notes for "))
    page.get_by_role("button", name="Copy the text").click()
    page.screenshot(path=str(artifacts_dir / "plan-pack.png"), full_page=True)
    page.go_back()

    # On a phone the plan stays readable: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#plan").scroll_into_view_if_needed()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(artifacts_dir / "plan-results-390.png"), full_page=True)
    page.locator("#plan").screenshot(path=str(artifacts_dir / "plan-section-390.png"))
    assert page.problems == []


def test_re_assessment_shows_progress_and_shares_in_one_click(page, framework, artifacts_dir):
    from advisors.models import Organisation, Share
    from advisors.services import share_create
    from readiness import services

    first, _ = make_submitted(company_name="Pennine Pies", sector="10")
    hub = Organisation.objects.create(slug="nw-hub", name="North West Growth Hub")
    share_create(assessment=first, organisation=hub)
    profile = {f: getattr(first, f) for f in services.PROFILE_FIELDS}
    second, token = services.assessment_start(profile=profile, previous=first)
    bands = dict.fromkeys(DIMENSION_KEYS, 2) | {"shop_floor_automation": 3,
                                                "facility_intelligence": None}
    services.answers_save(assessment=second, answers={k: (b, "") for k, b in bands.items()})
    services.assessment_submit(assessment=second)

    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": second.public_id}))
    progress = page.locator("#progress")
    expect(progress).to_contain_text("Your progress since")
    expect(progress.locator("#progress-table")).to_contain_text("Shop Floor Automation")
    expect(progress.locator(".radar-comparison").first).to_be_attached()
    progress.screenshot(path=str(artifacts_dir / "plan-progress.png"))

    page.get_by_role("button", name="Share this one with them too").click()
    expect(page.get_by_text("Shared with North West Growth Hub, as your previous assessment "
                            "was.")).to_be_visible()
    expect(page.locator("#share-again")).to_have_count(0)
    assert Share.objects.filter(assessment=second, organisation=hub).exists()
    assert page.problems == []
