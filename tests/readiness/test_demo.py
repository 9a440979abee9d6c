"""The synthetic demo cohort (`manage.py load_demo`)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from readiness.models import Answer, Assessment, Firm
from tests.factories import DIMENSION_KEYS, make_assessment

pytestmark = pytest.mark.django_db



def demo_state():
    rows = Assessment.objects.filter(is_synthetic=True).order_by("company_name")
    return [
        (a.company_name, a.country, a.region, a.sector, a.status,
         tuple(a.answers.order_by("dimension_key").values_list("dimension_key", "band")),
         tuple(a.objectives), tuple(sorted(a.cost_profile.items())))
        for a in rows
    ]


def test_load_demo_creates_twelve_submitted_synthetic_assessments(framework):
    call_command("load_demo", stdout=StringIO())
    demo = Assessment.objects.filter(is_synthetic=True)
    assert demo.count() == 12
    assert set(demo.values_list("status", flat=True)) == {Assessment.Status.SUBMITTED}
    for assessment in demo:
        assert assessment.company_name.endswith("(synthetic)")
        keys = assessment.answers.values_list("dimension_key", flat=True)
        assert set(keys) == set(DIMENSION_KEYS)
        assert len(assessment.objectives) == 3
        assert sum(assessment.cost_profile.values()) == 100
    assert not Answer.objects.filter(band__gt=5).exists()


def test_load_demo_is_idempotent(framework):
    call_command("load_demo", stdout=StringIO())
    first = demo_state()
    firms = Firm.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Assessment.objects.filter(is_synthetic=True).count() == 12
    assert demo_state() == first
    assert Firm.objects.count() == firms
    assert Answer.objects.count() == 12 * 16


def test_load_demo_leaves_real_assessments_alone(framework):
    real, _ = make_assessment(company_name="Real Firm")
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    assert Assessment.objects.filter(is_synthetic=False).get() == real
    assert Firm.objects.filter(name="Real Firm").count() == 1


def test_load_demo_prints_a_link_to_a_synthetic_firms_results(framework):
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Loaded 12 synthetic demo firms." in text
    link = text[text.index("/resume/"):].split()[0]
    client = Client()
    response = client.get(link)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "(synthetic)" in page.content.decode()


def test_a_user_reassessment_of_a_demo_firm_survives_a_reload(framework):
    out = StringIO()
    call_command("load_demo", stdout=out)
    link = out.getvalue()[out.getvalue().index("/resume/"):].split()[0]
    client = Client()
    results = client.get(link)["Location"]
    public_id = results.split("/")[2]
    showcase = Assessment.objects.get(public_id=public_id)
    response = client.post(f"/assessment/{public_id}/reassess/")
    assert response.status_code == 302
    mine = Assessment.objects.get(is_synthetic=False)
    assert mine.firm_id == showcase.firm_id
    call_command("load_demo", stdout=StringIO())
    mine.refresh_from_db()
    assert mine.previous is None  # the demo assessment it came from was replaced
    assert Firm.objects.filter(pk=mine.firm_id).exists()
    assert Assessment.objects.filter(is_synthetic=True).count() == 12
