"""An advisor's day in a real Chromium: sign in, filter, open a case, add a note, get the PDF."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from pypdf import PdfReader

from advisors import services
from advisors.models import Coverage, Membership, Note, Organisation
from tests.factories import make_submitted, set_up_second_factor_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caseload(framework):
    hub = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    Coverage.objects.create(organisation=hub, country="GB", region="North West")
    for name, sector in (("Mersey Foods", "10"), ("Pennine Metals", "25"),
                         ("Bolton Bakers", "10")):
        assessment, _ = make_submitted(company_name=name, sector=sector)
        services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann", password="correct horse battery")
    Membership.objects.create(user=user, organisation=hub)
    return hub


def test_advisor_reviews_a_case_end_to_end(page, caseload, artifacts_dir):
    page.goto("/advisor/")
    expect(page).to_have_url(re.compile(r"/advisor/login/"))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    set_up_second_factor_in_browser(page, get_user_model().objects.get(username="ann"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Caseload of North West Hub")
    expect(page.locator("#caseload tbody tr")).to_have_count(3)
    page.get_by_label("Sector").select_option("10")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#caseload tbody tr")).to_have_count(2)
    expect(page.locator("#caseload")).not_to_contain_text("Pennine Metals")

    page.get_by_role("link", name="Mersey Foods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mersey Foods")
    expect(page.locator("svg.radar-chart")).to_be_visible()
    page.get_by_label("Add a note").fill("Visited the site; keen on OEE tracking.")
    page.get_by_label("For the firm: it appears in the firm's PDF report").check()
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes .note")).to_contain_text("keen on OEE tracking")
    page.screenshot(path=str(artifacts_dir / "advisor-review.png"), full_page=True)
    assert Note.objects.filter(text__contains="OEE tracking").count() == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF report").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert "mersey-foods" in download.suggested_filename.lower()
    with open(download.path(), "rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Mersey Foods" in text


def test_wrong_password_says_so_and_keeps_the_username(page, caseload):
    page.goto("/advisor/login/")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile("correct username and password"))).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("ann")
