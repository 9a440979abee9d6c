"""Issue 13 leftovers in a real Chromium: the radar on a 390 px phone, and forms that never lose
input (the profile and objectives pages save as you go, and warn before leaving unsaved)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import DIMENSION_KEYS, make_submitted

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
