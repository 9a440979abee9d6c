"""The international view on the results page and the country pages, in a real browser under
the site's strict CSP: the switch to the policy note's date works in place with htmx, and as a
plain link without JavaScript."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_submitted


def _rows(page, country: str) -> dict[str, str]:
    section = page.locator(f"#international details[data-country={country}]")
    return {row.get_attribute("data-kind"): row.inner_text()
            for row in section.locator("tbody tr").all()}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_international_section_and_its_switch_to_the_notes_date(page, framework,
                                                                     artifacts_dir):
    call_command("load_programmes", verbosity=0)
    assessment, token = make_submitted(company_name="Pennine Pies", sector="10",
                                       region="North West")
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))

    # The page itself stays as fast as before: htmx fills the section from its own URL.
    page.wait_for_selector("#international details[data-country=GB]")
    section = page.locator("#international")
    countries = section.locator("details").evaluate_all(
        "els => els.map(e => e.dataset.country)")
    assert countries == ["GB", "US", "DE", "SG", "KR", "TW"]
    assert section.locator("details[data-country=GB]").get_attribute("open") is not None
    today = _rows(page, "GB")
    assert "Made Smarter Adoption Programme, England" in today["grant"]
    assert "In 9 of 12 UK regions" in today["grant"]
    assert "Made Smarter North West Adoption Pilot" not in today["grant"]
    # Another country's panel opens on a click; an empty kind says so.
    page.locator("#international details[data-country=DE] summary").click()
    germany = _rows(page, "DE")
    assert "Mittelstand-Digital" in germany["advice"] and "free advice" in germany["advice"]
    assert "No national offer found." in germany["grant"]
    page.screenshot(path=str(artifacts_dir / "international-today.png"), full_page=True)

    # With htmx: the section is swapped in place, the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    page.locator("#international-note-date").click()
    page.wait_for_selector("#international-as-of >> text=30 November 2020")
    assert page.evaluate("window.notReloaded") is True
    then = _rows(page, "GB")
    assert "Made Smarter North West Adoption Pilot" in then["grant"]
    assert "grant up to £20k at 50 %" in then["grant"] and "In 1 of 12 UK regions" in then["grant"]
    assert "Running by its recorded dates" in then["grant"]
    assert "confirmed open" not in section.inner_text().lower().replace(
        "never as confirmed open", "")
    page.locator("#international details[data-country=DE] summary").click()
    assert "Digital Jetzt" in _rows(page, "DE")["grant"]
    page.screenshot(path=str(artifacts_dir / "international-2020.png"), full_page=True)
    page.locator("#international-today").click()
    page.wait_for_selector("#international-as-of >> text=" + "Checked as of")
    assert "Made Smarter Adoption Programme, England" in _rows(page, "GB")["grant"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_switch_works_without_javascript(chromium, live_server, framework):
    call_command("load_programmes", verbosity=0)
    assessment, token = make_submitted(company_name="Pennine Pies", sector="10",
                                       region="North West")
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(reverse("readiness:resume", kwargs={"token": token}))
        page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))
        assert page.locator("#international details").count() == 0
        page.locator("#international-show").click()
        page.wait_for_url("**intl=today*")
        assert "Made Smarter Adoption Programme, England" in _rows(page, "GB")["grant"]
        page.locator("#international-note-date").click()
        page.wait_for_url("**intl=2020-11-30*")
        assert "30 November 2020" in page.locator("#international-as-of").inner_text()
        assert "Made Smarter North West Adoption Pilot" in _rows(page, "GB")["grant"]
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_country_pages_from_the_directory(page, artifacts_dir):
    call_command("load_programmes", verbosity=0)
    page.goto("/programmes/")
    page.locator("#country-pages").get_by_role("link", name="Germany").click()
    page.wait_for_url("**/programmes/countries/DE/")
    assert page.get_by_role("heading", level=1).inner_text() == "Industry 4.0 support in Germany"
    institutions = page.locator("#institutions").inner_text()
    assert "Formerly Bundesministerium für Wirtschaft und Klimaschutz (BMWK), until 5 May 2025" \
        in institutions
    timeline = page.locator("#timeline").inner_text()
    assert "Digital Jetzt" in timeline and "Sep 2020 – Dec 2023" in timeline
    assert "Firms served per year is not a recorded field" in page.content()
    page.screenshot(path=str(artifacts_dir / "country-DE.png"), full_page=True)
