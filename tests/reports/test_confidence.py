"""The profile's confidence on the results page and in the PDF, and an advisor verifying a
shared assessment's answers (issue 16)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from advisors import services as advisor_services
from advisors.models import Membership, Organisation
from readiness import services, team_services
from readiness.reports.services import report_render
from readiness.scoring import UNKNOWN
from tests.factories import DIMENSION_KEYS, make_assessment, open_link, sign_in

AGREED_HALF = ("3 people rated the firm; they agreed within one band on 50% of the dimensions "
               "two or more of them rated")


def _pdf_text(content: bytes) -> str:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def team_assessment(framework, loaded):
    """Three people rated the firm; most answers rest on a document; one is not known."""
    assessment, token = make_assessment()
    answers = dict.fromkeys(DIMENSION_KEYS, (2, "", "document"))
    services.answers_save(assessment=assessment,
                          answers=answers | {"facility_intelligence": (UNKNOWN, "")})
    it, _ = team_services.respondent_invite(assessment=assessment, role="it")
    floor, _ = team_services.respondent_invite(assessment=assessment, role="shop_floor")
    team_services.respondent_answers_save(respondent=it, answers={
        "vertical_integration": (2, ""), "shop_floor_automation": (3, "")})
    team_services.respondent_answers_save(respondent=floor, answers={
        "vertical_integration": (3, ""), "shop_floor_automation": (5, "")})
    return assessment, token


def test_results_and_pdf_say_how_sure_the_profile_is(client, team_assessment):
    assessment, token = team_assessment
    services.assessment_submit(assessment=assessment)
    open_link(client, token)
    page = client.get(reverse("readiness:results",
                              kwargs={"public_id": assessment.public_id})).content.decode()
    # 15 rated, all on a document; agreement on 1 of 2 compared dimensions (50%): medium.
    assert "Confidence: medium" in page
    assert "15 of 15 rated dimensions rest on something seen or written down" in page
    assert AGREED_HALF in page
    assert "1 of 16 dimensions are not known" in page
    text = _pdf_text(report_render(assessment=assessment).content)
    assert "How sure is this profile? Confidence: medium" in text
    assert AGREED_HALF in text


@pytest.fixture
def hub(framework):
    return Organisation.objects.create(name="North West Hub", slug="nw-hub")


def _advisor(hub, name="ann"):
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(user=user, organisation=hub)
    client = sign_in(Client(), user)
    return client, user


def test_an_advisor_marks_answers_of_a_shared_assessment_verified(team_assessment, hub):
    assessment, _ = team_assessment
    services.assessment_submit(assessment=assessment)
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    advisor, user = _advisor(hub)
    url = reverse("advisors:verify_answers", kwargs={"share_id": share.pk})
    response = advisor.post(url, {"verified": ["vertical_integration", "leadership_competency",
                                               "not_a_dimension"]})
    assert response.status_code == 302
    verified = set(assessment.answers.filter(verified_at__isnull=False)
                   .values_list("dimension_key", flat=True))
    assert verified == {"vertical_integration", "leadership_competency"}
    assert assessment.answers.get(dimension_key="vertical_integration").verified_by == user
    page = advisor.get(reverse("advisors:review", kwargs={"share_id": share.pk})).content.decode()
    assert "(2 verified by an advisor)" in page and "Verified by an advisor" in page
    # Unticking removes the mark.
    advisor.post(url, {"verified": ["vertical_integration"]})
    assert assessment.answers.filter(verified_at__isnull=False).count() == 1


def test_an_advisor_of_another_organisation_cannot_verify(team_assessment, hub):
    assessment, _ = team_assessment
    services.assessment_submit(assessment=assessment)
    share = advisor_services.share_create(assessment=assessment, organisation=hub)
    elsewhere = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    stranger, _ = _advisor(elsewhere, "bob")
    response = stranger.post(reverse("advisors:verify_answers", kwargs={"share_id": share.pk}),
                             {"verified": ["vertical_integration"]})
    assert response.status_code == 404
    assert not assessment.answers.filter(verified_at__isnull=False).exists()
