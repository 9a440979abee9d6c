"""Seen in Chromium as a new user and a staff member would (issue 12): a match card with its
status, checked-on date and the contact for the firm's region; the programme page that follows
from it; and the staff "needs checking" queue. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from programmes.models import Programme
from tests.factories import make_submitted, set_up_second_factor_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bolton_firm_sees_status_checked_on_and_its_own_regions_contact(page, framework,
                                                                         artifacts_dir):
    call_command("load_programmes", verbosity=0)
    assessment, token = make_submitted(company_name="Bolton Brackets Ltd", region="North West")
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))

    england = Programme.objects.get(slug="made-smarter-adoption-england")
    card = page.locator(".programme-match[data-programme='made-smarter-adoption-england']")
    expect(card).to_be_visible()
    checked = f"{england.status_checked_on.day} {england.status_checked_on:%B %Y}"
    status = card.get_by_test_id("match-status")
    expect(status).to_contain_text(checked)
    if england.is_stale_on(assessment.submitted_at.date()):
        expect(status).to_contain_text(f"Last confirmed open on {checked}")
        expect(status).to_contain_text("Check that it is still running")
    contact = card.get_by_test_id("match-contact")
    expect(contact).to_contain_text("Made Smarter: register for your region")
    expect(contact).not_to_contain_text("London")
    expect(page.locator("#fit-explained")).to_contain_text("How \"fit\" is worked out")
    # The closed North West pilot is history, not a near miss.
    expect(page.get_by_test_id("near-misses-dates").locator(
        "[data-programme='made-smarter-nw-adoption-pilot']")).to_have_count(0)
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(artifacts_dir / "match-card-status.png"))
    page.screenshot(path=str(artifacts_dir / "results-matches-status.png"), full_page=True)

    card.get_by_role("link", name=england.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(england.name)
    delivery = page.get_by_test_id("delivery")
    expect(page.get_by_role("heading", name="Who to contact in North West")).to_be_visible()
    expect(delivery).to_contain_text("Made Smarter: register for your region")
    expect(delivery).not_to_contain_text("London & Partners")
    expect(page.locator("main")).not_to_contain_text("Delivers Made Smarter in London")
    expect(page.get_by_test_id("programme-status")).to_contain_text(checked)
    page.screenshot(path=str(artifacts_dir / "programme-page-north-west.png"), full_page=True)


def test_staff_work_the_needs_checking_queue(page, artifacts_dir):
    call_command("load_programmes", verbosity=0)
    curator = get_user_model().objects.create_superuser("curator", "c@example.com",
                                                        "curate-1234-pw")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("curate-1234-pw")
    page.get_by_role("button", name="Log in").click()
    set_up_second_factor_in_browser(page, curator)

    page.goto(reverse("admin:programmes_programme_changelist"))
    page.get_by_role("link", name="Needs checking").click()
    page.wait_for_url("**needs_checking=yes*")
    rows = page.locator("#result_list tbody tr")
    expected = Programme.objects.needs_checking_on(timezone.localdate()).count()
    assert expected > 0
    expect(page.locator(".paginator")).to_contain_text(f"{expected} programme")
    expect(rows.first.locator("td.field-check_reason")).not_to_have_text("-")
    unknown = Programme.objects.filter(status="unknown").order_by("country", "name").first()
    expect(page.locator("#result_list")).to_contain_text(unknown.name)
    page.screenshot(path=str(artifacts_dir / "staff-needs-checking-queue.png"))

    # Checking one against its source takes it out of the queue, and the history keeps it.
    page.get_by_role("link", name=unknown.name, exact=True).first.click()
    page.locator("#id_status").select_option("open")
    page.locator("#id_status_checked_on").fill(timezone.localdate().isoformat())
    page.locator("#id_status_source").fill(
        '{"title": "Programme page", "url": "https://example.org/"}')
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    unknown.refresh_from_db()
    assert unknown.status == "open" and unknown.status_checked_on == timezone.localdate()
    assert not Programme.objects.needs_checking_on(timezone.localdate()).filter(
        pk=unknown.pk, closes_on__isnull=True, rounds=[]).exists()
    assert [h.status for h in unknown.history.order_by("history_id")][-2:] == ["unknown", "open"]
