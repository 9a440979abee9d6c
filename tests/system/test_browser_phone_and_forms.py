"""Issue 13 leftovers in a real Chromium: the radar on a 390 px phone, and forms that never lose
input (the profile and objectives pages save as you go, and warn before leaving unsaved)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import DIMENSION_KEYS, make_assessment, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.getClientRects().length).map(e => {"
        " const r = e.getBoundingClientRect();"
        " return {text: e.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })")


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])


def test_the_radar_is_readable_on_a_390px_phone(page, framework, artifacts_dir):
    bands = dict.fromkeys(DIMENSION_KEYS, 3) | {"facility_intelligence": None,
                                               "shop_floor_connectivity": 1}
    assessment, token = make_submitted(bands, company_name="Pennine Pies", sector="10")
    page.set_viewport_size(PHONE)
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))
    chart = page.locator("#chart-heading").locator("xpath=..")
    chart.scroll_into_view_if_needed()
    chart.screenshot(path=str(artifacts_dir / "radar-390.png"))

    # The desktop chart (names round the circle, 4 px on a phone) is not shown; the phone's is.
    expect(chart.locator(".d-none.d-sm-block svg")).to_be_hidden()
    phone = chart.locator(".radar-phone svg")
    expect(phone).to_be_visible()
    numbers = _boxes(page, ".radar-phone .radar-number")
    assert [n["text"] for n in numbers] == [str(i) for i in range(1, 17)]
    view = page.viewport_size
    for number in numbers:
        assert number["h"] >= 12, number  # at least 12 px tall on the screen
        assert number["x"] >= 0 and number["x"] + number["w"] <= view["width"], number
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            assert not _overlap(a, b), (a, b)
    legend = chart.locator(".radar-legend li")
    expect(legend).to_have_count(16)
    expect(legend.nth(0)).to_have_text("Vertical Integration: 3")
    size = page.eval_on_selector(".radar-legend", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 12
    expect(chart.locator(".radar-legend")).to_contain_text("Facility Intelligence: n/a")
    # Not applicable is a gap: no point on its spoke, and the outline breaks there.
    assert phone.locator("circle").count() == 15
    assert phone.locator(".radar-outline").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # "Every dimension" is one block per dimension on a phone: nothing runs off the screen.
    table = page.locator("#dimension-table")
    table.scroll_into_view_if_needed()
    assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    table.locator("tbody tr").nth(6).screenshot(path=str(artifacts_dir / "dimension-row-390.png"))


def _open_draft(page, **profile):
    assessment, token = make_assessment(**profile)
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    return assessment


def _step_link(page, title: str):
    return page.locator(".step-list a", has_text=title)


def test_profile_changes_are_kept_when_leaving_by_a_step_link(page, framework, artifacts_dir):
    assessment = _open_draft(page, employees=80, company_name="Buckeye Moulding", country="US",
                             region="OH", sector="22")
    page.goto(reverse("readiness:profile", kwargs={"public_id": assessment.public_id}))
    page.get_by_label("Employees (headcount)").fill("85")
    # Straight to another step, without a button: the change is saved first.
    _step_link(page, "Objectives").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectives")
    assessment.refresh_from_db()
    assert assessment.employees == 85
    _step_link(page, "Your firm").click()
    expect(page.get_by_label("Employees (headcount)")).to_have_value("85")

    # A number that is not one is not saved, stays as typed, and leaving asks first.
    page.get_by_label("Employees (headcount)").fill("eighty")
    page.get_by_label("Employees (headcount)").blur()
    expect(page.locator("#autosave-status")).to_contain_text("Not saved yet")
    expect(page.locator("#autosave-status")).to_contain_text("whole number")
    asked: list[str] = []

    def stay(dialog) -> None:  # the firm stays to correct it
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", stay)
    _step_link(page, "Objectives").click()
    for _ in range(50):  # the question comes once the save has been refused
        if asked:
            break
        page.wait_for_timeout(100)
    assert asked and "not saved" in asked[0]
    expect(page.get_by_label("Employees (headcount)")).to_have_value("eighty")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tell us about your firm")
    page.screenshot(path=str(artifacts_dir / "profile-not-saved.png"), full_page=True)
    assessment.refresh_from_db()
    assert assessment.employees == 85


def test_the_currency_follows_the_country_until_the_firm_picks_one(page, framework):
    assessment = _open_draft(page)
    page.goto(reverse("readiness:profile", kwargs={"public_id": assessment.public_id}))
    currency = page.get_by_label("Currency")
    expect(currency).to_have_value("GBP")
    page.get_by_label("Country").select_option("US")
    expect(currency).to_have_value("USD")
    currency.select_option("EUR")  # the firm's own choice stays
    page.get_by_label("Country").select_option("DE")
    page.get_by_label("Country").select_option("SG")
    expect(currency).to_have_value("EUR")


def test_objectives_and_cost_shares_are_kept_and_totalled(page, framework, artifacts_dir):
    assessment = _open_draft(page)
    page.goto(reverse("readiness:objectives", kwargs={"public_id": assessment.public_id}))
    for key in ("productivity", "quality", "flexibility"):
        page.locator(f"input[name=objectives][value={key}]").check()
    total = page.locator("#cost-total")
    expect(total).to_have_text("Total: 0 %. Leave them all empty, or make them add up to 100 %.")
    page.get_by_label("Labour (%)").fill("50")
    page.get_by_label("Materials (%)").fill("30")
    expect(total).to_have_text("Total: 80 %, so 20 % is still to place.")
    page.get_by_label("Energy (%)").fill("40")
    expect(total).to_have_text("Total: 120 %, which is 20 % too many.")
    page.get_by_role("button", name="Scale them to 100 %").click()
    expect(total).to_have_text("Total: 100 %. That adds up.")
    # 50:30:40 scaled: 41.7, 25, 33.3, rounded by largest remainders to 42, 25, 33.
    expect(page.get_by_label("Labour (%)")).to_have_value("42")
    expect(page.get_by_label("Energy (%)")).to_have_value("33")
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    page.screenshot(path=str(artifacts_dir / "objectives-total.png"), full_page=True)

    page.locator("input[name=objectives][value=flexibility]").uncheck()
    page.locator("input[name=objectives][value=cost]").check()
    _step_link(page, "Review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review your answers")
    assessment.refresh_from_db()
    assert assessment.objectives == ["productivity", "quality", "cost"]
    assert assessment.cost_profile == {"labour": 42, "materials": 25, "energy": 33}


def test_peers_on_the_results_page_at_desktop_and_phone_widths(page, framework, artifacts_dir):
    from tests.readiness.test_firm_peers import _cohort

    _cohort(12)
    assessment, token = make_submitted({"vertical_integration": 5, "shop_floor_automation": 1},
                                       sector="22", employees=80, company_name="Buckeye")
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:results", kwargs={"public_id": assessment.public_id}))
    peers = page.locator("#firm-peers")
    expect(peers.locator("#firm-peer-table")).to_contain_text("above most peers")
    page.locator("#chart-heading").locator("xpath=..").screenshot(
        path=str(artifacts_dir / "radar-peers-1280.png"))
    peers.screenshot(path=str(artifacts_dir / "peers-1280.png"))
    page.set_viewport_size(PHONE)
    expect(page.locator(".radar-phone .radar-comparison")).to_be_visible()
    peers.scroll_into_view_if_needed()
    peers.screenshot(path=str(artifacts_dir / "peers-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # The table fits the phone: nothing to scroll sideways inside it either.
    table = page.locator("#firm-peer-table")
    assert table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth") <= 0
    expect(table.locator("tbody tr").first).to_contain_text("above most peers")
