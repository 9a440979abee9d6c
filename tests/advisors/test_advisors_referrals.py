"""Referrals to programmes and their outcomes (issue 14): an advisor refers a firm, follows it to
an award and the project's end; the history is kept; the firm sees it; other organisations don't."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisors import services
from advisors.models import Membership, Organisation, Referral
from programmes.models import Programme
from tests.factories import make_submitted, open_link, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        slug="test-adoption-grant", name="Test Adoption Grant", country="GB",
        summary="Advice and a grant towards a first digital project.", amount_currency="GBP",
        source_title="Test source", facts_as_of=datetime.date(2026, 11, 30))


@pytest.fixture
def case(framework):
    assessment, token = make_submitted(company_name="Referred Ltd")
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    share = services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=hub)
    return share, token, sign_in(Client(), user)


def test_an_advisor_refers_a_firm_and_records_the_award(case, programme):
    share, token, advisor = case
    response = advisor.post(reverse("advisors:add_referral", args=[share.pk]),
                            {"programme": programme.pk, "note": "Fits their OEE project."})
    assert response.status_code == 302
    referral = Referral.objects.get(share=share)
    assert referral.status == "referred" and referral.programme_name == "Test Adoption Grant"

    update = reverse("advisors:update_referral", args=[share.pk, referral.pk])
    today = timezone.localdate().isoformat()
    assert advisor.post(update, {"status": "applied", "status_date": today}).status_code == 302
    response = advisor.post(update, {"status": "awarded", "status_date": today,
                                     "grant_amount": "20000", "own_investment": "25000",
                                     "currency": "gbp"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.grant_amount == Decimal("20000") and referral.currency == "GBP"
    assert referral.investment_total == Decimal("45000")
    assert [h.status for h in referral.history.order_by("history_date")] == [
        "referred", "applied", "awarded"]

    page = advisor.get(reverse("advisors:review", args=[share.pk])).content.decode()
    assert "Referred on" in page and "Applied on" in page and "Awarded on" in page

    # The firm sees where its referral stands, and it is in its data download.
    firm = Client()
    open_link(firm, token)
    results = firm.get(reverse("readiness:results", args=[share.assessment.public_id]))
    assert "Programmes your advisors referred you to" in results.content.decode()
    assert "Awarded on" in results.content.decode()
    export = json.loads(firm.get(reverse("readiness:data_export",
                                         args=[share.assessment.public_id])).content)
    assert export["advisors"][0]["referrals"][0]["status"] == "awarded"


def test_an_award_without_its_amount_or_a_future_date_is_refused_with_input_kept(case,
                                                                                programme):
    share, _, advisor = case
    referral = services.referral_create(share=share, programme=programme, referred_by=None)
    update = reverse("advisors:update_referral", args=[share.pk, referral.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = advisor.post(update, {"status": "awarded", "status_date": tomorrow,
                                     "note": "Letter received"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the amount awarded" in body and "cannot be in the future" in body
    assert 'value="Letter received"' in body
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_a_programme_is_referred_once_per_case(case, programme):
    share, _, advisor = case
    services.referral_create(share=share, programme=programme, referred_by=None)
    with pytest.raises(ValidationError):
        services.referral_create(share=share, programme=programme, referred_by=None)
    response = advisor.post(reverse("advisors:add_referral", args=[share.pk]),
                            {"programme": programme.pk})
    assert response.status_code == 400 and "already referred" in response.content.decode()


def test_another_organisation_can_neither_see_nor_change_a_referral(case, programme):
    share, _, _ = case
    referral = services.referral_create(share=share, programme=programme, referred_by=None)
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    bob = get_user_model().objects.create_user("bob")
    Membership.objects.create(user=bob, organisation=elsewhere)
    outsider = sign_in(Client(), bob)
    today = timezone.localdate().isoformat()
    assert outsider.post(reverse("advisors:update_referral", args=[share.pk, referral.pk]),
                         {"status": "declined", "status_date": today}).status_code == 404
    assert outsider.post(reverse("advisors:add_referral", args=[share.pk]),
                         {"programme": programme.pk}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_a_withdrawn_share_hides_its_referrals_from_the_firms_page(case, programme):
    share, token, _ = case
    services.referral_create(share=share, programme=programme, referred_by=None)
    services.share_withdraw(assessment=share.assessment, organisation=share.organisation)
    firm = Client()
    open_link(firm, token)
    results = firm.get(reverse("readiness:results", args=[share.assessment.public_id]))
    assert "Programmes your advisors referred you to" not in results.content.decode()


def test_the_demo_cohort_has_synthetic_referrals_with_outcomes(framework):
    from django.core.management import call_command

    from advisors.demo import load_demo_cohort

    call_command("load_programmes", verbosity=0)
    load_demo_cohort(300)
    referrals = Referral.objects.select_related("share__assessment", "programme")
    assert referrals.count() > 20
    assert all(r.share.assessment.is_synthetic and r.note == "Synthetic demo referral."
               for r in referrals)
    assert all(r.programme.country == r.share.assessment.country for r in referrals)
    outcomes = set(referrals.values_list("status", flat=True))
    assert {"referred", "awarded"} <= outcomes
    assert all(r.grant_amount is not None for r in referrals.filter(status="awarded"))
    assert Referral.history.count() == referrals.count()  # each with its first history step


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_advisor_refers_and_records_an_award_in_the_browser(page, live_server, framework,
                                                               programme, artifacts_dir):
    from django.conf import settings
    from playwright.sync_api import expect

    assessment, _ = make_submitted(company_name="Browser Referred Ltd")
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    share = services.share_create(assessment=assessment, organisation=hub)
    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=hub)
    client = sign_in(Client(), user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])

    page.goto(reverse("advisors:review", args=[share.pk]))
    referrals = page.locator("#referrals")
    referrals.get_by_label("Programme").select_option(label="Test Adoption Grant (GB)")
    referrals.get_by_role("button", name="Refer the firm").click()
    expect(page.get_by_text("Referred to Test Adoption Grant.")).to_be_visible()
    card = page.locator("#referrals .referral")
    card.get_by_text("Record progress").click()
    card.get_by_role("combobox", name="Status").select_option("awarded")
    card.get_by_label("Grant awarded").fill("20000")
    card.get_by_label("Currency").fill("GBP")
    card.get_by_role("button", name="Save").click()
    expect(page.locator("#referrals .referral-status")).to_contain_text("Awarded")
    expect(page.locator("#referrals .referral-history li")).to_have_count(2)
    page.locator("#referrals").screenshot(path=str(artifacts_dir / "advisor-referrals.png"))
