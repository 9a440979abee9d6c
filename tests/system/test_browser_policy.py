"""A programme manager opens the policy lens in a real Chromium, changes what it shows and
downloads a table with its sources."""

from __future__ import annotations

import datetime
import io
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from advisors.models import Membership, Organisation
from programmes.models import Programme, SupportKind
from readiness.models import Assessment
from tests.factories import make_submitted, set_up_second_factor_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(framework):
    hub = Organisation.objects.create(name="Programme office", slug="office")
    user = get_user_model().objects.create_user("pm", password="correct horse battery",
                                                is_staff=True)
    Membership.objects.create(user=user, organisation=hub, role=Membership.Role.MANAGER)
    pilot = Programme.objects.create(
        slug="nw-pilot", name="North West adoption pilot", country="GB",
        summary="Advice and grants.", source_title="Pilot evaluation",
        source_url="https://example.org/pilot", facts_as_of=datetime.date(2026, 1, 5),
        eligible_countries=["GB"], eligible_regions=["North West"],
        opens_on=datetime.date(2019, 4, 1), status="open",
        status_checked_on=timezone.localdate())
    pilot.kinds.add(SupportKind.objects.get_or_create(key="advice")[0])
    made = [make_submitted(company_name=f"Firm {i}", region=region)[0]
            for i, region in enumerate(["North West"] * 12 + ["Scotland"] * 3)]
    Assessment.objects.filter(pk__in=[a.pk for a in made]).update(
        contact_email_verified_at=timezone.now())
    return user


def test_a_programme_manager_reads_the_policy_lens(page, office, artifacts_dir):
    page.goto("/advisor/policy/")
    page.get_by_label("Username").fill("pm")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    set_up_second_factor_in_browser(page, office)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Policy lens")
    expect(page.locator("#policy-summary")).to_contain_text("15 assessed firms")
    expect(page.get_by_label("As of")).to_have_value(timezone.localdate().isoformat())
    coverage = page.locator("#coverage-table")
    north_west = coverage.locator("tr", has_text="North West")
    expect(north_west.locator("td").nth(1)).to_have_text("0 %")  # January 2018: not yet open
    expect(north_west.locator("svg polyline")).to_have_count(1)
    expect(north_west.locator("td").last).to_have_text("100 %")
    expect(coverage.locator("tr", has_text="Scotland").locator("td").last).to_have_text(
        "suppressed")
    expect(page.locator("#blockers-table")).to_contain_text("North West adoption pilot")
    page.screenshot(path=str(artifacts_dir / "policy-lens.png"), full_page=True)

    page.get_by_label("Kind of support").select_option("training")
    page.get_by_label("Rules of").select_option("DE")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#coverage-heading")).to_contain_text("training in United Kingdom")
    expect(page.locator("#transfer-heading")).to_contain_text("Germany")
    expect(page).to_have_url(re.compile(r"kind=training"))

    with page.expect_download() as download_info:
        page.locator("#blockers").get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith("policy-blockers-")
    with open(download.path(), "rb") as handle:
        sheets = pd.read_excel(io.BytesIO(handle.read()), sheet_name=None)
    pilot = sheets["blockers"][sheets["blockers"]["programme"] == "nw-pilot"].iloc[0]
    assert (pilot["eligible"], pilot["only_region"]) == (12, 3)
    assert "https://example.org/pilot" in sheets["sources"]["source_url"].tolist()
