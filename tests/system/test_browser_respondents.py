"""Several respondents in a real Chromium (issue 16): a lead invites two colleagues, all three
answer (the colleagues on a 390 px phone), the divergence view shows the disagreement, the lead
agrees the bands, and the results and the PDF carry the confidence."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from readiness import services
from readiness.models import Assessment
from tests.factories import DIMENSION_KEYS, make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _invite(page, role: str, name: str = "") -> str:
    page.get_by_label("Their role").select_option(role)
    if name:
        page.get_by_label("Name (optional)").fill(name)
    page.get_by_role("button", name="Create their personal link").click()
    expect(page.get_by_text("is invited.")).to_be_visible()
    return page.locator("#team-members li").last.locator("input[readonly]").input_value()


def _colleague_answers(chromium, live_server, link: str, band: str, shot, artifacts_dir,
                       *, unknown: str | None = None):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    phone = context.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Your view of Pennine Pies")).to_be_visible()
    phone.get_by_role("link", name="Operations").click()
    expect(phone.get_by_text("Only you see your answers.")).to_be_visible()
    phone.locator(f"label[for='id_band_vertical_integration_{band}']").click()
    phone.locator("label[for='id_basis_vertical_integration_observed']").click()
    expect(phone.locator("#autosave-status")).to_contain_text("Saved at")
    if shot:
        phone.screenshot(path=str(artifacts_dir / "respondent-pillar-390.png"), full_page=True)
    phone.get_by_role("button", name="Save and continue: Supply Chain").click()
    if unknown:
        phone.goto(phone.url.replace("supply_chain", "automation"))
        phone.get_by_label("Don't know (left out", exact=False).first.check()
        phone.get_by_role("button", name="Save and see my answers").click()
    else:
        phone.get_by_role("button", name="Save and see my answers").click()
    own = phone.locator("#own-answers")
    expect(own).to_contain_text(f"band {band}")
    expect(own).not_to_contain_text("band 2")  # never the lead's answers
    phone.get_by_role("button", name="I am done: tell my colleague").click()
    expect(phone.get_by_text("Thank you: your answers are with your colleague.")).to_be_visible()
    if shot:
        phone.screenshot(path=str(artifacts_dir / "respondent-home-390.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the respondent's page scrolls sideways ({width}px)"
    context.close()


def test_a_lead_and_two_colleagues_agree_and_the_results_carry_the_confidence(
        page, chromium, live_server, framework, artifacts_dir):
    call_command("load_programmes", verbosity=0)
    assessment, token = make_assessment(company_name="Pennine Pies", sector="10")
    services.answers_save(assessment=assessment,
                          answers=dict.fromkeys(DIMENSION_KEYS, (2, "", "document")))
    page.goto(reverse("readiness:resume", kwargs={"token": token}))
    page.goto(reverse("readiness:review", kwargs={"public_id": assessment.public_id}))
    page.locator("#team-card").get_by_role("link", name="Invite colleagues").click()
    priya = _invite(page, "it", "Priya")
    floor = _invite(page, "shop_floor")
    assert priya != floor and "/team/" in priya
    page.screenshot(path=str(artifacts_dir / "team-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "team-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The lead's own questionnaire on a phone: "don't know" and what an answer rests on.
    page.goto(reverse("readiness:pillar", kwargs={"public_id": assessment.public_id,
                                                  "pillar_key": "automation"}))
    page.locator("label[for='id_basis_shop_floor_automation_observed']").click()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    page.locator("#dimension-shop_floor_automation").screenshot(
        path=str(artifacts_dir / "lead-dimension-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("readiness:team", kwargs={"public_id": assessment.public_id}))

    _colleague_answers(chromium, live_server, priya, "5", True, artifacts_dir)
    _colleague_answers(chromium, live_server, floor, "3", False, artifacts_dir,
                       unknown="shop_floor_automation")

    page.reload()
    members = page.locator("#team-members")
    expect(members.locator("li").first).to_contain_text("Finished")
    expect(members.locator("li").last).to_contain_text("2 of 16 dimensions answered")

    page.get_by_role("link", name="Compare everyone's answers").click()
    expect(page.get_by_text("On 1 dimension people are 2 bands or more apart")).to_be_visible()
    first = page.locator("section[data-dimension]").first
    expect(first).to_have_attribute("data-dimension", "vertical_integration")
    expect(first).to_contain_text("3 bands apart")
    expect(first).to_contain_text("Priya (IT)")
    first.get_by_label("Agreed band").select_option("3")
    first.get_by_label("Why (optional)").fill("MES on one line of three")
    first.get_by_role("button", name="Record agreed band").click()
    expect(page.get_by_text("agreed band recorded")).to_be_visible()
    expect(page.locator("#agree-vertical_integration [data-agreed]")).to_contain_text("band 3")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "divergence-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(reverse("readiness:review", kwargs={"public_id": assessment.public_id}))
    expect(page.locator("[data-agreed]").first).to_contain_text("band 3")
    page.get_by_role("button", name="Submit and see my results").click()
    confidence = page.locator("#confidence")
    # Every answer rests on a document, and the one disagreement was settled: high.
    expect(confidence).to_contain_text("Confidence: high")
    expect(confidence).to_contain_text("3 people rated the firm; they agreed within one band on "
                                       "100% of the dimensions two or more of them rated, "
                                       "counting 1 disagreement settled by an agreed band")
    confidence.screenshot(path=str(artifacts_dir / "results-confidence-1280.png"))
    stored = Assessment.objects.get(pk=assessment.pk)
    assert stored.scores["dimensions"]["vertical_integration"] == 3  # the agreed band

    response = page.request.get(reverse("readiness:report",
                                        kwargs={"public_id": assessment.public_id}))
    assert response.headers["content-type"] == "application/pdf"
    (artifacts_dir / "respondents-report.pdf").write_bytes(response.body())
    text = " ".join("\n".join(p.extract_text() or "" for p in
                              PdfReader(io.BytesIO(response.body())).pages).split())
    assert "How sure is this profile? Confidence: high" in text
    assert "counting 1 disagreement settled by an agreed band" in text


def test_an_advisor_verifies_answers_and_the_confidence_says_so(page, framework, artifacts_dir):
    from django.contrib.auth import get_user_model

    from advisors import services as advisor_services
    from advisors.models import Membership, Organisation
    from tests.factories import make_submitted, set_up_second_factor_in_browser

    hub = Organisation.objects.create(name="North West Hub", slug="nw-hub")
    assessment, _ = make_submitted(company_name="Mersey Foods", sector="10")
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann", password="correct horse battery")
    Membership.objects.create(user=user, organisation=hub)
    page.goto("/advisor/")
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    set_up_second_factor_in_browser(page, user)
    page.goto(reverse("advisors:review", kwargs={"share_id": share.pk}))
    expect(page.locator("#confidence")).to_contain_text("0 of 16 rated dimensions rest on")
    verify = page.locator("#verify")
    for name in ("Vertical Integration", "Horizontal Integration"):
        verify.get_by_label(name, exact=False).check()
    verify.get_by_role("button", name="Save verification").click()
    expect(page.get_by_text("2 answers marked verified.")).to_be_visible()
    expect(page.locator("#confidence")).to_contain_text(
        "2 of 16 rated dimensions rest on something seen or written down (2 verified by an "
        "advisor)")
    expect(page.locator("#verify-vertical_integration")).to_be_checked()
    page.locator("#verify").screenshot(path=str(artifacts_dir / "advisor-verify-1280.png"))
    page.locator("#confidence").screenshot(path=str(artifacts_dir / "advisor-confidence.png"))
