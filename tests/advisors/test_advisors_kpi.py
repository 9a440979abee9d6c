"""Monthly KPI reporting (issue 14): firms served by size, sector, region and kind of support,
investment triggered per currency, maturity change; on a page and as CSV/XLSX."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advisors import services
from advisors.kpi import Award, ServedFirm, monthly_kpis
from advisors.models import Membership, Organisation
from programmes.models import Programme, SupportKind
from tests.factories import element_text, make_submitted, sign_in


def test_each_firm_counts_once_and_money_stays_in_its_currency():
    firms = [ServedFirm(1, "Small (10-49)", "10 Food", "North West", ("grant",), 0.5),
             ServedFirm(1, "Small (10-49)", "10 Food", "North West", ("grant",), 0.5),
             ServedFirm(2, "Micro (1-9)", "25 Metal", "", ("advice", "grant"), None),
             ServedFirm(3, "Small (10-49)", "25 Metal", "North West", (), 1.5)]
    awards = [Award("GBP", Decimal("20000"), Decimal("25000")),
              Award("GBP", Decimal("5000"), Decimal("0")),
              Award("EUR", Decimal("10000"), Decimal("10000"))]
    report = monthly_kpis("2026-10", firms, awards)
    assert report.firms_served == 3
    assert report.by_size == [("Small (10-49)", 2), ("Micro (1-9)", 1)]
    assert ("(no region given)", 1) in report.by_region
    assert report.by_support_kind == [("grant", 2), ("advice", 1)]
    assert report.investment == [("EUR", Decimal("10000"), Decimal("10000"), Decimal("20000")),
                                 ("GBP", Decimal("25000"), Decimal("25000"), Decimal("50000"))]
    assert report.reassessed == 2 and report.mean_score_change == pytest.approx(1.0)


@pytest.mark.django_db
def test_the_kpi_page_and_exports_count_this_months_work_of_this_organisation(framework):
    hub = Organisation.objects.create(name="North West Hub", slug="nw")
    programme = Programme.objects.create(slug="grant", name="Adoption Grant", country="GB",
                                         summary="A grant.", source_title="Test",
                                         facts_as_of=datetime.date(2026, 11, 30))
    programme.kinds.add(SupportKind.objects.get_or_create(key="grant")[0])
    served, _ = make_submitted(company_name="Served Foods", sector="10", employees=20,
                               region="North West")
    share = services.share_create(assessment=served, organisation=hub)
    referral = services.referral_create(share=share, programme=programme, referred_by=None)
    services.referral_update(referral=referral, status="awarded",
                             status_date=timezone.localdate(), grant_amount=Decimal("20000"),
                             own_investment=Decimal("25000"), currency="GBP")
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    other, _ = make_submitted(company_name="Not ours")
    services.share_create(assessment=other, organisation=elsewhere)

    user = get_user_model().objects.create_user("ann")
    Membership.objects.create(user=user, organisation=hub)
    advisor = sign_in(Client(), user)
    month = timezone.localdate().strftime("%Y-%m")
    page = advisor.get(reverse("advisors:kpi"), {"month": month}).content.decode()
    assert "Firms served 1" in element_text(page, "kpi-summary")
    assert "Small (10-49)" in page and "10 Food products" in page
    assert "Grant" in page and "45000" in page.replace(",", "").replace(".0", "")

    xlsx = pd.read_excel(io.BytesIO(advisor.get(reverse("advisors:kpi_export", args=["xlsx"]),
                                                {"month": month}).content), sheet_name=None)
    assert xlsx["investment"].iloc[0].tolist() == ["GBP", 20000, 25000, 45000]
    assert xlsx["by region"].iloc[0].tolist() == ["North West", 1]
    csv = pd.read_csv(io.StringIO(advisor.get(reverse("advisors:kpi_export", args=["csv"]),
                                              {"month": month}).content.decode()))
    assert list(csv.columns) == ["breakdown", "group", "value"]
    assert "Not ours" not in csv.to_string()
    # A month with nothing in it is empty, not an error; nonsense months are ignored.
    assert "Firms served 0" in element_text(
        advisor.get(reverse("advisors:kpi"), {"month": "2019-01"}).content.decode(), "kpi-summary")
    assert advisor.get(reverse("advisors:kpi"), {"month": "soon"}).status_code == 200
